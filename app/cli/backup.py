from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.db import get_database


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(destination: Path) -> None:
    """Copy the SQLite database to DESTINATION while the service runs (PostgreSQL: use pg_dump, see docs)."""
    database = get_database()
    url = database.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(
            "hoatoc backup copies the embedded SQLite database; for PostgreSQL use pg_dump (docs/operations.md)"
        )
    if destination.exists():
        raise click.ClickException(f"{destination} exists: choose a new file so no backup is overwritten")
    destination.parent.mkdir(parents=True, exist_ok=True)
    # SQLite's online backup copies a consistent snapshot even while workers write.
    with sqlite3.connect(url.database) as source, sqlite3.connect(destination) as target:
        source.backup(target)
    with sqlite3.connect(destination) as check:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise click.ClickException(f"the copy failed its integrity check: {result}")
        counts = {t: check.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in _tables()}  # noqa: S608 - table names are ours
    click.echo(f"backed up to {destination}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))


def _tables() -> tuple[str, ...]:
    return ("consignments", "scan_events", "audit_log", "users")


COMMANDS = [backup]
