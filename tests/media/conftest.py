"""A store in a fresh folder for each intake and store test (no application)."""
import pytest

from hygiene.media.store import FileSystemStore


@pytest.fixture
def root(tmp_path):
    return tmp_path / "uploads"


@pytest.fixture
def store(root):
    return FileSystemStore(root)
