"""The fast scan reader reads every scan exactly as the documented ScanSchema does."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from app.api.schemas import normalise_text
from app.scans.inputs import _CANONICAL, RejectedInput, ScanInput, canonical_json, control_errors, has_control
from app.scans.reading import read_scan
from app.scans.schemas import ScanSchema, normalise_batch
from models import EventCode

texts = st.one_of(st.text(max_size=12), st.sampled_from(["\x1b[31m", "tab\there", "line\nbreak", "nul\x00"]))
junk = st.one_of(
    st.none(), st.integers(), st.floats(allow_nan=False), texts, st.booleans(), st.lists(texts, max_size=2)
)
values = {
    "id": st.one_of(
        st.uuids().map(str),
        st.uuids().map(lambda u: u.hex.upper()),
        st.just("urn:uuid:" + str(uuid.uuid4())),
        junk,
    ),
    "tracking": st.one_of(
        st.sampled_from(
            ["EB123456785VN", "eb 123 456 785 vn", "EB123456789VN", "JB123456785VN", "RR000000080VN"]
        ),
        junk,
    ),
    "bag": st.one_of(st.sampled_from(["BG0000000013", "bg 000 000 001 3", "BG0000000012", "BG1"]), junk),
    "event": st.one_of(
        st.sampled_from([c.value for c in EventCode]), st.sampled_from(["ema", " emi ", "EMX"]), junk
    ),
    "office": st.one_of(st.sampled_from(["32100", "", "x" * 33, "32\x00100", "Bưu cục", "32-1.0_0"]), junk),
    "at": st.one_of(
        st.sampled_from(
            [
                "2026-03-10T08:15:00+07:00",
                "2026-03-10T08:15:00",
                "2026-03-10T01:15:00Z",
                "2026-03-10",
                "x",
                # Outside the years the schema accepts; the last would overflow converting to UTC.
                "1999-06-01T10:00+07:00",
                "2100-01-01T00:00:00",
                "0001-01-01T00:00:00+14:00",
            ]
        ),
        junk,
    ),
    "details": st.one_of(
        st.dictionaries(
            st.sampled_from(["reason", "action", "receiver", "", "k" * 33]),
            st.one_of(
                texts, st.integers(), st.none(), st.lists(st.integers(), max_size=1), st.just("y" * 501)
            ),
            max_size=3,
        ),
        junk,
    ),
    "extra": junk,
}
good_values = {
    "office": st.sampled_from(["32100", "32000"]),
    "at": st.sampled_from(["2026-03-10T08:15:00+07:00", "2026-03-10T08:15:00", "2026-03-10T01:15:00.250Z"]),
    "details": st.fixed_dictionaries(
        {}, optional={"reason": texts, "action": texts, "receiver": texts, "n": st.integers()}
    ),
}
# Scans that are mostly right: one field at most is drawn from anything at all.
nearly_right = st.fixed_dictionaries(
    {
        "id": st.uuids().map(str),
        "event": st.sampled_from([c.value for c in EventCode] + ["ema"]),
        "tracking": st.sampled_from(["EB123456785VN", "eb 123 456 785 vn", "RR000000080VN"]),
    },
    optional=good_values,
).flatmap(
    lambda scan: st.one_of(
        st.just(scan),
        st.sampled_from(sorted(values)).flatmap(lambda key: values[key].map(lambda v: {**scan, key: v})),
    )
)
raw_scans = st.one_of(
    nearly_right,
    st.dictionaries(st.sampled_from(sorted(values)), st.none(), max_size=7).flatmap(
        lambda keys: st.fixed_dictionaries({k: values[k] for k in keys})
    ),
    junk,
)


def _top(errors: dict) -> set[str]:
    return {key.split(".")[0] for key in errors}


@pytest.fixture(scope="module")
def context():
    from tests.conftest import build_app

    app = build_app("sqlite://")
    with app.test_request_context():
        yield


@settings(max_examples=600)
@given(raw=raw_scans)
def test_the_reader_agrees_with_the_schema(context, raw):
    raw = normalise_text(raw)
    fast = read_scan(raw)
    control = control_errors(raw) if isinstance(raw, dict) else {}
    if control:
        # Refused first, field by field (the shared InputSchema refuses such text the same way).
        assert isinstance(fast, RejectedInput)
        assert fast.errors == control
        return
    expected, schema_errors = _schema_read(raw)
    if schema_errors is not None:
        assert isinstance(fast, RejectedInput), (raw, fast)
        assert _top(fast.errors) == _top(schema_errors), (raw, fast.errors, schema_errors)
        return
    assert isinstance(fast, ScanInput), (raw, fast)
    assert fast == expected
    assert fast.fingerprint == expected.fingerprint


def _schema_read(raw):
    """(ScanInput, None) or (None, errors) as the documented schema reads it."""
    if not isinstance(raw, dict):
        return None, {"_schema": ["Invalid input type."]}
    try:
        return ScanSchema().load(raw), None
    except ValidationError as err:
        return None, err.messages


@settings(max_examples=300)
@given(raw=st.lists(raw_scans, max_size=3), extra=junk)
def test_the_batch_is_normalised_and_checked_as_any_input(raw, extra):
    # The inlined fast paths of the batch reader change nothing but speed.
    body = {"scans": raw, " extra ": extra}
    assert normalise_batch(body) == normalise_text(body)
    for scan in normalise_text(raw):
        assert has_control(scan) == bool(control_errors(scan))


detail_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(alphabet=st.characters(codec=None), max_size=20),  # any code point, controls and surrogates too
)


@settings(max_examples=500)
@given(
    tracking=st.one_of(st.none(), st.text(max_size=14)),
    office=st.one_of(st.none(), st.text(max_size=8)),
    details=st.dictionaries(
        st.text(alphabet=st.characters(codec=None), max_size=6), detail_values, max_size=5
    ),
)
def test_the_canonical_json_of_a_scan_is_what_the_standard_library_writes(tracking, office, details):
    # Fingerprints stored before and after must match: orjson's bytes are those of json.dumps(sort_keys,
    # ensure_ascii=False, compact separators) encoded as UTF-8, and what it cannot write goes that way.
    value = {
        "tracking": tracking,
        "bag": None,
        "event": "EDD",
        "office": office,
        "at": None,
        "details": details,
    }
    try:
        expected: bytes | type = _CANONICAL.encode(value).encode()
    except UnicodeEncodeError:  # a lone surrogate: no fingerprint either way
        expected = UnicodeEncodeError
    try:
        got: bytes | type = canonical_json(value)
    except UnicodeEncodeError:
        got = UnicodeEncodeError
    assert got == expected
