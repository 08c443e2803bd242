"""hygiene: the patriotic hygiene office's inspection, rectification and ranking system."""
from __future__ import annotations

import importlib
import os
from datetime import date, datetime

import sqlalchemy as sa
from flask import Flask, has_request_context, request, session
from werkzeug.exceptions import HTTPException

from hygiene.core.headers import init_app as headers_init_app
from hygiene.core.input import init_app as input_init_app
from hygiene.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# every domain module that declares scheduled jobs; a missing one stops the start (scheduler/registry.py)
JOB_MODULES = ("hygiene.notifications.jobs", "hygiene.rectifications.jobs", "hygiene.inspections.jobs",
               "hygiene.exports.jobs", "hygiene.pests.jobs",
               "hygiene.toilets.jobs", "hygiene.briefing.jobs", "hygiene.creation.jobs", "hygiene.education.jobs", "hygiene.food.jobs", "hygiene.campaigns.jobs",
               "hygiene.letters.jobs",
               "hygiene.backup.jobs")
# each domain's words for the audit trail; their order is the order of the trail's filter menu
AUDIT_LABEL_MODULES = ("hygiene.places.audit_labels", "hygiene.inspections.audit_labels",
                       "hygiene.rectifications.audit_labels", "hygiene.inspections.plans.audit_labels",
                       "hygiene.rankings.audit_labels", "hygiene.checklists.audit_labels",
                       "hygiene.accounts.audit_labels", "hygiene.pests.audit_labels",
                       "hygiene.pests.monitoring.audit_labels", "hygiene.pests.rounds.audit_labels",
                       "hygiene.pests.rounds.work_audit_labels", "hygiene.toilets.task_audit_labels",
                       "hygiene.toilets.audit_labels", "hygiene.toilets.problem_audit_labels",
                       "hygiene.letters.audit_labels", "hygiene.briefing.audit_labels", "hygiene.creation.audit_labels", "hygiene.education.audit_labels", "hygiene.food.audit_labels", "hygiene.campaigns.audit_labels")
# every domain module that registers scope rules (access/rules.py); a missing one stops the start
ACCESS_MODULES = ("hygiene.places.access", "hygiene.accounts.access", "hygiene.checklists.access",
                  "hygiene.inspections.access", "hygiene.rectifications.access", "hygiene.media.access",
                  "hygiene.pests.access", "hygiene.pests.monitoring.access", "hygiene.pests.rounds.access",
                  "hygiene.toilets.access", "hygiene.letters.access", "hygiene.creation.access", "hygiene.education.access", "hygiene.food.access", "hygiene.campaigns.access")
# every domain module that declares export kinds (exports/registry.py), for the web and the scheduler
# each domain's section of the office's briefing (core/briefing_sections.py); the briefing imports none of them
BRIEFING_MODULES = ("hygiene.inspections.briefing", "hygiene.rectifications.briefing", "hygiene.rankings.briefing",
                    "hygiene.pests.briefing", "hygiene.toilets.briefing", "hygiene.campaigns.briefing",
                    "hygiene.creation.briefing", "hygiene.education.briefing", "hygiene.food.briefing")
EXPORT_MODULES = ("hygiene.inspections.exports", "hygiene.rectifications.exports", "hygiene.pests.monitoring.exports",
                  "hygiene.pests.rounds.exports", "hygiene.toilets.exports", "hygiene.letters.exports", "hygiene.creation.exports", "hygiene.education.exports", "hygiene.food.exports", "hygiene.campaigns.exports")


def create_app(config_class: type | str | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI, error handlers."""
    app = Flask(__name__, template_folder=os.path.join(ROOT, "templates"),
                static_folder=os.path.join(ROOT, "static"), instance_path=os.path.join(ROOT, "instance"))
    app.config.from_object(_config_class(config_class))
    _trust_proxy_headers(app)
    _check_timezone(app)
    _refuse_debugger(app)
    _init_extensions(app)
    input_init_app(app)  # the bounded <int:> converter must be in place before any route
    _register_blueprints(app)
    _register_cli(app)
    _register_jobs()
    _register_audit_labels()
    _register_access_rules()
    _register_briefing_sections()
    _register_error_handlers(app)
    _register_template_helpers(app)
    headers_init_app(app)
    return app


def _config_class(config_class: type | str | None) -> type:
    import config

    if config_class is None:
        name = os.environ.get("HYGIENE_CONFIG", "development")
        config_class = {"development": config.DevelopmentConfig, "production": config.ProductionConfig,
                        "test": config.TestConfig}[name]
    if isinstance(config_class, str):
        config_class = getattr(config, config_class)
    if hasattr(config_class, "check"):
        config_class.check()
    return config_class


def _trust_proxy_headers(app: Flask) -> None:
    """Behind a reverse proxy, take scheme, host and client address from its X-Forwarded-*
    headers (as many hops as configured), so links such as the notice's QR code say https."""
    hops = {name: int(app.config.get(f"PROXY_FIX_X_{name.upper()}", 0) or 0)
            for name in ("for", "proto", "host", "port", "prefix")}
    if any(hops.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **{f"x_{name}": n for name, n in hops.items()})  # type: ignore[method-assign]  # how Werkzeug wraps the WSGI app


def _check_timezone(app: Flask) -> None:
    """One office zone (HYGIENE_TIMEZONE) for business dates, display, Babel and the scheduler."""
    from hygiene.clock import check_timezone

    check_timezone(app.config)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]


