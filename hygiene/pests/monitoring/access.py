"""How monitoring records are scoped: the office reads its township's, a village contact its
village's, a unit contact the records of its unit."""
from __future__ import annotations

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.pests.monitoring.models import MonitoringRecord

scope_rule(MonitoringRecord)(work_record_clause)
