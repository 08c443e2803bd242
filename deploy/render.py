"""Fill the @NAME@ placeholders of a deploy/ file from an env file (and the environment).

    python deploy/render.py deploy/nginx/hygiene.conf /etc/hygiene/hygiene.env > /etc/nginx/sites-available/hygiene

The env file wins over the environment; a placeholder with no value stops it, naming what is missing."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


def read_env(path: Path) -> dict[str, str]:
    """KEY=value lines of an env file (systemd's EnvironmentFile format); comments and blanks skipped."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def render(text: str, values: dict[str, str]) -> str:
    """The text with every @NAME@ replaced; KeyError naming the first one without a value."""
    missing = sorted({name for name in PLACEHOLDER.findall(text) if not values.get(name)})
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    values = {**os.environ, **(read_env(Path(argv[2])) if len(argv) == 3 else {})}  # the file wins
    try:
        sys.stdout.write(render(Path(argv[1]).read_text(), values))
    except KeyError as error:
        print(f"render: {error.args[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
