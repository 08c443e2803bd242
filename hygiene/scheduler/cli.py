"""The `scheduler` and `serve` commands: the scheduler as a process of its own, or embedded."""
from __future__ import annotations

import logging
import signal

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hygiene.scheduler.lock import SchedulerLock, acquire_scheduler_lock, wait_for_scheduler_lock
from hygiene.scheduler.scheduling import (
    EXTENSION,
    Running,
    build_scheduler,
    database_label,
    start_embedded,
    stop_scheduler,
    watch_lock,
)


def _log_to_stderr() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _exit_on_sigterm(_signum, _frame) -> None:
    raise SystemExit(0)


@click.command("scheduler")
@click.option("--standby/--no-standby", default=True, show_default=True,
              help="Beside a running scheduler: wait and take over when it stops, or exit at once.")
@with_appcontext
def scheduler_command(standby: bool) -> None:
    """Run the scheduled jobs in this process (production: one per database, a second one stands by)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # current_app is a proxy, typed as Flask
    _log_to_stderr()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    every = float(app.config.get("SCHEDULER_STANDBY_SECONDS", 5))
    lock = acquire_scheduler_lock(app)
    if lock is None and not standby:
        raise click.ClickException(
            f"another scheduler holds the lock for {database_label(app)}; this one does not start.")
    try:
        while True:
            if lock is None:
                click.echo(f"Another scheduler runs for {database_label(app)}; standing by "
                           f"(trying every {every:g} s).")
                lock = wait_for_scheduler_lock(app, every=every)
                click.echo("The other scheduler has stopped; taking over.")
            if not _run_holding(app, lock, every):
                return
            lock = None  # the lock was lost: stand by again
    except (KeyboardInterrupt, SystemExit):
        return


def _run_holding(app: Flask, lock: SchedulerLock, every: float) -> bool:
    """Run the jobs while the lock is ours; True when it was lost (stand by again), False when
    this process was told to stop."""
    scheduler = build_scheduler(app, blocking=True)
    watch_lock(scheduler, lock, every)
    app.extensions[EXTENSION] = Running(scheduler, lock, "process")
    click.echo(f"Scheduler running for {database_label(app)}; stop with Ctrl+C or SIGTERM.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        return False
    finally:
        lost = not lock.held()
        stop_scheduler(app, wait=not lost)
    return lost


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=None, type=click.IntRange(1, 64),
              help="Worker threads (default: the SERVE_THREADS setting, 8). Uploads arrive before a thread is used.")
@click.option("--scheduler/--no-scheduler", "with_scheduler", default=None,
              help="Run the scheduler in this process (default: the SCHEDULER_EMBEDDED setting).")
@with_appcontext
def serve_command(host: str, port: int, threads: int | None, with_scheduler: bool | None) -> None:
    """Serve the web application in one process with waitress, the scheduler embedded (one office, one machine)."""
    import waitress

    from hygiene.core.serving import sqlite_journal_mode, waitress_options
    from hygiene.core.warmup import warm_up

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # current_app is a proxy, typed as Flask
    _log_to_stderr()
    mode = sqlite_journal_mode(app)
    if mode not in (None, "wal"):
        click.echo(f"Warning: SQLite runs in {mode} journal mode, not WAL: pages wait while a job writes.", err=True)
    if with_scheduler is None:
        with_scheduler = app.config.get("SCHEDULER_EMBEDDED", True)
    if with_scheduler and start_embedded(app) is None:
        click.echo("Scheduler not started here: another process runs it for this database.", err=True)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # so atexit stops the scheduler cleanly
    options = waitress_options(app, host=host, port=port, threads=threads)
    warmed = warm_up(app, connections=options["threads"])  # before waitress listens: no visitor waits for it
    click.echo(f"Serving {database_label(app)} (SQLite journal: {mode or 'n/a'}) on http://{host}:{port} "
               f"with waitress, {options['threads']} threads (warmed up in {warmed * 1000:.0f} ms); stop with Ctrl+C.")
    try:
        waitress.serve(app, **options)
    except (KeyboardInterrupt, SystemExit):
        pass
