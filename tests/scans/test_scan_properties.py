"""Random scan payloads: never a 500, and exactly the scans reported `recorded` are stored."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import s10
from models import EventCode
from models.base import utcnow
from tests.scans.helpers import consignment, event_count


@pytest.fixture
def known(session) -> list[str]:
    """A few registered items (one set per test: hypothesis examples share it)."""
    return [consignment(session).tracking for _ in range(3)]


texts = st.text(max_size=20)
junk = st.one_of(
    st.none(), st.integers(), st.floats(allow_nan=False), texts, st.booleans(), st.lists(texts, max_size=2)
)


def times():
    now = utcnow()
    return st.one_of(
        st.integers(min_value=-600, max_value=30).map(lambda m: (now + timedelta(minutes=m)).isoformat()),
        st.integers(min_value=-600, max_value=30).map(
            lambda m: (now + timedelta(minutes=m + 420)).strftime("%Y-%m-%dT%H:%M:%S")
        ),
        st.just("2026-13-45T99:00:00"),
        junk,
    )


def trackings(known):
    return st.one_of(
        st.sampled_from(known),
        st.sampled_from(known).map(lambda t: s10.group(t).lower()),
        st.sampled_from(known).map(lambda t: t[:10] + str((int(t[10]) + 1) % 10) + t[11:]),
        st.integers(min_value=0, max_value=99_999_999).map(lambda n: s10.compose("EB", n)),
        junk,
    )


def details():
    values = st.one_of(
        texts,
        st.integers(),
        st.none(),
        st.dictionaries(texts, texts, max_size=2),
        st.text(min_size=501, max_size=502),
    )
    return st.one_of(
        st.dictionaries(st.sampled_from(["reason", "action", "receiver", "x", ""]), values, max_size=4), junk
    )


def scans(known):
    fields = {
        "id": st.one_of(st.uuids().map(str), st.uuids().map(lambda u: str(u).upper()), junk),
        "tracking": trackings(known),
        "bag": st.one_of(st.just("BG0000000013"), junk),
        "event": st.one_of(
            st.sampled_from([c.value for c in EventCode]), st.sampled_from(["ema", "EMX", ""]), junk
        ),
        "office": st.one_of(st.sampled_from(["32100", "32000", "99999", ""]), junk),
        "at": times(),
        "details": details(),
        "extra": junk,
    }
    required = st.fixed_dictionaries(
        {"id": st.uuids().map(str), "event": fields["event"], "tracking": fields["tracking"]}
    )
    optional = st.dictionaries(st.sampled_from(sorted(fields)), st.none(), max_size=4).flatmap(
        lambda chosen: st.fixed_dictionaries({k: fields[k] for k in chosen})
    )
    return st.one_of(st.builds(lambda a, b: {**a, **b}, required, optional), junk)


def good_scans(known):
    """Scans that could well be right (the office or a detail may still be wrong for the user)."""
    now = utcnow()
    return st.fixed_dictionaries(
        {
            "id": st.uuids().map(str),
            "tracking": st.sampled_from(known),
            "event": st.sampled_from([c.value for c in EventCode]),
            "office": st.sampled_from(["32100", "32000"]),
            "at": st.integers(min_value=-500, max_value=5).map(
                lambda m: (now + timedelta(minutes=m)).isoformat()
            ),
            "details": st.just({"reason": "Vắng nhà", "action": "retry", "receiver": "Lò Văn Pọm"}),
        }
    )


def bodies(known):
    batch = st.fixed_dictionaries({"scans": st.lists(st.one_of(good_scans(known), scans(known)), max_size=8)})
    wrong = st.one_of(st.fixed_dictionaries({"scans": junk}), junk, st.dictionaries(texts, junk, max_size=2))
    # Mostly batches (where per-item handling can go wrong), some bodies that are wrong as a whole.
    return st.integers(min_value=0, max_value=4).flatmap(lambda n: wrong if n == 0 else batch)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_payloads_never_fail_and_never_half_write(api, session, known, data):
    body = data.draw(bodies(known))
    before = event_count(session)
    response = api.as_(data.draw(st.sampled_from(["clerk", "clerk2", "admin"]))).post(
        "/api/v1/scans", json=body
    )
    assert response.status_code in (200, 400, 413, 422), response.get_data(as_text=True)
    session.expire_all()
    after = event_count(session)
    if response.status_code != 200:
        assert response.mimetype == "application/problem+json"
        assert after == before
        return
    results = response.get_json()["results"]
    assert len(results) == len(body["scans"])
    assert {r["result"] for r in results} <= {"recorded", "duplicate", "rejected"}
    assert all(r["errors"] for r in results if r["result"] == "rejected")
    assert after - before == sum(1 for r in results if r["result"] == "recorded")


def test_a_retried_random_batch_changes_nothing(api, session, known):
    batch = [
        {"id": str(uuid.uuid4()), "tracking": known[i % len(known)], "event": "EDD", "office": "32000"}
        for i in range(5)
    ]
    first = api.as_("admin").post("/api/v1/scans", json={"scans": batch}).get_json()["results"]
    count = event_count(session)
    second = api.as_("admin").post("/api/v1/scans", json={"scans": batch}).get_json()["results"]
    assert [r["result"] for r in first] == ["recorded"] * 5
    assert [r["result"] for r in second] == ["duplicate"] * 5
    assert event_count(session) == count
