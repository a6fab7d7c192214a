from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from app import db
from app.auth import services
from models import Role


@click.group("users")
def users() -> None:
    """Create users, issue API tokens, deactivate accounts."""


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--office", "office_code", help="Post office code (clerk, printer).")
@click.option("--body", "body_code", help="Election body code (board).")
@click.option("--full-name", default=None)
@with_appcontext
def create(
    username: str, role: str, office_code: str | None, body_code: str | None, full_name: str | None
) -> None:
    """Create USERNAME; the password is read from standard input, or prompted for on a terminal."""
    password = _read_password()
    services.create_user(db.session, None, username, password, Role(role), office_code, body_code, full_name)
    db.session.commit()
    click.echo(f"created {username} ({role})", err=True)


@users.command("token")
@click.argument("username")
@with_appcontext
def token(username: str) -> None:
    """Print a new API token for USERNAME, and nothing else."""
    user = services.get_user(db.session, username)
    raw, _token = services.issue_token(
        db.session, user, timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])
    )
    db.session.commit()
    click.echo(raw)


@users.command("deactivate")
@click.argument("username")
@with_appcontext
def deactivate(username: str) -> None:
    """Disable USERNAME and revoke its tokens."""
    services.deactivate_user(db.session, None, services.get_user(db.session, username))
    db.session.commit()
    click.echo(f"deactivated {username}", err=True)


@users.command("password")
@click.argument("username")
@with_appcontext
def password(username: str) -> None:
    """Set a new password for USERNAME (and unlock it)."""
    services.set_password(db.session, None, services.get_user(db.session, username), _read_password())
    db.session.commit()
    click.echo(f"password set for {username}", err=True)


COMMANDS = [users]
