"""How the audit trail words rankings: their publications, settings, periods and weights."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import register_record_label, register_record_type, register_value_words
from hygiene.rankings.components import COMPONENTS
from hygiene.rankings.wording import period_label, subject_label


def _publication(subject: str, period: str) -> str:
    return _("Ranking of %(subject)s, %(period)s", subject=subject_label(subject), period=period_label(period))


def _period(value) -> str:
    try:
        return period_label(str(value))
    except ValueError:
        return str(value)


def _weights(value) -> str:
    """Weights by the name of their component."""
    if not isinstance(value, dict):
        return str(value)
    labels = {c.key: str(c.label) for c in COMPONENTS}
    return _(", ").join(f"{labels.get(k, k)} {v}" for k, v in value.items())


register_record_type("ranking", _l("Rankings"), ("ranking_publication", "ranking_settings"))
register_record_label("ranking_publication", _publication)
register_record_label("ranking_settings", lambda: _("Ranking settings"))
register_value_words("period", _period)
register_value_words("subject", lambda value: subject_label(str(value)))
register_value_words("weights", _weights)
