"""Command-line entry points; each commits once."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from hygiene.extensions import db


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo township (idempotent: a second run changes nothing)."""
    from hygiene.demo import DEMO_PASSWORD, demo_load

    if demo_load():
        db.session.commit()
        click.echo(f"Demo data loaded. Sign in as admin, inspector, village or unit "
                   f"with password {DEMO_PASSWORD}.")
    else:
        click.echo("Demo data already present; nothing changed.")
