"""`hoatoc duty`: the operations desk from the command line (for cron, rehearsals and scripts)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from app import db
from app.api.schemas import LOCAL_TZ
from app.duty.coverage import check_duty_gaps
from app.duty.services import on_duty_for
from app.errors import Invalid
from app.inquiries.services import check_overdue_inquiries
from models import Office
from models.base import utcnow


def _when(value: str | None) -> datetime:
    """RFC 3339; a time without an offset is Vietnam time. None means now."""
    if not value:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"'{value}' is not a time such as 2026-03-14T08:00+07:00") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(UTC)


@click.group("duty")
def duty() -> None:
    """Duty rosters and inquiries: coverage checks and who is on duty."""


@duty.command("check")
@click.option(
    "--as-of", "as_of", metavar="TIME", help="Judge as if the clock read TIME (no offset: Vietnam time)."
)
@with_appcontext
def check(as_of: str | None) -> None:
    """Raise or resolve duty_gap alerts (next 24 h of an election period) and inquiry_overdue alerts."""
    now = _when(as_of)
    gaps = check_duty_gaps(db.session, now)
    overdue = check_overdue_inquiries(db.session, now)
    db.session.commit()
    click.echo(
        f"duty gaps: {gaps.opened} opened, {gaps.resolved} resolved; overdue inquiries: {overdue} opened"
    )


@duty.command("who")
@click.argument("office")
@click.option("--at", "at", metavar="TIME", help="At TIME instead of now (no offset: Vietnam time).")
@with_appcontext
def who(office: str, at: str | None) -> None:
    """Print, one per line, the usernames an alert about OFFICE reaches (its sorting centre's when it has nobody)."""
    if db.session.get(Office, office) is None:
        raise Invalid(f"unknown office {office}")
    for username in on_duty_for(db.session, office, _when(at)):
        click.echo(username)


COMMANDS = [duty]
