"""The food registers' Excel exports through the one writer: the banquet register (§5.1's
registration form as a list) and the health certificates list, each with the list page's filters."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.excel import Sheet
from hygiene.exports.registry import ExportKind, refuse_unreadable, register_export
from hygiene.extensions import db
from hygiene.food import queries
from hygiene.food.models import Banquet, HealthCertificate
from hygiene.food.rules import certificate_state
from hygiene.food.status import BanquetStatus
from hygiene.food.words import CERT_LABELS, KIND_LABELS, MEAL_LABELS
from hygiene.places.models import Village

BATCH = 1000
BANQUET_HEADERS = [_l("No."), _l("Village / community"), _l("Date"), _l("Meal"), _l("Occasion"), _l("Host"),
                   _l("Host's phone"), _l("Place"), _l("Tables"), _l("Diners"), _l("Cook"), _l("Cook's phone"),
                   _l("Cook's health certificate No."), _l("Cook's certificate"), _l("Registered on"),
                   _l("On-site check"), _l("Status")]
CERT_HEADERS = [_l("No."), _l("Village / community"), _l("Unit"), _l("Worker"), _l("Certificate No."),
                _l("Date of issue"), _l("Valid until"), _l("Status")]


def banquet_params(args: Mapping[str, str], today: date) -> dict:
    filters, unread = queries.read_banquet_filters(args)
    refuse_unreadable(unread)
    return {"view": filters.view, "status": filters.status, "village_id": filters.village_id,
            "year": filters.year, "today": today.isoformat()}


def _banquets(scope: Scope, params: dict) -> sa.Select:
    filters = queries.BanquetFilters(view=params["view"], status=params["status"], village_id=params["village_id"],
                                     year=params["year"])
    today = date.fromisoformat(params["today"])
    return queries.banquet_list_stmt(scope=scope, filters=filters, rules=queries.rules_for(scope.township_id),
                                     today=today)


def banquet_rows(scope: Scope, params: dict) -> Iterator[list]:
    rules = queries.rules_for(scope.township_id)
    stmt = _banquets(scope, params).add_columns(Village.name).join(Village, Village.id == Banquet.village_id)
    for n, (b, village) in enumerate(db.session.execute(stmt.execution_options(yield_per=BATCH)), start=1):
        state = certificate_state(number=b.cook_cert_number, expires_on=b.cook_cert_expires_on, on=b.banquet_on)
        check = (_("Check passed") if b.check_passed else _("Failed: to be corrected")) if b.checked_on else (
            _("Not checked on site") if rules.needs_check(b.diners) else "")
        yield [n, village, b.banquet_on, str(MEAL_LABELS[b.meal]), str(KIND_LABELS[b.kind]), b.host_name,
               b.host_phone, b.place, b.tables, b.diners, b.cook_name, b.cook_phone, b.cook_cert_number,
               str(CERT_LABELS[state]), b.registered_on, check, BanquetStatus.label_of(b.status)]


def banquet_size(scope: Scope, params: dict) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_banquets(scope, params).order_by(None)
                                                                     .subquery())) or 0


def banquet_sheets(scope: Scope, params: dict) -> list[Sheet]:
    return [Sheet(_l("Banquet register"), BANQUET_HEADERS, banquet_rows(scope, params),
                  [6, 12, 12, 6, 8, 10, 14, 20, 6, 6, 10, 14, 18, 10, 12, 14, 10],
                  caption=_("Rural banquet register"), text_columns=(7, 12, 13), freeze_headers=True)]


def banquet_names(params: dict) -> tuple[str, str]:
    return f"banquets-{params['today']}", _("Rural banquet register %(day)s", day=params["today"])


def certificate_params(args: Mapping[str, str], today: date) -> dict:
    filters, unread = queries.read_certificate_filters(args)
    refuse_unreadable(unread)
    return {"state": filters.state, "unit_id": filters.unit_id, "village_id": filters.village_id, "q": filters.q,
            "today": today.isoformat()}


def _certificates(scope: Scope, params: dict) -> sa.Select:
    filters = queries.CertificateFilters(state=params["state"], unit_id=params["unit_id"],
                                         village_id=params["village_id"], q=params["q"])
    return queries.certificate_list_stmt(scope=scope, filters=filters, rules=queries.rules_for(scope.township_id),
                                         today=date.fromisoformat(params["today"]))


def certificate_rows(scope: Scope, params: dict) -> Iterator[list]:
    rules, today = queries.rules_for(scope.township_id), date.fromisoformat(params["today"])
    stmt = _certificates(scope, params).add_columns(Village.name).join(
        Village, Village.id == HealthCertificate.village_id)
    for n, (c, village) in enumerate(db.session.execute(stmt.execution_options(yield_per=BATCH)), start=1):
        state = certificate_state(number=c.number, expires_on=c.expires_on, on=today, warn_days=rules.remind_days)
        yield [n, village, c.unit.name, c.worker_name, c.number, c.issued_on, c.expires_on, str(CERT_LABELS[state])]


def certificate_size(scope: Scope, params: dict) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_certificates(scope, params).order_by(None)
                                                                     .subquery())) or 0


def certificate_sheets(scope: Scope, params: dict) -> list[Sheet]:
    return [Sheet(_l("Health certificates"), CERT_HEADERS, certificate_rows(scope, params),
                  [6, 12, 20, 10, 20, 12, 12, 10], caption=_("Food workers' health certificates"),
                  text_columns=(5,), freeze_headers=True)]


def certificate_names(params: dict) -> tuple[str, str]:
    return f"health-certificates-{params['today']}", _("Health certificates %(day)s", day=params["today"])


BANQUETS = register_export(ExportKind("food_banquets", _l("Rural banquet register"), banquet_params, banquet_size,
                                      banquet_sheets, banquet_names,
                                      allowed=lambda scope: scope.township_wide or scope.village_id is not None))
CERTIFICATES = register_export(ExportKind("food_certificates", _l("Health certificates"), certificate_params,
                                          certificate_size, certificate_sheets, certificate_names,
                                          allowed=lambda scope: scope.sees_food_safety))
