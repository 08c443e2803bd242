"""The one download answer: a file with a plain ASCII name and its Chinese name (RFC 5987).

Old clients read `filename="…"`; browsers read `filename*=UTF-8''…`, so the file saves as
"检查记录2026-11-01至2026-11-30.xlsx". Downloads are private: never kept by a shared cache.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from flask import Response, send_file

from hygiene.core.excel import XLSX

CSV = "text/csv"


def attachment_disposition(ascii_name: str, name: str) -> str:
    """The Content-Disposition of an attachment; `ascii_name` is made safe, `name` is quoted."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_name).strip("-.") or "download"
    # a slash or a control character would be changed by the browser (村/社区 -> 村_社区): say it ourselves
    name = re.sub(r"[\\/:*?\"<>|]", "、", re.sub(r"[\x00-\x1f\x7f]", "", name)).strip() or safe
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(content: bytes | Path, *, ascii_name: str, name: str, mimetype: str = XLSX) -> Response:
    """Answer with `content` (bytes, or a file streamed from disk) as an attachment."""
    if isinstance(content, Path):
        response = send_file(content, mimetype=mimetype, conditional=False, etag=False, max_age=0)
    else:
        response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = attachment_disposition(ascii_name, name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