def _refuse_debugger(app: Flask) -> None:
    """FLASK_DEBUG serves an interactive Python console to anyone: development only."""
    from flask.helpers import get_debug_flag

    if (app.debug or get_debug_flag()) and not app.config.get("ALLOW_DEBUGGER"):
        raise RuntimeError("FLASK_DEBUG is set: the interactive debugger is allowed only with "
                           "HYGIENE_CONFIG=development. Unset FLASK_DEBUG.")


def _init_extensions(app: Flask) -> None:
    from hygiene import models  # noqa: F401  (every table registered before migrations look)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    babel.init_app(app, locale_selector=_select_locale)
    limiter.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)
            sa.event.listen(db.engine, "savepoint", _begin_before_savepoint)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers work during a write; the busy timeout waits instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_before_savepoint(conn, _name) -> None:
    """pysqlite opens no transaction for reads, so a SAVEPOINT could be the outermost one, and
    SQLite commits when the outermost savepoint is released: half a request's work would be
    committed. Open the request's transaction first, so a savepoint stays inside it."""
    dbapi_connection = conn.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


def _select_locale() -> str:
    if not has_request_context():  # CLI, scheduler and service tests speak the default
        return "zh_CN"
    if request.path.startswith("/api/"):  # the API speaks English and adds the Chinese (api/bilingual.py)
        return "en"
    choice = session.get("lang") or request.args.get("lang")
    return choice if choice in ("zh_CN", "en") else "zh_CN"


@login_manager.user_loader
def _load_user(cookie_id: str):
    from hygiene.accounts.sessions import session_user

    return session_user(cookie_id)


def _register_blueprints(app: Flask) -> None:
    from hygiene.accounts.views import bp as accounts_bp
    from hygiene.api.token_views import bp as api_tokens_bp
    from hygiene.api.views import api_http_error
    from hygiene.api.views import bp as api_bp
    from hygiene.audit.views import bp as audit_bp
    from hygiene.briefing.views import bp as briefing_bp
    from hygiene.briefing.views import public as briefing_link_bp
    from hygiene.campaigns.calendar_views import bp as campaign_calendar_bp
    from hygiene.campaigns.task_views import bp as campaign_tasks_bp
    from hygiene.campaigns.views import bp as campaigns_bp
    from hygiene.checklists.views import bp as checklists_bp
    from hygiene.core.error_page import register_error_answer
    from hygiene.core.views import bp as core_bp
    from hygiene.creation.views import bp as creation_bp
    from hygiene.education.views import bp as education_bp
    from hygiene.exports.views import bp as exports_bp
    from hygiene.field.views import bp as field_bp
    from hygiene.food.views import bp as food_bp
    from hygiene.inspections.plans.views import bp as plans_bp
    from hygiene.inspections.views import bp as inspections_bp
    from hygiene.letters.views import bp as letters_bp
    from hygiene.media.views import bp as media_bp
    from hygiene.notifications.views import bp as notifications_bp
    from hygiene.pests.monitoring.views import bp as monitoring_bp
    from hygiene.pests.rounds.views import bp as rounds_bp
    from hygiene.pests.rounds.work_views import bp as round_work_bp
    from hygiene.pests.views import bp as pests_bp
    from hygiene.places.import_views import bp as import_bp
    from hygiene.places.views import bp as places_bp
    from hygiene.rankings.export_views import bp as ranking_exports_bp
    from hygiene.rankings.public.views import bp as public_bp
    from hygiene.rankings.views import bp as rankings_bp
    from hygiene.rectifications.views import bp as orders_bp
    from hygiene.rectifications.views import public as order_link_bp
    from hygiene.scheduler.views import bp as jobs_bp
    from hygiene.toilets.problem_views import bp as toilet_problems_bp
    from hygiene.toilets.task_views import bp as toilet_tasks_bp
    from hygiene.toilets.views import bp as toilets_bp

    for blueprint in (core_bp, accounts_bp, places_bp, import_bp, audit_bp, checklists_bp,
                      plans_bp, inspections_bp, media_bp, orders_bp, order_link_bp, notifications_bp, jobs_bp, rankings_bp, public_bp, exports_bp,
                      ranking_exports_bp, pests_bp, monitoring_bp, rounds_bp, round_work_bp, toilet_tasks_bp, toilets_bp,
                      toilet_problems_bp, letters_bp, briefing_bp, briefing_link_bp, creation_bp, education_bp, food_bp, campaigns_bp, campaign_calendar_bp, campaign_tasks_bp, field_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)
    register_error_answer(api_bp.url_prefix or "/api/v1", api_http_error)


