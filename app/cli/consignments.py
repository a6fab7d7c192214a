from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app import db
from app.consignments.imports import import_csv


@click.group("consignments")
def consignments() -> None:
    """Register consignments in bulk."""


@consignments.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sender", help="Sending body of rows without a sender column.")
@click.option("--origin", help="Office where the items are handed in (default: the sender's office).")
@with_appcontext
def import_file(file: Path, sender: str | None, origin: str | None) -> None:
    """Register every row of FILE (docs/consignments-csv.md), all or nothing.

    Prints one line per row: row number, recipient, tracking number, created|existing (tab-separated).
    """
    result = import_csv(
        db.session,
        None,
        file.read_bytes(),
        sender=sender,
        origin=origin,
        prefix=current_app.config["SERIAL_PREFIX"],
    )
    db.session.commit()
    for item in result["consignments"]:
        state = "created" if item["created"] else "existing"
        click.echo(f"{item['row']}\t{item['recipient']}\t{item['tracking']}\t{state}")
    click.echo(
        f"{result['rows']} rows: {result['created']} registered, {result['existing']} already registered",
        err=True,
    )


COMMANDS = [consignments]
