"""What happens around every request: one commit at the end, security headers, health."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify
from sqlalchemy import text

from app import db

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _finish_transaction(response: Response) -> Response:
    """Commit what a successful request wrote; roll back anything else."""
    from flask import g

    session = g.get("_db_session")
    if session is None or not (session.in_transaction() or session.new or session.dirty or session.deleted):
        return response  # it never began and holds nothing unflushed: nothing to commit or roll back
    if response.status_code < 400:
        session.commit()
    else:
        session.rollback()
    return response


def security_headers(env: str) -> list[tuple[str, str]]:
    """The headers every answer carries (also written by the public lookup's WSGI front)."""
    headers = [
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if env == "production":
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def _security_headers(response: Response) -> Response:
    headers = response.headers
    for name, value in security_headers(current_app.config["HOATOC_ENV"]):
        headers.setdefault(name, value)
    return response


def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("health check failed")
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up"), 200


def init_app(app: Flask) -> None:
    app.after_request(_finish_transaction)
    app.after_request(_security_headers)
    app.add_url_rule("/healthz", "healthz", healthz)
