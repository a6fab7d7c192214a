"""Users, passwords and tokens. Services flush; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.audit.services import record
from app.errors import Conflict, Invalid, NotFound, Unauthorized
from models import ApiToken, Body, Office, Role, User
from models.base import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
# Verified against when the username is unknown, so timing does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_("No user named %(name)s.", name=username), {"username": _("Unknown user.")})
    return user


def create_user(
    session: Session,
    actor: User | None,
    username: str,
    password: str,
    role: Role,
    office_code: str | None = None,
    body_code: str | None = None,
    full_name: str | None = None,
) -> User:
    _check_new_user(session, username, password, role, office_code, body_code)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        office_code=office_code,
        body_code=body_code,
        full_name=full_name,
    )
    session.add(user)
    session.flush()
    record(
        session, actor, "user.create", "user", username, role=role.value, office=office_code, body=body_code
    )
    return user


def _check_new_user(
    session: Session, username: str, password: str, role: Role, office: str | None, body: str | None
) -> None:
    errors: dict[str, str] = {}
    if (
        not username
        or len(username) > 64
        or not username.replace(".", "").replace("-", "").replace("_", "").isalnum()
    ):
        errors["username"] = _("Use 1–64 letters, digits, dots, dashes or underscores.")
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = _("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    needs_office = role in (Role.CLERK, Role.PRINTER)
    if needs_office != bool(office):
        errors["office"] = _("Clerks and printers need an office; other roles must not have one.")
    if (role == Role.BOARD) != bool(body):
        errors["body"] = _("Board users need an election body; other roles must not have one.")
    if office and session.get(Office, office) is None:
        errors["office"] = _("Unknown office %(code)s.", code=office)
    if body and session.get(Body, body) is None:
        errors["body"] = _("Unknown election body %(code)s.", code=body)
    if errors:
        raise Invalid(_("The user cannot be created."), errors)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(_("A user named %(name)s already exists.", name=username), {"username": _("Taken.")})


def set_password(session: Session, actor: User | None, user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(errors={"password": _("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH)})
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    record(session, actor, "user.password", "user", user.username)


def deactivate_user(session: Session, actor: User | None, user: User) -> None:
    user.active = False
    for token in session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
    ):
        token.revoked = True
    session.flush()
    record(session, actor, "user.deactivate", "user", user.username)


def authenticate(
    session: Session, username: str, password: str, *, max_failures: int, lock_minutes: int, now: datetime
) -> User:
    """Check a password, counting failures and locking the account after too many."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        password_matches(_DUMMY_HASH, password)
        raise Unauthorized(_("Wrong username or password."))
    if user.locked_until is not None and user.locked_until > now:
        raise Unauthorized(_("Too many failed attempts: this account is locked for a while."))
    if not password_matches(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
            record(session, None, "user.locked", "user", user.username)
        session.flush()
        raise Unauthorized(_("Wrong username or password."))
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    return user


def issue_token(
    session: Session, user: User, ttl: timedelta, now: datetime | None = None
) -> tuple[str, ApiToken]:
    """Create a bearer token; the raw value is returned once and never stored."""
    if not user.active:
        raise Unauthorized(_("This account is deactivated."))
    raw = "hts_" + secrets.token_urlsafe(32)
    now = now or utcnow()
    token = ApiToken(user_id=user.id, token_hash=hash_token(raw), created_at=now, expires_at=now + ttl)
    session.add(token)
    session.flush()
    record(session, user, "token.issue", "user", user.username, token_id=token.id)
    return raw, token


def valid_token(session: Session, raw: str, now: datetime | None = None) -> ApiToken | None:
    """The unrevoked, unexpired token RAW of an active user (read with its user in one statement), or None."""
    now = now or utcnow()
    token = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw)).options(joinedload(ApiToken.user))
    )
    if token is None or token.revoked or token.expires_at <= now or not token.user.active:
        return None
    # Only touch last_used_at now and then: one write per request would serialise all readers.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
    return token


def user_for_token(session: Session, raw: str, now: datetime | None = None) -> User | None:
    token = valid_token(session, raw, now)
    return token.user if token is not None else None
