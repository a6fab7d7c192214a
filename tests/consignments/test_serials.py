"""Serial blocks: adding them safely, allocating from them in order, running low, running out."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import s10
from app.errors import Conflict, Invalid
from app.serials.services import add_block, allocate, block_usages, ensure_block, remaining
from models import AuditEntry, SerialBlock
from tests.factories import make_consignment
from tests.support import assert_problem

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("prefix", "field"),
    [
        ("JB", "prefix"),
        ("SA", "prefix"),
        ("FA", "prefix"),
        ("E1", "prefix"),
        ("EBX", "prefix"),
        ("", "prefix"),
    ],
)
def test_reserved_unallocated_and_malformed_prefixes_are_refused(session, prefix, field):
    with pytest.raises(Invalid) as excinfo:
        add_block(session, None, prefix, 1, 100)
    assert field in excinfo.value.errors


@pytest.mark.parametrize(
    ("first", "last", "field"), [(-1, 5, "first"), (5, 4, "last"), (1, 100_000_000, "last")]
)
def test_bad_ranges_are_refused(session, first, last, field):
    with pytest.raises(Invalid) as excinfo:
        add_block(session, None, "EX", first, last)
    assert field in excinfo.value.errors


def test_overlapping_block_of_same_prefix_is_refused_other_prefix_is_not(session):
    add_block(session, None, "EX", 100, 199)
    for first, last in [(150, 250), (50, 100), (199, 300), (0, 1000), (120, 130)]:
        with pytest.raises(Conflict):
            add_block(session, None, "EX", first, last)
    assert add_block(session, None, "EX", 200, 299).first_serial == 200
    assert add_block(session, None, "EY", 150, 250).prefix == "EY"
    assert add_block(session, None, "EX", 100, 199, country="CN").country == "CN"


def test_range_with_numbers_already_on_consignments_is_refused(session):
    make_consignment(session, tracking=s10.compose("EX", 5_000))
    with pytest.raises(Conflict):
        add_block(session, None, "EX", 4_000, 6_000)
    add_block(session, None, "EX", 5_001, 6_000)


def test_lower_case_prefix_is_accepted_and_audited(session):
    block = add_block(session, None, "ex", 1, 10)
    assert block.prefix == "EX"
    assert block.next_serial == 1
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "serials.add").order_by(AuditEntry.id.desc())
    )
    assert entry.details["prefix"] == "EX"


def test_allocation_is_sequential_and_composes_valid_numbers(session):
    add_block(session, None, "EX", 7, 100)
    assert allocate(session, "EX", 1) == [s10.compose("EX", 7)]
    batch = allocate(session, "EX", 5)
    assert [s10.Parsed.of(t).serial for t in batch] == [8, 9, 10, 11, 12]
    assert remaining(session, "EX") == 100 - 12


def test_exhausted_block_moves_on_to_the_next_block_then_409(session):
    add_block(session, None, "EX", 1, 3)
    add_block(session, None, "EX", 10, 12)
    assert [s10.Parsed.of(t).serial for t in allocate(session, "EX", 3)] == [1, 2, 3]
    assert [s10.Parsed.of(t).serial for t in allocate(session, "EX", 1)] == [10]
    with pytest.raises(Conflict) as excinfo:
        allocate(session, "EX", 3)  # only two left
    assert "tracking" in excinfo.value.errors
    assert remaining(session, "EX") == 2  # the refused batch took nothing
    assert [s10.Parsed.of(t).serial for t in allocate(session, "EX", 2)] == [11, 12]
    with pytest.raises(Conflict):
        allocate(session, "EX", 1)


def test_batch_larger_than_any_block_is_spread_over_blocks_in_order(session):
    add_block(session, None, "EX", 1, 2)
    add_block(session, None, "EX", 5, 6)
    add_block(session, None, "EX", 9, 20)
    assert [s10.Parsed.of(t).serial for t in allocate(session, "EX", 3)] == [9, 10, 11]  # one block holds it
    assert [s10.Parsed.of(t).serial for t in allocate(session, "EX", 12)] == [
        1,
        2,
        5,
        6,
        12,
        13,
        14,
        15,
        16,
        17,
        18,
        19,
    ]


def test_unknown_prefix_is_a_clear_409(session):
    with pytest.raises(Conflict) as excinfo:
        allocate(session, "EW", 1)
    assert "hoatoc serials add" in excinfo.value.detail


def test_low_block_is_logged_once_per_threshold_and_shown(session, caplog):
    add_block(session, None, "EX", 1, 100)
    with caplog.at_level(logging.WARNING, logger="app.serials.services"):
        allocate(session, "EX", 85)
        assert not caplog.records
        allocate(session, "EX", 6)  # 9 left: under 10 %
        allocate(session, "EX", 1)  # 8 left: no new warning
        assert len(caplog.records) == 1
        assert "9 numbers left" in caplog.records[0].getMessage()
        allocate(session, "EX", 8)
    assert "exhausted" in caplog.records[-1].getMessage()
    usage = next(u for u in block_usages(session, "EX"))
    assert usage.exhausted
    assert usage.low
    assert usage.remaining == 0


def test_ensure_block_adds_only_once(session):
    assert ensure_block(session, None, "EX", 1, 10) is not None
    assert ensure_block(session, None, "EX", 1, 10) is None
    assert len(session.scalars(select(SerialBlock).where(SerialBlock.prefix == "EX")).all()) == 1


ALLOWED_FIRST = list("ABCDEGHLMNPQRUVZ")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.tuples(st.sampled_from(ALLOWED_FIRST), st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")).map(
        "".join
    ),
    first=st.integers(0, 99_999_999),
    size=st.integers(1, 300),
    takes=st.lists(st.integers(1, 60), min_size=1, max_size=8),
)
def test_every_allocated_number_validates_and_composes_back(session, prefix, first, size, takes):
    if prefix == "EB":
        prefix = "EZ"  # the demo block holds EB
    last = min(first + size - 1, 99_999_999)
    savepoint = session.begin_nested()
    try:
        add_block(session, None, prefix, first, last)
        issued: list[str] = []
        for n in takes:
            if last + 1 - first - len(issued) < n:
                with pytest.raises(Conflict):
                    allocate(session, prefix, n)
                continue
            issued += allocate(session, prefix, n)
        serials = []
        for number in issued:
            assert s10.parse(number) == number
            parsed = s10.Parsed.of(number)
            assert (parsed.prefix, parsed.country) == (prefix, "VN")
            assert s10.compose(prefix, parsed.serial) == number
            serials.append(parsed.serial)
        assert serials == list(range(first, first + len(issued)))  # none skipped, none twice
    finally:
        savepoint.rollback()


def test_api_lists_and_adds_blocks_for_admins_only(api):
    assert api.as_("board").get("/api/v1/serial-blocks").status_code == 403
    listed = api.as_("admin").get("/api/v1/serial-blocks").get_json()["items"]
    demo = next(b for b in listed if b["prefix"] == "EB")
    assert demo["first"] == 1
    assert demo["last"] == 999_999
    assert not demo["low"]
    created = api.as_("admin").post("/api/v1/serial-blocks", json={"prefix": "EX", "first": 1, "last": 10})
    assert created.status_code == 201
    assert created.get_json()["remaining"] == 10
    assert_problem(
        api.as_("admin").post("/api/v1/serial-blocks", json={"prefix": "EX", "first": 5, "last": 20}), 409
    )
    assert_problem(api.as_("admin").post("/api/v1/serial-blocks", json={"prefix": "JX", "first": 1, "last": 2}), 422,
                   "prefix")  # fmt: skip


def _hoatoc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from app.cli import main; main()", *args]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_add_and_list(tmp_path):
    env = dict(os.environ, HOATOC_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}")
    assert _hoatoc(env, "db", "upgrade").returncode == 0
    added = _hoatoc(env, "serials", "add", "EB", "1", "999999")
    assert added.returncode == 0, added.stderr
    assert "999999 numbers" in added.stdout
    overlap = _hoatoc(env, "serials", "add", "EB", "500", "2000000")
    assert overlap.returncode != 0
    assert len(overlap.stderr.strip().splitlines()) == 1
    reserved = _hoatoc(env, "serials", "add", "KB", "1", "10")
    assert reserved.returncode != 0
    assert "prefix" in reserved.stderr
    listed = _hoatoc(env, "serials", "list")
    assert listed.returncode == 0
    assert "999999" in listed.stdout
    assert "100.0%" in listed.stdout
