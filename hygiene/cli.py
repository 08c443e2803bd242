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

    from hygiene.demo import DEMO_PASSWORD, demo_load
    from hygiene.places.models import Township

    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Township)):
        click.echo("The register already has data; demo not loaded.")
        return
    if demo_load():
        db.session.commit()
        click.echo(f"Demo data loaded. Sign in as admin, inspector, village or unit "
                   f"with password {DEMO_PASSWORD}.")
    else:
        click.echo("Demo data already present; nothing changed.")
