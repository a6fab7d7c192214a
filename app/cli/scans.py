"""`hoatoc scans import FILE --user USERNAME`: record a handheld scanner's export from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app import db
from app.auth.policy import require_scanner
from app.auth.services import get_user
from app.scans.handheld import parts, read_export
from app.scans.reading import read_scan
from app.scans.services import record_scans


@click.group("scans")
def scans_group() -> None:
    """Scans recorded from files."""


@scans_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="The clerk (or administrator) who made the scans.")
@with_appcontext
def import_scans(file: Path, username: str) -> None:
    """Record FILE (CSV id,tracking,event,office,at,reason,action,receiver, or the API's JSON).

    Sent in parts of 1,000, each committed: running the same file again records nothing twice.
    Rejected rows are listed on standard output; the command then fails with a one-line summary.
    """
    actor = get_user(db.session, username)
    require_scanner(actor)
    rows = read_export(file.read_bytes(), file.name)
    counts = {"recorded": 0, "duplicate": 0, "rejected": 0}
    for part in parts(rows):
        results = record_scans(db.session, actor, [read_scan(raw) for _number, raw in part])
        db.session.commit()
        for (number, _raw), result in zip(part, results, strict=True):
            counts[result["result"]] += 1
            if result["result"] == "rejected":
                reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in result["errors"].items())
                click.echo(f"row {number}: rejected: {reasons}")
    summary = f"{file.name}: {counts['recorded']} recorded, {counts['duplicate']} duplicate, {counts['rejected']} rejected"
    if counts["rejected"]:
        raise click.ClickException(summary)
    click.echo(summary)


COMMANDS = [scans_group]
