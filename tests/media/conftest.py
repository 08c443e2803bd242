"""A store in a fresh folder, or a fresh bucket of a real S3-protocol server, for each intake and
store test (no application). `store` runs a test against both stores; `fs_store` only on disk."""
import pytest

from hygiene.media.store import FileSystemStore
from tests.media.s3 import new_bucket_store, start_server


@pytest.fixture
def root(tmp_path):
    return tmp_path / "uploads"


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server, started once for the run."""
    server, endpoint = start_server()
    yield endpoint
    server.stop()


@pytest.fixture(params=["filesystem", "s3"])
def store(request, root):
    if request.param == "s3":
        return new_bucket_store(request.getfixturevalue("s3_endpoint"))
    return FileSystemStore(root)


@pytest.fixture
def fs_store(root):
    return FileSystemStore(root)
