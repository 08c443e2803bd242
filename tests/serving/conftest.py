"""The open inspection of the inspection tests, for uploading photos."""
from tests.inspections.conftest import inspection  # noqa: F401  (a fixture)
