"""How monitoring records are scoped: the office reads its township's, a village contact its
village's, a unit contact the records of its unit."""
from __future__ import annotations

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.pests.monitoring.models import MonitoringMonthCount, MonitoringRecord

# the month counts have no unit: a unit contact reads none (it sees no monitoring at all)
scope_rule(MonitoringRecord, MonitoringMonthCount)(work_record_clause)
