"""Tokens, web sign-in, lockout, deactivation and CSRF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth import services
from models import ApiToken, AuditEntry, User
from models.base import utcnow
from tests.support import TEST_PASSWORD, USERS, assert_problem, csrf_token, login


def test_token_exchange_and_use(api):
    response = api.post("/api/v1/tokens", json={"username": "gdv.32100", "password": TEST_PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("hts_")
    assert body["expires_at"].endswith("+07:00")
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}).get_json()
    assert me == {
        "username": "gdv.32100",
        "full_name": me["full_name"],
        "role": "clerk",
        "office": "32100",
        "body": None,
    }


def test_tokens_are_stored_hashed(app, session):
    raw, _token = services.issue_token(
        session, session.scalar(select(User).where(User.username == "admin")), timedelta(hours=1)
    )
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert raw not in stored
    assert services.hash_token(raw) in stored


def test_wrong_password_is_401_and_counted(api, session):
    response = api.post("/api/v1/tokens", json={"username": "admin", "password": "wrong-password"})
    assert_problem(response, 401)
    assert session.scalar(select(User.failed_logins).where(User.username == "admin")) == 1


def test_lockout_after_repeated_failures(api, app):
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        api.post("/api/v1/tokens", json={"username": "in.32100", "password": "wrong-password"})
    # Even the right password is refused while the account is locked.
    response = api.post("/api/v1/tokens", json={"username": "in.32100", "password": TEST_PASSWORD})
    body = assert_problem(response, 401)
    assert "khóa" in body["detail"]


def test_expired_token_is_401(api, session):
    user = session.scalar(select(User).where(User.username == "admin"))
    raw, _token = services.issue_token(session, user, timedelta(hours=1), now=utcnow() - timedelta(hours=2))
    session.commit()
    assert_problem(api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}), 401)


def test_deactivated_user_token_is_401(api, session):
    user = session.scalar(select(User).where(User.username == "gdv.32000"))
    raw, _token = services.issue_token(session, user, timedelta(hours=1))
    services.deactivate_user(session, None, user)
    session.commit()
    assert_problem(api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}), 401)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == "gdv.32000")).all()
    assert "user.deactivate" in actions


def test_login_page_is_vietnamese(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Mật khẩu" in html


def test_login_page_in_english_on_request(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert "Sign in" in html
    assert "Password" in html


def test_web_login_and_logout(client):
    response = login(client, "board")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert USERS["board"] in home
    token = csrf_token(client, "/")
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "admin", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_login_redirect_never_leaves_the_site(client):
    token = csrf_token(client)
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "admin", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_session_cookie_is_httponly(client):
    login(client, "admin")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only


def test_cookie_session_api_post_needs_csrf(client):
    login(client, "admin")
    response = client.post("/api/v1/tokens", json={"username": "admin", "password": TEST_PASSWORD})
    assert response.status_code == 400


def test_create_user_checks_scope(session):
    import pytest

    from app.errors import Invalid
    from models import Role

    with pytest.raises(Invalid) as excinfo:
        services.create_user(session, None, "x.clerk", "long-enough", Role.CLERK, None, None)
    assert "office" in excinfo.value.errors


def test_role_scope_is_a_database_constraint(session):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from models import Role

    session.add(User(username="bad.board", password_hash="x", role=Role.BOARD))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.flush()
