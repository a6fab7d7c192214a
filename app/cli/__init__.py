"""The `hoatoc` command. Operators script it: failures exit non-zero with one line on stderr."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError

from app.config import ConfigError
from app.errors import DomainError


def _create_cli_app() -> Any:
    from app import create_app

    return create_app({"HOATOC_CLI": True})


@click.group(cls=FlaskGroup, create_app=_create_cli_app, add_version_option=False, load_dotenv=False)
def cli() -> None:
    """Hỏa tốc: priority postal tracking of election documents."""


def _register() -> None:
    """Add the commands every module of this package lists in ``COMMANDS``."""
    import importlib
    import pkgutil

    import app.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"app.cli.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)


def describe(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        parts = [str(exc.detail or exc.title)]
        parts += [f"{field}: {'; '.join(msgs)}" for field, msgs in list(exc.errors.items())[:5]]
        more = len(exc.errors) - 5
        if more > 0:
            parts.append(f"(+{more})")
        return " | ".join(parts)
    if isinstance(exc, OperationalError):
        return f"database unavailable: {str(exc.orig).splitlines()[0] if exc.orig else exc}"
    return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__


def main(argv: list[str] | None = None) -> None:
    try:
        result = cli.main(args=argv, prog_name="hoatoc", standalone_mode=False)
    except click.ClickException as exc:
        click.echo(f"hoatoc: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("hoatoc: aborted", err=True)
        sys.exit(1)
    except (DomainError, ConfigError, OperationalError, OSError, ValueError) as exc:
        click.echo(f"hoatoc: {describe(exc)}", err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)


_register()
