from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from app import db
from app.audit import integrity


@click.group("audit")
def audit() -> None:
    """Tamper evidence for the audit log and the scan events."""


@audit.command("seal")
@click.option("--every", type=click.IntRange(min=5), default=None, help="Keep sealing every SECONDS.")
@with_appcontext
def seal(every: int | None) -> None:
    """Seal what arrived since the last seal (safe to run on several hosts at once)."""
    while True:
        for stream in integrity.STREAMS:
            new = integrity.seal(db.session, stream)
            db.session.commit()
            if new is not None:
                click.echo(f"{stream}: seal {new.sequence} covers {new.row_count} rows")
        if every is None:
            return
        time.sleep(every)


@audit.command("verify")
@with_appcontext
def verify() -> None:
    """Recompute every seal from the rows; list each difference and fail if there is any."""
    report = integrity.verify(db.session)
    for problem in report.problems:
        click.echo(problem)
    click.echo(f"{report.seals} seals, {report.rows} rows checked")
    if not report.ok:
        raise click.ClickException(f"{len(report.problems)} integrity problem(s) found: rows were altered")


COMMANDS = [audit]
