"""`hoatoc webhooks deliver`: send due webhook deliveries (several deliverers may run at once)."""

from __future__ import annotations

import signal
import sys
import threading

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from app import db
from app.webhooks.delivery import BATCH, deliver_due


@click.group("webhooks")
def webhooks() -> None:
    """Deliver webhook events from the outbox."""


@webhooks.command("deliver")
@click.option(
    "--every", type=click.FloatRange(min=0.1), help="Keep going: look for due deliveries every SECONDS."
)
@click.option("--batch", type=click.IntRange(min=1, max=1000), default=BATCH, show_default=True)
@with_appcontext
def deliver(every: float | None, batch: int) -> None:
    """Send the deliveries that are due, signed; failures are retried later with backoff."""
    session = db.session
    if every is None:
        total = deliver_due(session, commit=session.commit, limit=batch)
        click.echo(f"webhooks: {total.delivered} delivered, {total.failed} to retry")
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: stop.set())
    while not stop.is_set():
        try:
            run = deliver_due(session, commit=session.commit, limit=batch)
            if run.attempted:
                click.echo(f"webhooks: {run.delivered} delivered, {run.failed} to retry")
                sys.stdout.flush()
                continue  # there may be more due right away
        except OperationalError as exc:
            session.rollback()
            reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
            click.echo(f"hoatoc: delivery round failed, retrying: database unavailable: {reason}", err=True)
        stop.wait(every)


COMMANDS = [webhooks]
