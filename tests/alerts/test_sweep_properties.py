"""Whatever happens to an item and whenever the sweep runs, the flags stay consistent with the clock."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.alerts.sweep import sweep
from app.standards.services import scan_gaps
from models import Alert, AlertKind, AlertState, EventCode, Status, Urgency
from tests.alerts.helpers import T0, accepted, next_check, scan

# Steps: wait some minutes then sweep, or scan the item onward, or deliver it.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("sweep"), st.integers(1, 40 * 60)),
        st.tuples(st.just("scan"), st.integers(1, 12 * 60)),
        st.tuples(st.just("deliver"), st.integers(1, 12 * 60)),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(urgency=st.sampled_from(list(Urgency)), due_hours=st.integers(1, 48), plan=steps)
def test_flags_always_match_the_deadlines(session, urgency, due_hours, plan):
    item = accepted(session, urgency=urgency, due_hours=due_hours)
    stall, loss = scan_gaps(session)[urgency]
    now, last_seen = T0, T0
    for action, minutes in plan:
        now += timedelta(minutes=minutes)
        if item.status == Status.DELIVERED:
            break
        if action == "scan":
            scan(session, item, EventCode.EDD, "32000", now, status=Status.IN_TRANSIT)
            last_seen = now
            continue
        if action == "deliver":
            scan(session, item, EventCode.EMI, "32260", now)
        sweep(session, now)
        session.expire_all()
        open_kinds = session.scalars(
            select(Alert.kind).where(Alert.consignment_id == item.id, Alert.state != AlertState.RESOLVED)
        ).all()
        assert len(open_kinds) == len(set(open_kinds))  # one unresolved alert per cause
        if item.status == Status.DELIVERED:
            assert open_kinds == []
            assert next_check(session, item) is None
            continue
        silence = now - last_seen
        assert (AlertKind.LATE in open_kinds) == (now >= item.due_at)
        assert (AlertKind.SUSPECTED_LOST in open_kinds) == (silence >= timedelta(hours=loss))
        assert (AlertKind.STALLED in open_kinds) == (
            timedelta(hours=stall) <= silence < timedelta(hours=loss)
        )
        assert next_check(session, item) > now
        assert item.expected_at > now
