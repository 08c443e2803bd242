"""The store: all-or-nothing sets, safe keys, content-addressed names."""
from __future__ import annotations

import hashlib
import os

import pytest

from hygiene.media.intake import photo_intake
from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, StagedStore, photo_key
from tests.media.images import encode, scene, stored_files

# --- the store ---------------------------------------------------------------------------------


@pytest.mark.parametrize("failing_call", [1, 2, 3, 4])
def test_a_crash_mid_write_leaves_no_visible_part_and_a_retry_completes(root, fs_store, monkeypatch,
                                                                       failing_call):
    store, data = fs_store, encode(scene(21))
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


@pytest.mark.parametrize("failing_put", [1, 2, 3, 4])
def test_a_crash_between_puts_leaves_no_visible_part_in_either_store(store, monkeypatch, failing_put):
    data, puts, real_put = encode(scene(23)), [], store.put

    def crashing_put(key, content):
        puts.append(key)
        if len(puts) == failing_put:
            raise ConnectionError("the process died here (simulated)")
        real_put(key, content)

    monkeypatch.setattr(store, "put", crashing_put)
    with pytest.raises(ConnectionError):
        photo_intake(data, "a.jpg", store=store)
    monkeypatch.setattr(store, "put", real_put)

    sha = hashlib.sha256(data).hexdigest()
    assert len(list(store.keys())) == failing_put - 1  # the files written before the crash...
    for name in (ORIGINAL, DISPLAY, THUMB, MARKER):  # ...but none of them visible
        assert not store.exists(photo_key(sha, name))
        with pytest.raises(FileNotFoundError):
            store.open(photo_key(sha, name))
    assert not photo_intake(data, "a.jpg", store=store).already_stored
    assert sorted(store.keys()) == sorted(photo_key(sha, name) for name in (ORIGINAL, DISPLAY, THUMB, MARKER))


def test_a_key_is_visible_only_once_its_folder_is_committed(store):
    key = "ab/set/original"
    store.put(key, b"one")
    assert not store.exists(key) and store.path_or_none(key) is None
    store.put("ab/set/" + MARKER, b"{}")
    assert store.exists(key)
    store.put(key, b"two")
    with store.open(key) as f:
        assert f.read() == b"two"
    assert sorted(store.keys()) == ["ab/set/" + MARKER, key]


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


class RecordingStore:
    """A store that records the order of its puts."""

    def __init__(self, inner):
        self.inner, self.puts = inner, []

    def put(self, key, data):
        self.puts.append(key)
        self.inner.put(key, data)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_staged_post_reaches_the_store_only_when_published_markers_last(store):
    target = RecordingStore(store)
    staged = StagedStore(target)
    info = photo_intake(encode(scene(22)), "a.jpg", store=staged)
    display = photo_key(info.sha256, DISPLAY)
    assert staged.exists(display) and not target.exists(display) and list(store.keys()) == []
    assert staged.path_or_none(display) is None  # nothing on disk to send yet
    with staged.open(display) as f:
        assert f.read().startswith(b"\xff\xd8")  # a JPEG, read back from memory

    staged.publish()
    assert target.exists(display) and staged.staged == {} and len(list(staged.keys())) == 4
    assert len(target.puts) == 4 and target.puts[-1] == photo_key(info.sha256, MARKER)
    assert photo_intake(encode(scene(22)), "a.jpg", store=StagedStore(target)).already_stored
