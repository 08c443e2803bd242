"""The records whose history the tests read: an inspection, its order, a plan."""
from tests.inspections.conftest import inspection  # noqa: F401  (fixture)
from tests.inspections.plans.test_views import sheet  # noqa: F401  (fixture)
from tests.rectifications.conftest import order  # noqa: F401  (fixture)
