"""marshmallow's own messages (validators, field types) answer in the client's language, on every domain."""

from __future__ import annotations

import re

import pytest
from marshmallow import ValidationError, fields, validate
from werkzeug.datastructures import MultiDict

from app.i18n import FORMATTED_MESSAGES, PLAIN_MESSAGES, load_catalog, translate_message
from tests.consignments.helpers import body
from tests.support import assert_problem, csrf_token, login

EN = {"Accept-Language": "en"}


def _errors(response, field: str) -> list[str]:
    return assert_problem(response, 422, field)["errors"][field]


def test_range_and_one_of_in_a_registration(api):
    sent = body(urgency="fast", pieces=0, reference=None)
    vi = api.as_("board").post("/api/v1/consignments", json=sent)
    assert _errors(vi, "urgency") == ["Phải là một trong: normal, urgent, very_urgent, flash."]
    assert _errors(vi, "pieces") == ["Phải lớn hơn hoặc bằng 1 và nhỏ hơn hoặc bằng 99."]
    en = api.as_("board").post("/api/v1/consignments", json=sent, headers=EN)
    assert _errors(en, "urgency") == ["Must be one of: normal, urgent, very_urgent, flash."]
    assert _errors(en, "pieces") == ["Must be greater than or equal to 1 and less than or equal to 99."]


def test_lengths_in_a_registration(api):
    sent = body(document={"number": "", "title": "x" * 501}, reference=None)
    vi = api.as_("board").post("/api/v1/consignments", json=sent)
    assert _errors(vi, "document.number") == ["Độ dài phải từ 1 đến 64."]
    assert _errors(vi, "document.title") == ["Dài hơn độ dài tối đa 500."]
    en = api.as_("board").post("/api/v1/consignments?lang=en", json=sent)
    assert _errors(en, "document.title") == ["Longer than maximum length 500."]


def test_pagination_of_offices_and_alerts(api):
    vi = api.as_("admin").get("/api/v1/offices?per_page=0")
    assert _errors(vi, "query.per_page") == ["Phải lớn hơn hoặc bằng 1 và nhỏ hơn hoặc bằng 500."]
    assert _errors(api.as_("admin").get("/api/v1/alerts?state=shut"), "query.state")[0].startswith(
        "Phải là một trong: open"
    )
    en = api.as_("admin").get("/api/v1/alerts?per_page=x&lang=en")
    assert _errors(en, "query.per_page") == ["Not a valid integer."]


def test_bags_and_labels(api):
    vi = api.as_("clerk").post("/api/v1/bags/BG0000000013/items", json={"trackings": []})
    assert _errors(vi, "trackings")[0].startswith("Độ dài phải từ 1 đến")
    label = api.as_("admin").get("/api/v1/bags/BG0000000013/label?format=png", headers=EN)
    assert _errors(label, "query.format") == ["Must be one of: pdf, zpl."]


def test_the_registration_form_shows_them_in_vietnamese(app, session):
    client = app.test_client()
    login(client, "board")
    data = {"document_number": "80/CV-UBBC", "document_date": "2026-02-21", "document_title": "V/v",
            "urgency": "fast", "confidentiality": "none", "pieces": "0", "recipients": "UBBC-MUONGNHE",
            "csrf_token": csrf_token(client, "/consignments/new")}  # fmt: skip
    html = client.post("/consignments/new", data=MultiDict(data)).get_data(as_text=True)
    assert "Phải là một trong: normal, urgent, very_urgent, flash." in html
    assert "Must be one of" not in html


@pytest.mark.parametrize(
    ("validator", "value"),
    [
        (validate.Range(min=1, max=5), 0),
        (validate.Range(min=1, max=5, min_inclusive=False), 0),
        (validate.Range(min=1, max=5, max_inclusive=False), 0),
        (validate.Range(min=1, max=5, min_inclusive=False, max_inclusive=False), 0),
        (validate.Range(min=1), 0),
        (validate.Range(min=1, min_inclusive=False), 0),
        (validate.Range(max=1), 2),
        (validate.Range(max=1, max_inclusive=False), 2),
        (validate.Length(min=2), "a"),
        (validate.Length(max=1), "ab"),
        (validate.Length(min=1, max=1), ""),
        (validate.Length(equal=3), "a"),
        (validate.Equal("x"), "y"),
        (validate.OneOf(["a", "b"]), "c"),
        (validate.ContainsOnly(["a"]), ["b"]),
        (validate.ContainsNoneOf(["a"]), ["a"]),
    ],
)
def test_every_formatted_message_of_marshmallow_is_recognised(app, validator, value):
    # Written against marshmallow's wording: a release that rewords one shows up here, not in production.
    with pytest.raises(ValidationError) as raised:
        validator(value)
    english = raised.value.messages[0]
    with app.test_request_context("/?lang=vi"):
        translated = translate_message(english)
    assert translated != english
    assert re.findall(r"\d+", translated) == re.findall(r"\d+", english)  # the same values, in order


def test_the_plain_messages_are_marshmallows_own():
    defaults = {m for cls in vars(fields).values() if isinstance(cls, type) and issubclass(cls, fields.Field)
                for m in getattr(cls, "default_error_messages", {}).values()}  # fmt: skip
    defaults |= {validate.Regexp.default_message, validate.NoneOf.default_message}
    assert set(PLAIN_MESSAGES) - {"Not a valid delimited list."} <= defaults


def test_every_template_has_vietnamese():
    catalog = load_catalog("vi")._catalog
    assert [m for m in (*FORMATTED_MESSAGES, *PLAIN_MESSAGES) if not catalog.get(m)] == []
