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


@click.group("pests")
def pests_group() -> None:
    """Pest control."""


@pests_group.command("rebuild-totals")
@with_appcontext
def pests_rebuild_totals() -> None:
    """Recompute what the pest boards and level charts read from the records: each round target's
    totals and the monitoring month counts (run after a standard edition grades other methods)."""
    import sqlalchemy as sa

    from hygiene.pests.monitoring import rollup
    from hygiene.pests.rounds.totals import totals_update

    targets = db.session.execute(totals_update(sa.true())).rowcount  # type: ignore[attr-defined]
    months = rollup.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"{targets} round targets and {months} month counts recomputed.")


@click.group("campaigns")
def campaigns_group() -> None:
    """Campaigns and health education."""


@campaigns_group.command("rebuild-counts")
@with_appcontext
def campaigns_rebuild_counts() -> None:
    """Recompute what the campaign boards and the education cadence flags read from the records:
    each campaign's counts per place and due date, each village's and unit's month counts."""
    from hygiene.campaigns import counts as campaign_counts
    from hygiene.education import counts as education_counts

    places = campaign_counts.rebuild(db.session.connection())
    months = education_counts.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"{places} campaign place counts and {months} education month counts recomputed.")


@click.group("plans")
def plans_group() -> None:
    """Inspection plans."""


@plans_group.command("generate")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Business date to generate for (default: today in HYGIENE_TIMEZONE).")
@with_appcontext
def plans_generate(on) -> None:
    """Make the inspections of every begun period that has none yet (safe to run repeatedly)."""
    from hygiene.clock import local_today
    from hygiene.inspections.plans.services import plans_generate_due

    count = plans_generate_due(today=on.date() if on else local_today())
    db.session.commit()
    click.echo(f"{count} inspections made.")


@click.group("users")
def users_group() -> None:
    """User accounts."""


@users_group.command("create-admin")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Full name (default: the user name).")
@click.option("--township", default="", help="Bind to this township (by name); default: the whole county.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@with_appcontext
def users_create_admin(username: str, display_name: str, township: str, password_stdin: bool) -> None:
    """Create an administrator, e.g. the first one of a new installation (asks for the password)."""
    import sys

    import sqlalchemy as sa

    from hygiene.access.scope import Scope
    from hygiene.accounts.models import Role
    from hygiene.accounts.services import UserInvalid, user_create, user_input
    from hygiene.places.models import Township

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    township_id = None
    if township:
        township_id = db.session.scalar(sa.select(Township.id).where(Township.name == township))
        if township_id is None:
            raise click.ClickException(f"No township named {township!r}.")
    try:
        user = user_create(scope=Scope.county(), actor_id=None, data=user_input(scope=Scope.county(), data={
            "username": username, "display_name": display_name or username, "role": Role.ADMIN.value,
            "township_id": township_id, "password": password}))
    except UserInvalid as error:
        db.session.rollback()
        raise click.ClickException(" ".join(error.errors.values())) from error
    db.session.commit()
    where = f"township {township}" if township else "the whole county"
    click.echo(f"Administrator {user.username} created for {where}.")
