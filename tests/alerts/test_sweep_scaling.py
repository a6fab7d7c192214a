"""The sweep's work follows what changed, not the size of the table: rows examined and statements
issued are counted (never timed) for a sweep after a few items changed, at two table sizes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from app.alerts.sweep import sweep
from models import EventCode, Status
from tests.alerts.helpers import T0, accepted, next_check, scan

H = timedelta(hours=1)
NOW = T0 + 2 * H  # every item is on time: nothing is due until 12:00


@contextmanager
def counting_statements(session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind().engine if hasattr(session.get_bind(), "engine") else session.get_bind()

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _sweep_after_changing(session, items) -> tuple[int, int]:
    for item in items:
        scan(session, item, EventCode.EDD, "32000", NOW, status=Status.IN_TRANSIT)
    with counting_statements(session) as statements:
        result = sweep(session, NOW)
    return result.examined, len(statements)


def test_a_sweep_examines_only_what_changed_whatever_the_table_size(session):
    small = [accepted(session) for _ in range(100)]
    assert sweep(session, NOW).examined == 100
    assert sweep(session, NOW).examined == 0  # nothing changed, nothing due: nothing read
    examined_small, statements_small = _sweep_after_changing(session, small[:1])

    large = small + [accepted(session) for _ in range(400)]
    assert sweep(session, NOW).examined == 400  # only the new ones
    examined_large, statements_large = _sweep_after_changing(session, large[-5:])

    assert (examined_small, examined_large) == (1, 5)  # 1 % of each table
    assert statements_small == statements_large  # a fixed number of statements per batch


def test_items_are_looked_at_again_when_their_next_deadline_comes(session):
    item = accepted(session, due_hours=4)
    sweep(session, T0)
    assert next_check(session, item) == T0 + 4 * H  # due_at comes first (stall gap: 6 h, loss: 24 h)
    assert sweep(session, T0 + 4 * H - timedelta(seconds=1)).examined == 0
    assert sweep(session, T0 + 4 * H).examined == 1
    session.refresh(item)
    assert next_check(session, item) == T0 + 6 * H  # late raised: the stall gap is next
    sweep(session, T0 + 6 * H)
    session.refresh(item)
    # Stalled; suspected lost would be at T0 + 24 h, but the estimate went stale first: silent for 6 h,
    # it is now expected half that silence ahead, and looked at again then.
    assert item.expected_at == T0 + 9 * H
    assert next_check(session, item) == T0 + 9 * H
    scan(session, item, EventCode.EMI, "32260", T0 + 7 * H)
    sweep(session, T0 + 7 * H)
    session.refresh(item)
    assert next_check(session, item) is None  # delivered: nothing left to watch


def test_any_write_that_matters_puts_the_item_in_front_of_the_sweep(session):
    from sqlalchemy import update

    from models import Consignment
    from models.alerts import CHECK_AT_ONCE

    item = accepted(session)
    assert next_check(session, item) == CHECK_AT_ONCE  # inserted: to be looked at
    sweep(session, NOW)
    scheduled = next_check(session, item)
    assert scheduled > NOW
    session.execute(update(Consignment).where(Consignment.id == item.id).values(doc_number="81/CV-UBBC"))
    assert next_check(session, item) == scheduled  # nothing the sweep judges by
    session.execute(update(Consignment).where(Consignment.id == item.id).values(last_office_code="32000"))
    assert next_check(session, item) == CHECK_AT_ONCE  # bulk SQL, no ORM: the trigger saw it
