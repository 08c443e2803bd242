"""Command-line entry points; each commits once."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from hygiene.extensions import db


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the register has no township yet.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo township (idempotent: a second run changes nothing)."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from hygiene.demo import DEMO_PASSWORD, demo_load
    from hygiene.places.models import Township

    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Township)):
        click.echo("The register already has data; demo not loaded.")
        return
    try:
        loaded = demo_load()
        db.session.commit()
    except IntegrityError:  # a second `flask demo` started at the same moment got there first
        db.session.rollback()
        loaded = False
    if loaded:
        click.echo(f"Demo data loaded. Sign in as admin, inspector, village or unit "
                   f"with password {DEMO_PASSWORD}.")
    else:
        click.echo("Demo data already present; nothing changed.")


@click.group("checklists")
def checklists_group() -> None:
    """Checklist templates."""


@checklists_group.command("install")
@with_appcontext
def checklists_install() -> None:
    """Install the built-in checklists (those already installed are left as they are)."""
    from hygiene.checklists.services import templates_install_builtin

    count = templates_install_builtin()
    db.session.commit()
    click.echo(f"{count} built-in checklists installed.")


@click.group("plans")
def plans_group() -> None:
    """Inspection plans."""


@plans_group.command("generate")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Business date to generate for (default: today in Asia/Shanghai).")
@with_appcontext
def plans_generate(on) -> None:
    """Make the inspections of every begun period that has none yet (safe to run repeatedly)."""
    from hygiene.clock import local_today
    from hygiene.inspections.planning import plans_generate_due

    count = plans_generate_due(today=on.date() if on else local_today())
    db.session.commit()
    click.echo(f"{count} inspections made.")
