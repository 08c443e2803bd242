"""The photo store: files by key, each photo's set made visible all at once by its marker.

`FileSystemStore` keeps them under UPLOAD_DIR (the default); `S3Store` (s3store.py) in an
S3-compatible object store when PHOTO_STORE=s3; `StagedStore` holds a post's files in memory
until the whole post is accepted. `configured_store` picks one from the configuration.
"""
from __future__ import annotations

import io
import os
import re
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, Protocol

ORIGINAL, DISPLAY, THUMB, MARKER = "original", "display.jpg", "thumb.jpg", "complete.json"
_NAMES = (ORIGINAL, DISPLAY, THUMB, MARKER)
TEMP_SUFFIX = ".tmp"
_SHA256 = re.compile(r"[0-9a-f]{64}")

# The all-or-nothing rule: keys are grouped by folder into sets, and a set is committed by its
# MARKER key. Writers put every other file of a set first and the marker last; `exists`, `open`
# and `path_or_none` see a key only once the marker of its folder is stored. A crash between
# two puts thus leaves files nobody sees (and the next upload of the same bytes rewrites them),
# never a set a reader takes for whole. The marker also holds what is costly to recompute (the
# phash), so a repeated upload needs no decoding.


class PhotoStore(Protocol):
    """Photo files by key; a folder's keys become visible together when its marker is put."""

    def exists(self, key: str) -> bool:
        """Return whether the key is stored and its set committed."""
        ...

    def put(self, key: str, data: bytes) -> None:
        """Store the bytes atomically: a reader sees the old content or the new, never a mix."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open a visible key for reading; FileNotFoundError if `exists` would say False."""
        ...

    def path_or_none(self, key: str) -> Path | None:
        """Return a local path for a visible key (for sending files), or None (S3: never a path)."""
        ...

    def keys(self) -> Iterator[str]:
        """Yield every stored key, relative as `put` takes it, committed or not (never the
        temporary files of writes under way), in no particular order."""
        ...


class FileSystemStore(PhotoStore):
    """Photo files under one local directory (UPLOAD_DIR), each put written atomically and durably."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def exists(self, key: str) -> bool:
        """Return whether the key is stored and its set committed."""
        return self._visible(key) is not None

    def put(self, key: str, data: bytes) -> None:
        """Write via a temporary file, fsync, rename and fsync of the folder."""
        path = self._path(key)
        _ensure_folder(path.parent)
        _write_atomically(path, data)

    def open(self, key: str) -> BinaryIO:
        """Open a visible key for reading."""
        path = self._visible(key)
        if path is None:
            raise FileNotFoundError(key)
        return path.open("rb")

    def path_or_none(self, key: str) -> Path | None:
        """Return the file's path if the key is visible."""
        return self._visible(key)

    def keys(self) -> Iterator[str]:
        """Walk the root: every stored file as its key, the temporary files of puts left out."""
        for folder, _dirs, files in os.walk(self.root):
            relative = Path(folder).relative_to(self.root).parts
            for name in files:
                if not is_temporary(name):
                    yield "/".join((*relative, name))

    def remove_leftovers(self, *, before: float) -> int:
        """Remove what crashes left, last changed before the timestamp `before`: temporary files of
        puts, and the files of sets whose marker never came. A committed set is never touched."""
        removed = 0
        for folder, _dirs, files in os.walk(self.root, topdown=False):
            here = Path(folder)
            emptied = 0
            for name in files:
                if is_temporary(name) or MARKER not in files:
                    emptied += _remove_if_older(here / name, before, keep_if=here / MARKER)
            if here != self.root:
                _remove_empty(here, before, emptied=emptied == len(files) > 0)
            removed += emptied
        return removed

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*_key_parts(key))

    def _visible(self, key: str) -> Path | None:
        path = self._path(key)
        if path.is_file() and (path.parent / MARKER).is_file():
            return path
        return None


