"""Import every domain's tables so metadata (and Alembic) sees the whole schema."""
from hygiene.accounts.models import User  # noqa: F401
from hygiene.audit.models import AuditEvent  # noqa: F401
from hygiene.places.models import Cleaner, Household, Township, Unit, Village  # noqa: F401
