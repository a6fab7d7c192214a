"""The few SQL expressions that PostgreSQL and SQLite spell differently, for the sweep's set-based SQL.

Times stay in the database's own type; arithmetic on them goes through whole epoch seconds, which both
databases compute exactly (SQLite stores UTCDateTime as naive UTC text, PostgreSQL as timestamptz).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from models.base import UTCDateTime


class epoch_seconds(FunctionElement[int]):  # noqa: N801 - reads as the SQL function it is
    """Whole seconds since 1970-01-01 UTC (fractions dropped)."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "postgresql")
def _epoch_pg(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    (arg,) = element.clauses
    # date_part gives double precision (EXTRACT gives numeric, several times slower in bulk); a double
    # holds today's epoch seconds with their microseconds exactly enough for floor().
    return f"CAST(floor(date_part('epoch', {compiler.process(arg, **kw)})) AS BIGINT)"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    (arg,) = element.clauses
    # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff' and reads fractions to the millisecond, rounding: .9995 s
    # would count as the next second. The fraction is cut off first, as PostgreSQL's floor() drops it.
    return f"CAST(strftime('%s', substr({compiler.process(arg, **kw)}, 1, 19)) AS INTEGER)"


class from_epoch(FunctionElement[Any]):  # noqa: N801
    """The instant of whole epoch seconds, in the same representation as a UTCDateTime column."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(from_epoch, "postgresql")
def _from_epoch_pg(element: from_epoch, compiler: Any, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"to_timestamp({compiler.process(arg, **kw)})"


@compiles(from_epoch, "sqlite")
def _from_epoch_sqlite(element: from_epoch, compiler: Any, **kw: Any) -> str:
    (arg,) = element.clauses
    # The text SQLAlchemy writes for a datetime, so that comparisons with stored values stay lexical.
    return f"(strftime('%Y-%m-%d %H:%M:%S', {compiler.process(arg, **kw)}, 'unixepoch') || '.000000')"


class least(FunctionElement[Any]):  # noqa: N801
    """The smallest of non-NULL arguments (callers coalesce: SQLite's min() is NULL if any is)."""

    inherit_cache = True


@compiles(least, "postgresql")
def _least_pg(element: least, compiler: Any, **kw: Any) -> str:
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: Any, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


class greatest(FunctionElement[Any]):  # noqa: N801
    inherit_cache = True


@compiles(greatest, "postgresql")
def _greatest_pg(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


def json_array_length(column: ColumnElement[Any], dialect: str) -> ColumnElement[int]:
    if dialect == "postgresql":
        return func.jsonb_array_length(column)
    return func.json_array_length(column)


def json_object(dialect: str, **pairs: ColumnElement[Any]) -> ColumnElement[Any]:
    args: list[Any] = []
    for key, value in pairs.items():
        # Keys are identifiers of this module, never input: inlined so both databases know their type.
        args += [literal_column(f"'{key}'"), value]
    if dialect == "postgresql":
        return func.jsonb_build_object(*args)
    return func.json_object(*args)
