from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app import db
from app.reference.services import import_bodies, import_offices


@click.group("import")
def import_group() -> None:
    """Load reference data from CSV files (all or nothing)."""


def _run(kind: str, path: Path) -> None:
    importer = import_offices if kind == "offices" else import_bodies
    result = importer(db.session, None, path.read_bytes())
    db.session.commit()
    click.echo(f"{kind}: {result['rows']} rows, {result['created']} created, {result['updated']} updated")


@import_group.command("offices")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def offices(file: Path) -> None:
    """Upsert post offices by code: columns code,name,kind,parent,area,commune."""
    _run("offices", file)


@import_group.command("bodies")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def bodies(file: Path) -> None:
    """Upsert election bodies by code: columns code,name,kind,address,commune,office."""
    _run("bodies", file)


COMMANDS = [import_group]
