"""The store: all-or-nothing sets, safe keys, content-addressed names."""
from __future__ import annotations

import hashlib
import os

import pytest

from hygiene.media.intake import photo_intake
from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, FileSystemStore, StagedStore, photo_key
from tests.media.images import encode, scene, stored_files

# --- the store ---------------------------------------------------------------------------------


@pytest.mark.parametrize("failing_call", [1, 2, 3, 4])
def test_a_crash_mid_write_leaves_no_visible_part_and_a_retry_completes(root, store, monkeypatch,
                                                                       failing_call):
    data = encode(scene(21))
    real_replace, calls = os.replace, []

    def crashing_replace(src, dst):
        calls.append(dst)
        if len(calls) == failing_call:
            raise OSError("disk full (simulated)")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crashing_replace)
    with pytest.raises(OSError, match="simulated"):
        photo_intake(data, "a.jpg", store=store)
    monkeypatch.setattr(os, "replace", real_replace)

    sha = hashlib.sha256(data).hexdigest()
    for name in (ORIGINAL, DISPLAY, THUMB, MARKER):
        key = photo_key(sha, name)
        assert not store.exists(key) and store.path_or_none(key) is None
        with pytest.raises(FileNotFoundError):
            store.open(key)
    assert not [p for p in stored_files(root) if p.name.endswith(".tmp")]

    info = photo_intake(data, "a.jpg", store=store)
    assert not info.already_stored
    assert all(store.exists(photo_key(sha, name)) for name in (ORIGINAL, DISPLAY, THUMB, MARKER))


def test_a_key_is_visible_only_once_its_folder_is_committed(store):
    key = "ab/set/original"
    store.put(key, b"one")
    assert not store.exists(key) and store.path_or_none(key) is None
    store.put("ab/set/" + MARKER, b"{}")
    assert store.exists(key)
    store.put(key, b"two")
    with store.open(key) as f:
        assert f.read() == b"two"


@pytest.mark.parametrize("key", ["../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", "C:/x", "", "a/./b",
                                 "a/\0b"])
def test_unsafe_keys_are_refused(store, key):
    for call in (store.exists, store.open, store.path_or_none, lambda k: store.put(k, b"x")):
        with pytest.raises(ValueError):
            call(key)


def test_photo_keys_are_content_addressed():
    sha = "ab" + "0" * 62
    assert photo_key(sha, DISPLAY) == f"ab/{sha}/display.jpg"
    for bad in ("../" + "0" * 61, "AB" + "0" * 62, "ab"):
        with pytest.raises(ValueError):
            photo_key(bad, DISPLAY)
    with pytest.raises(ValueError):
        photo_key(sha, "other.jpg")


class RecordingStore(FileSystemStore):
    """A filesystem store that records the order of its puts."""

    def __init__(self, root):
        super().__init__(root)
        self.puts = []

    def put(self, key, data):
        self.puts.append(key)
        super().put(key, data)


def test_a_staged_post_reaches_the_store_only_when_published_markers_last(root):
    target = RecordingStore(root)
    staged = StagedStore(target)
    info = photo_intake(encode(scene(22)), "a.jpg", store=staged)
    display = photo_key(info.sha256, DISPLAY)
    assert staged.exists(display) and not target.exists(display) and stored_files(root) == []
    assert staged.path_or_none(display) is None  # nothing on disk to send yet
    with staged.open(display) as f:
        assert f.read().startswith(b"\xff\xd8")  # a JPEG, read back from memory

    staged.publish()
    assert target.exists(display) and staged.staged == {}
    assert len(target.puts) == 4 and target.puts[-1] == photo_key(info.sha256, MARKER)
    assert photo_intake(encode(scene(22)), "a.jpg", store=StagedStore(target)).already_stored
