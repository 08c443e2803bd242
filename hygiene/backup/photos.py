"""Copying the photo store into a backup folder and back, file by file, only what is missing.

A backup holds the committed sets only (what `open` reads); a file already in the folder with
the same size is kept, and one in the previous backup (`link_from`) is hard-linked, so a daily
backup costs the day's new photos. The list of keys and sizes (photos.tsv) is what the manifest
sums up and what a restore checks against.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hygiene.media.store import MARKER, PhotoStore

PHOTOS, LISTING = "photos", "photos.tsv"


@dataclass(frozen=True)
class PhotoSummary:
    count: int
    bytes: int
    digest: str  # sha256 of the sorted "key<TAB>size" lines

    def as_dict(self) -> dict[str, int | str]:
        return {"count": self.count, "bytes": self.bytes, "digest": self.digest}


def copy_out(store: PhotoStore, dest: Path, *, link_from: Path | None = None) -> tuple[PhotoSummary, int]:
    """Copy every committed photo file into dest/photos; returns the summary and files written."""
    sizes: dict[str, int] = {}
    written = 0
    for key in store.keys():
        size, fresh = _copy_one(store, key, dest / PHOTOS, link_from / PHOTOS if link_from else None)
        if size is not None:
            sizes[key] = size
            written += fresh
    (dest / LISTING).write_text("".join(f"{key}\t{size}\n" for key, size in sorted(sizes.items())),
                                encoding="utf-8")
    return summarise(sizes), written


def copy_in(src: Path, store: PhotoStore) -> int:
    """Put every file of the backup into the store, each set's marker after its other files."""
    keys = sorted(listing(src), key=lambda key: (key.rpartition("/")[0], key.endswith("/" + MARKER)))
    for key in keys:
        store.put(key, (src / PHOTOS / key).read_bytes())
    return len(keys)


def listing(src: Path) -> dict[str, int]:
    """The backup's keys and sizes, from its photos.tsv."""
    lines = (src / LISTING).read_text(encoding="utf-8").splitlines()
    return {key: int(size) for key, size in (line.split("\t") for line in lines if line)}


def store_sizes(store: PhotoStore, keys: Iterable[str]) -> dict[str, int | None]:
    """The size of each key as the store has it now (None: missing or its set not committed)."""
    return {key: _size(store, key) for key in keys}


def summarise(sizes: dict[str, int]) -> PhotoSummary:
    digest = hashlib.sha256("".join(f"{k}\t{v}\n" for k, v in sorted(sizes.items())).encode()).hexdigest()
    return PhotoSummary(len(sizes), sum(sizes.values()), digest)


def _copy_one(store: PhotoStore, key: str, root: Path, previous: Path | None) -> tuple[int | None, int]:
    """Copy one key unless the folder has it already; (its size or None if not readable, files written)."""
    size = _size(store, key)
    if size is None:
        return None, 0  # a set whose marker has not come (yet): not a photo anyone can see
    target = root.joinpath(*key.split("/"))
    if target.is_file() and target.stat().st_size == size:
        return size, 0
    target.parent.mkdir(parents=True, exist_ok=True)
    if previous is not None and _link(previous.joinpath(*key.split("/")), target, size):
        return size, 0
    temp = target.with_name(target.name + ".part")
    with store.open(key) as source, open(temp, "wb") as out:
        shutil.copyfileobj(source, out)
    os.replace(temp, target)
    return size, 1


def _link(earlier: Path, target: Path, size: int) -> bool:
    try:
        if earlier.stat().st_size != size:
            return False
        target.unlink(missing_ok=True)
        os.link(earlier, target)
    except OSError:
        return False  # not there, or another file system: copy instead
    return True


def _size(store: PhotoStore, key: str) -> int | None:
    path = store.path_or_none(key)
    if path is not None:
        try:
            return path.stat().st_size
        except FileNotFoundError:
            return None
    try:
        with store.open(key) as source:
            return len(source.read())
    except FileNotFoundError:
        return None
