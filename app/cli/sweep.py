"""`hoatoc sweep`: check open items against their delivery standards (and deliver webhooks).

Several copies may run at once on several hosts: each batch is claimed with FOR UPDATE SKIP LOCKED and
alerts open through a unique index, so nothing is raised twice and no item is checked by two at once.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from app import db
from app.alerts.sweep import DEFAULT_BATCH, SweepResult, ensure_counting_days, sweep
from app.api.schemas import LOCAL_TZ
from app.audit.services import record
from app.standards.services import forget_cached
from models import Alert
from models.base import utcnow

log = logging.getLogger("hoatoc.sweep")

# Checks other domains keep for the sweep to run (each is safe with several sweeps at once): (module,
# function(session, now)). A domain not installed is skipped.
OTHER_CHECKS = (
    ("app.duty.coverage", "check_duty_gaps"),
    ("app.inquiries.services", "check_overdue_inquiries"),
)


def parse_time(value: str) -> datetime:
    """RFC 3339 (or a plain local date/time): a time without an offset is Vietnam time."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not an RFC 3339 time (e.g. 2026-03-15T07:00:00+07:00)"
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(UTC)


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    return parse_time(value) if value else None


def _other_checks() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for module_name, function in OTHER_CHECKS:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError:
            continue
        if hasattr(module, function):
            found.append((function, getattr(module, function)))
    return found


def sweep_with_workers(app: Flask, now: datetime, *, workers: int, batch: int = DEFAULT_BATCH) -> SweepResult:
    """Several sweeps at once, in threads with a connection each, committing after every batch.

    They share the items through FOR UPDATE SKIP LOCKED, as sweeps on several hosts do: on a machine
    with several cores a full sweep (after an upgrade, or new standards) takes a fraction of the time.
    """
    with app.app_context():
        ensure_counting_days(db.session, now)  # once, before the workers: they only read it
        db.session.commit()
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                results.append(sweep(db.session, now, batch_size=batch, after_batch=db.session.commit))
                db.session.commit()
        except BaseException as exc:  # re-raised below, in the command's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, name=f"sweep-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    total = SweepResult(as_of=now)
    for result in results:
        total.add(result)
    return total


def run_once(now: datetime, *, batch: int, dry_run: bool, deliver: bool, workers: int = 1) -> list[str]:
    """One round: the sweep, the other domains' checks, then webhook deliveries. Lines to print."""
    session = db.session
    forget_cached(session)
    if workers > 1 and not dry_run:
        session.commit()
        result = sweep_with_workers(current_app._get_current_object(), now, workers=workers, batch=batch)
    else:
        result = sweep(session, now, batch_size=batch, after_batch=None if dry_run else session.commit)
    lines = [f"{now.astimezone(LOCAL_TZ).isoformat()} sweep: {result.summary()}"]
    for name, check in _other_checks():
        outcome = check(session, now)
        if _did_something(outcome):
            lines.append(f"{name}: {outcome}")
    if dry_run:
        lines += _would_open(result)
        session.rollback()
        return [*lines, "dry run: nothing was changed"]
    if result.changed:
        record(session, None, "sweep.run", "sweep", now.isoformat(), summary=result.summary())
    session.commit()
    if deliver:
        from app.webhooks.delivery import deliver_due

        delivered = deliver_due(session, commit=session.commit)
        if delivered.attempted:
            lines.append(f"webhooks: {delivered.delivered} delivered, {delivered.failed} to retry")
    return lines


def _did_something(outcome: Any) -> bool:
    # Other domains' checks answer a count or an object with opened/resolved counts.
    if isinstance(outcome, int):
        return outcome > 0
    return bool(getattr(outcome, "opened", 0) or getattr(outcome, "resolved", 0))


def _would_open(result: SweepResult) -> list[str]:
    session = db.session
    lines = []
    for start in range(0, len(result.opened_alerts), 500):
        for alert in session.query(Alert).filter(Alert.id.in_(result.opened_alerts[start : start + 500])):
            tracking = alert.consignment.tracking if alert.consignment else "-"
            lines.append(f"would open {alert.kind.value} {tracking} office {alert.office_code or '-'}")
    return lines


class _Stop:
    def __init__(self) -> None:
        self.event = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_args: self.event.set())


@click.command("sweep")
@click.option("--every", type=click.FloatRange(min=1), help="Keep going: a round every SECONDS.")
@click.option("--as-of", "as_of", callback=_as_of, help="Judge as if the clock read TIME (RFC 3339).")
@click.option("--batch", type=click.IntRange(min=1, max=100_000), default=DEFAULT_BATCH, show_default=True)
@click.option("--dry-run", is_flag=True, help="Report what would change, change nothing.")
@click.option(
    "--rehearsal",
    is_flag=True,
    help="With a future --as-of, record what it finds (a rehearsal's database only); otherwise a dry run.",
)
@click.option("--no-deliver", is_flag=True, help="Do not deliver webhooks after each round.")
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=32),
    default=1,
    show_default=True,
    help="Sweep with this many connections at once (PostgreSQL; SQLite always uses one).",
)
@with_appcontext
def sweep_command(
    every: float | None,
    as_of: datetime | None,
    batch: int,
    dry_run: bool,
    rehearsal: bool,
    no_deliver: bool,
    workers: int,
) -> None:
    """Check every open consignment against its delivery standard once (or every SECONDS)."""
    if every is not None and (as_of is not None or dry_run):
        raise click.UsageError("--every cannot be combined with --as-of or --dry-run")
    if as_of is not None and as_of > utcnow() and not (dry_run or rehearsal):
        # "What will be late by tomorrow morning?" is a question. Recorded on live data, its answer would
        # flag items late before their deadline, date alerts in the future and put off the items' next
        # checks, so that the real sweeps that follow would not correct them.
        dry_run = True
        click.echo(
            "--as-of is in the future: a question, nothing is recorded (--rehearsal to record it)", err=True
        )
    if db.session.get_bind().dialect.name != "postgresql":
        workers = 1  # one writer at a time: more would only wait for each other
    options = {"batch": batch, "deliver": not no_deliver, "workers": workers}
    if every is None:
        for line in run_once(as_of or utcnow(), dry_run=dry_run, **options):
            click.echo(line)
        return
    stop = _Stop()
    while not stop.event.is_set():
        run_round(**options)
        stop.event.wait(every)


def run_round(*, batch: int = DEFAULT_BATCH, deliver: bool = True, workers: int = 1) -> None:
    """One round of a sweep that keeps going (``--every``, the demo's): printed, and survives an outage."""
    try:
        for line in run_once(utcnow(), batch=batch, dry_run=False, deliver=deliver, workers=workers):
            click.echo(line)
    except OperationalError as exc:
        # On election day the loop outlives a database restart: say so, and try again next round.
        db.session.rollback()
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        click.echo(f"hoatoc: sweep round failed, retrying: database unavailable: {reason}", err=True)
    sys.stdout.flush()


COMMANDS = [sweep_command]
