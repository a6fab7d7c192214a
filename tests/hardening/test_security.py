"""Security properties that must hold for every page and every log line, whoever wrote the page."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from tests.conftest import build_app
from tests.support import TEST_PASSWORD, USERS, csrf_token

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_post_form_carries_a_csrf_token(template: Path):
    for match in FORM.finditer(template.read_text(encoding="utf-8")):
        if re.search(r"method\s*=\s*[\"']?post", match["attrs"], re.I):
            assert "csrf_token" in match["body"], f"{template.name}: a POST form without a CSRF token"


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_pages_satisfy_the_content_security_policy(template: Path):
    html = template.read_text(encoding="utf-8")
    # A data island (type="application/json") is never executed, so the CSP allows it.
    inline_scripts = [
        m
        for m in re.finditer(r"<script\b([^>]*)>", html, re.I)
        if "src=" not in m.group(1) and "json" not in m.group(1)
    ]
    assert not inline_scripts, f"{template.name}: inline <script> is refused by the CSP"
    assert not re.search(r"\sstyle\s*=", html, re.I), (
        f"{template.name}: style= attributes are refused by the CSP"
    )
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), f"{template.name}: inline event handlers are refused"


def test_production_session_cookie_is_secure(app):
    production = build_app(app.config["DATABASE_URL"], HOATOC_ENV="production")
    client = production.test_client()
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": USERS["admin"], "password": TEST_PASSWORD, "csrf_token": token}
    )
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_security_headers_on_api_answers_and_errors(api):
    for response in (api.get("/api/v1/openapi.json"), api.get("/api/v1/offices"), api.get("/nope")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_no_password_or_token_reaches_a_log_line(api, client, caplog):
    caplog.set_level(logging.DEBUG)
    issued = api.post(
        "/api/v1/tokens", json={"username": USERS["clerk"], "password": TEST_PASSWORD}
    ).get_json()
    api.post("/api/v1/tokens", json={"username": USERS["clerk"], "password": "wrong-" + TEST_PASSWORD})
    api.get("/api/v1/me", headers={"Authorization": f"Bearer {issued['token']}"})
    api.get("/api/v1/me", headers={"Authorization": "Bearer hts_forged-token-value"})
    token = csrf_token(client)
    client.post("/login", data={"username": USERS["board"], "password": TEST_PASSWORD, "csrf_token": token})
    logged = caplog.text
    for secret in (TEST_PASSWORD, issued["token"], "hts_forged-token-value", token):
        assert secret not in logged