class StagedStore(PhotoStore):
    """Holds a post's photo files in memory and reads through to the real store; `publish`
    writes them there, files before markers, once the whole post is accepted."""

    def __init__(self, target: PhotoStore):
        self.target = target
        self.staged: dict[str, bytes] = {}

    def exists(self, key: str) -> bool:
        return self._staged_visible(key) or self.target.exists(key)

    def put(self, key: str, data: bytes) -> None:
        self.staged[key] = data

    def open(self, key: str) -> BinaryIO:
        if self._staged_visible(key):
            return io.BytesIO(self.staged[key])
        return self.target.open(key)

    def path_or_none(self, key: str) -> Path | None:
        return None if self._staged_visible(key) else self.target.path_or_none(key)

    def keys(self) -> Iterator[str]:
        yield from self.staged
        yield from (key for key in self.target.keys() if key not in self.staged)

    def publish(self) -> None:
        """Put every staged file into the real store; each folder's marker goes last."""
        for key in sorted(self.staged, key=lambda k: k.endswith("/" + MARKER)):
            self.target.put(key, self.staged[key])
        self.staged.clear()

    def _staged_visible(self, key: str) -> bool:
        folder = key.rpartition("/")[0]
        return key in self.staged and f"{folder}/{MARKER}" in self.staged


def configured_store(config: Mapping[str, Any]) -> PhotoStore:
    """The photo store the configuration chooses: PHOTO_STORE "filesystem" (default) or "s3"."""
    kind = (config.get("PHOTO_STORE") or "filesystem").lower()
    if kind == "s3":
        from hygiene.media.s3store import s3_store  # boto3 is imported only where S3 is used

        return s3_store(config)
    if kind != "filesystem":
        raise RuntimeError(f"PHOTO_STORE must be 'filesystem' or 's3', not {kind!r}.")
    return FileSystemStore(config["UPLOAD_DIR"])


def _key_parts(key: str) -> list[str]:
    """Split a store key into path parts, refusing anything that could leave the store's root."""
    parts = key.split("/") if isinstance(key, str) else [""]
    if any(c in "".join(parts) for c in "\\\x00:") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"unsafe photo store key: {key!r}")
    return parts


def _ensure_folder(folder: Path) -> None:
    """Create a folder and its missing parents, each new entry fsynced into its parent."""
    if folder.is_dir():
        return
    _ensure_folder(folder.parent)
    folder.mkdir(exist_ok=True)
    _fsync_folder(folder.parent)


def _remove_if_older(path: Path, before: float, *, keep_if: Path) -> int:
    """Unlink `path` if it was last changed before `before` (and, unless it is a temporary file,
    if its set's marker has not appeared meanwhile)."""
    try:
        if path.stat().st_mtime >= before or (not is_temporary(path.name) and keep_if.exists()):
            return 0
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1


def _remove_empty(folder: Path, before: float, *, emptied: bool) -> None:
    """Remove a folder left empty by old files, unless a put may have just made it for its files."""
    try:
        if (emptied or folder.stat().st_mtime < before) and not any(folder.iterdir()):
            folder.rmdir()  # refuses a folder a put has written into meanwhile
    except OSError:
        pass


def is_temporary(name: str) -> bool:
    """Whether a file name is one of `_write_atomically`'s temporary siblings."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary sibling, fsync it, then rename it over `path`."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
    try:
        with open(temp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    # without this a power cut may forget the rename, and the marker could outlive the files
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make renames and new entries in a folder durable (a no-op where folders cannot be fsynced)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def photo_key(sha256: str, name: str) -> str:
    """Return the store key of one file of a photo: ORIGINAL, DISPLAY, THUMB or MARKER."""
    if not _SHA256.fullmatch(sha256) or name not in _NAMES:
        raise ValueError(f"bad photo key parts: {sha256!r}, {name!r}")
    return f"{sha256[:2]}/{sha256}/{name}"