def _register_cli(app: Flask) -> None:
    from hygiene.backup.cli import backup_command, cleanup_command, restore_command
    from hygiene.cli import (
        campaigns_group,
        checklists_group,
        demo_command,
        pests_group,
        plans_group,
        users_group,
    )
    from hygiene.scheduler.cli import scheduler_command, serve_command

    for command in (demo_command, checklists_group, campaigns_group, pests_group, plans_group, users_group,
                    scheduler_command, serve_command, backup_command, restore_command, cleanup_command):
        app.cli.add_command(command)


def _register_jobs() -> None:
    """Import each domain's jobs.py, so its jobs register; a wrong declaration stops the start."""
    from hygiene.scheduler import load_job_modules

    load_job_modules(JOB_MODULES)
    for name in EXPORT_MODULES:
        importlib.import_module(name)


def _register_audit_labels() -> None:
    """Import each domain's audit_labels.py, so the trail words its records (audit imports none)."""
    import importlib

    for module in AUDIT_LABEL_MODULES:
        importlib.import_module(module)


def _register_access_rules() -> None:
    """Import each domain's access.py, so its scope rules register (Scope.clause finds them)."""
    from hygiene.access.rules import load_access_modules

    load_access_modules(ACCESS_MODULES)


def _register_briefing_sections() -> None:
    """Import each domain's briefing.py, so its section of the briefing registers."""
    from hygiene.core.briefing_sections import load_section_modules

    load_section_modules(BRIEFING_MODULES)


def _register_error_handlers(app: Flask) -> None:
    from hygiene.core.error_page import database_unavailable_page, error_page
    from hygiene.errors import DomainError, NotFound

    def http_error(error: HTTPException):
        status = error.code if error.code in (400, 403, 404, 405, 413) else None
        return error_page(status, getattr(error, "user_message", None)) if status else error

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(NotFound, lambda _e: error_page(404))  # says nothing of what exists
    # a refusal no view answered itself: 403 (Forbidden), 409, 422 with its message, never a 500
    app.register_error_handler(DomainError, lambda error: error_page(error.status, error.message))
    app.register_error_handler(500, lambda _e: error_page(500))
    # the database restarting or out of reach: 503 "try again shortly", never a 500
    for unreachable in (sa.exc.OperationalError, sa.exc.TimeoutError):
        app.register_error_handler(unreachable, database_unavailable_page)


def _register_template_helpers(app: Flask) -> None:
    from hygiene.clock import to_local

    @app.template_filter("local")
    def local_datetime(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
        moment = to_local(value)
        return moment.strftime(fmt) if moment else ""

    @app.template_filter("doc_date")
    def document_date(value) -> str:
        """A date as the office's printed documents write it: 2026年12月4日 (English: December 4, 2026)."""
        from flask_babel import format_date

        if not value:
            return ""
        if isinstance(value, str):  # frozen snapshots keep dates as ISO text
            value = date.fromisoformat(value)
        return format_date(to_local(value).date() if isinstance(value, datetime) else value, "long")

    from hygiene.core.menu import main_menu

    app.add_template_global(main_menu, "main_menu")

    @app.context_processor
    def _globals():
        from flask_babel import get_locale
        from werkzeug.local import LocalProxy

        from hygiene.core.web import current_scope

        # Babel spells zh_CN as zh_Hans_CN; templates only need to know which of the two it is.
        # `scope`: templates ask it what to offer (menus, tabs); made when a page first uses it, so
        # the plain error page never touches the user (nor the database), and then once per page
        made: list = []

        def scope_once():
            if not made:
                made.append(current_scope())
            return made[0]

        return {"current_locale": "zh_CN" if get_locale().language == "zh" else "en",
                "scope": LocalProxy(scope_once)}
