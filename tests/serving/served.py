"""Start `flask --app hygiene serve` as a real process on a free port, on an SQLite file of its own."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def migrated_sqlite(folder: Path) -> str:
    """An SQLite file with the schema made by the migrations (in a process of its own)."""
    url = f"sqlite:///{folder / 'hygiene.db'}"
    subprocess.run([sys.executable, "-m", "flask", "--app", "hygiene", "db", "upgrade"], cwd=ROOT, check=True,
                   env=server_env(url, folder), capture_output=True, timeout=120)
    return url


def server_env(url: str, folder: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("TEST_DATABASE_URL", "FLASK_DEBUG")}
    return {**env, "HYGIENE_CONFIG": "development", "HYGIENE_DEMO": "0", "DATABASE_URL": url,
            "SECRET_KEY": "served-test-secret-0123456789abcdef", "UPLOAD_DIR": str(folder / "uploads"),
            "PYTHONPATH": str(ROOT), **extra}


@contextmanager
def serving(url: str, folder: Path, *args: str, **extra: str):
    """Yield (base URL, the process) while `flask serve` answers; stop it with SIGTERM afterwards."""
    port = free_port()
    log = open(folder / f"serve-{port}.log", "w+")
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "hygiene", "serve", "--port", str(port),
                                *args], cwd=ROOT, env=server_env(url, folder, **extra),
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, process, log)
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()


def output_of(folder: Path) -> str:
    return "".join(path.read_text() for path in sorted(folder.glob("serve-*.log")))


def _wait_for(port: int, process: subprocess.Popen, log, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"`flask serve` exited with {process.returncode}:\n{log.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("`flask serve` did not answer within a minute")
