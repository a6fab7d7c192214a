"""Every error path answers problem+json with the right status and changes nothing."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import build_app
from tests.support import assert_problem, token_for


def test_missing_token_is_401(api):
    assert_problem(api.get("/api/v1/offices"), 401)


def test_bad_token_is_401(api):
    response = api.get("/api/v1/offices", headers={"Authorization": "Bearer hts_not-a-token"})
    assert_problem(response, 401)


def test_malformed_authorization_header_is_401(api):
    assert_problem(api.get("/api/v1/offices", headers={"Authorization": "Basic abc"}), 401)


def test_unknown_office_is_404_naming_the_field(api):
    body = assert_problem(api.as_("clerk").get("/api/v1/offices/99999"), 404, "code")
    assert "99999" in body["detail"]


def test_unparseable_json_is_400(api):
    response = api.post("/api/v1/tokens", data=b"{not json", content_type="application/json")
    assert_problem(response, 400)


def test_invalid_fields_are_422_with_paths(api):
    body = assert_problem(api.post("/api/v1/tokens", json={"username": 7}), 422)
    assert set(body["errors"]) == {"username", "password"}


def test_unknown_field_is_422(api):
    assert_problem(api.post("/api/v1/tokens", json={"username": "a", "password": "b", "x": 1}), 422, "x")


def test_per_page_over_500_is_422(api):
    assert_problem(api.as_("admin").get("/api/v1/offices?per_page=501"), 422, "query.per_page")


def test_wrong_method_is_405(api):
    response = api.as_("admin").delete("/api/v1/offices")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_oversize_body_is_413(app: Flask):
    small = build_app(app.config["DATABASE_URL"], MAX_CONTENT_LENGTH=1024)
    response = small.test_client().post("/api/v1/tokens", data=b"x" * 4096, content_type="application/json")
    assert_problem(response, 413)


def test_unexpected_error_is_500_without_internals(app: Flask):
    broken = build_app(app.config["DATABASE_URL"])

    @broken.route("/api/v1/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail /etc/passwd")

    response = broken.test_client().get(
        "/api/v1/boom", headers={"Authorization": f"Bearer {token_for(app, 'admin')}"}
    )
    body = assert_problem(response, 500)
    text = response.get_data(as_text=True)
    assert "secret internal detail" not in text
    assert "Traceback" not in text
    assert body["errors"] == {}


def test_problem_titles_are_vietnamese_by_default_and_english_on_request(api):
    vi = api.get("/api/v1/offices").get_json()
    en = api.get("/api/v1/offices", headers={"Accept-Language": "en"}).get_json()
    assert vi["title"] == "Cần đăng nhập"
    assert en["title"] == "Authentication required"


def test_field_messages_are_translated(api):
    body = api.post("/api/v1/tokens", json={"username": "a"}).get_json()
    assert body["errors"]["password"] == ["Thiếu dữ liệu cho trường bắt buộc."]


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/docs", "/healthz"])
def test_public_documents_are_served(api, path):
    assert api.get(path).status_code == 200


def test_openapi_describes_bearer_auth_and_problem_errors(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "/api/v1/offices/{code}" in spec["paths"]


def test_healthz_reports_the_database(api):
    assert api.get("/healthz").get_json() == {"status": "ok", "database": "up"}


def test_security_headers_on_pages(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_control_characters_in_text_are_422_naming_the_field(api):
    body = assert_problem(api.post("/api/v1/tokens", json={"username": "ad\u0000min", "password": "x"}), 422)
    assert list(body["errors"]) == ["username"]


def test_nul_in_a_path_parameter_never_gives_a_500(api):
    response = api.as_("admin").get("/api/v1/offices/32%00100")
    assert response.status_code in (404, 422)
    assert response.mimetype == "application/problem+json"


def test_times_at_the_edge_of_the_calendar_are_422(api):
    for when in ("0001-01-01T00:00:00", "9999-12-31T23:59:59+14:00"):
        response = api.as_("clerk").get("/api/v1/duty", query_string={"office": "32100", "at": when})
        assert response.status_code == 422, response.get_data(as_text=True)
