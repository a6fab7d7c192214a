from __future__ import annotations

import click
from flask.cli import with_appcontext

from app import db
from app.serials import services


@click.group("serials")
def serials() -> None:
    """Serial blocks of S10 numbers handed out by Vietnam Post."""


@serials.command("add")
@click.argument("prefix")
@click.argument("first", type=int)
@click.argument("last", type=int)
@click.option("--country", default="VN", show_default=True, help="Country code ending the numbers.")
@with_appcontext
def add(prefix: str, first: int, last: int, country: str) -> None:
    """Register block PREFIX FIRST..LAST (e.g. EB 1 999999); refused if it overlaps a known block."""
    block = services.add_block(db.session, None, prefix, first, last, country)
    db.session.commit()
    click.echo(
        f"added block {block.id}: {block.prefix} {block.first_serial}–{block.last_serial} {block.country} "
        f"({block.size} numbers)"
    )


@serials.command("list")
@click.option("--prefix", default=None, help="Only blocks of this service indicator.")
@with_appcontext
def list_blocks(prefix: str | None) -> None:
    """Show every block with the numbers it has left; LOW marks blocks under 10 %."""
    usages = services.block_usages(db.session, prefix.upper() if prefix else None)
    if not usages:
        click.echo("no serial blocks: add one with `hoatoc serials add PREFIX FIRST LAST`")
        return
    click.echo(f"{'id':>4}  prefix  {'first':>8}  {'last':>8}  {'next':>9}  {'remaining':>9}  left")
    for usage in usages:
        b = usage.block
        state = "EXHAUSTED" if usage.exhausted else ("LOW" if usage.low else "")
        click.echo(
            f"{b.id:>4}  {b.prefix}{b.country:>4}  {b.first_serial:>8}  {b.last_serial:>8}  {b.next_serial:>9}"
            f"  {usage.remaining:>9}  {usage.share_left:>5.1%} {state}".rstrip()
        )


COMMANDS = [serials]
