"""A short per-worker memory of bearer token -> user, so that a scanner's every request does not read two rows.

Correctness never depends on it: an entry lives `TOKEN_CACHE_SECONDS` (default 5, 0 turns the cache off) and
only in the worker that read it, so a deactivated user, a revoked token or a changed role takes effect within
those seconds on every worker of every host. A token past its expiry is refused at once, cached or not.
Only valid tokens are remembered; an unknown token is looked up every time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from app.auth.services import hash_token, valid_token
from models import User
from models.base import utcnow

MAX_ENTRIES = 4096


@dataclass(frozen=True)
class _Entry:
    user: User  # a detached copy, never attached to any session: each request merges its own
    token_expires_at: datetime
    until: float


class TokenCache:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._entries: dict[str, _Entry] = {}

    def user(self, session: Session, raw: str) -> User | None:
        """The active user holding RAW, attached to SESSION, or None."""
        digest = hash_token(raw)
        entry = self._entries.get(digest)
        if entry is not None and entry.until > self.clock() and entry.token_expires_at > utcnow():
            # No SQL: the copy's state becomes this session's instance (or the one it already holds).
            return session.merge(entry.user, load=False)
        token = valid_token(session, raw)
        if token is None:
            self._entries.pop(digest, None)
            return None
        if self.seconds > 0:
            self._remember(digest, token.user, token.expires_at)
        return token.user

    def _remember(self, digest: str, user: User, expires_at: datetime) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()  # rare (that many tokens in a few seconds): start afresh, stay bounded
        self._entries[digest] = _Entry(_detached_copy(user), expires_at, self.clock() + self.seconds)


def _detached_copy(user: User) -> User:
    """A copy of USER's columns as if loaded by a query and detached: mergeable without SQL, shared by none."""
    copy = User(**{attr.key: getattr(user, attr.key) for attr in inspect(User).column_attrs})
    make_transient_to_detached(copy)
    return copy
