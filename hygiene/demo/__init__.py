"""The demo: one believable township and four months of its work, across every domain.

It composes the domains the way the office would use them (register, plans, inspections,
orders, rankings), so it sits above them, like create_app: `township.py` loads the register
and calls `inspections.py` (plans played out, orders worked) and `rankings.py`."""
from hygiene.demo.township import DEMO_PASSWORD, demo_load

__all__ = ["DEMO_PASSWORD", "demo_load"]
