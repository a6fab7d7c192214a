"""A rate limit counted in the process and settled with the shared counter in batches.

A limit that holds across several hosts needs a counter they share (Redis). Asking it on every request costs
each request a round trip and the worker's time to make it: on the public lookup, the busiest endpoint, that
was a quarter of the worker's time. Here each process counts the hits it sees and, every ``settle_seconds``,
adds them to the shared counter in the background and reads the total back; it decides with that total plus
what it has counted since. A client can therefore exceed a limit by what it sends to each process within one
settle interval (with the default 0.1 s and limits per minute, a fraction of the limit), and when the shared
counter cannot be reached each process goes on limiting with what it knows. ``settle_seconds=0`` settles on
every hit: exact, at the old price.

The counter itself is the ``limits`` library's storage (the one Flask-Limiter uses), so any URI it accepts
works: ``memory://`` (one process), ``redis://…``. Fixed windows aligned to the clock, as Flask-Limiter's default.
No Flask here: the WSGI front of public tracking uses it before Flask sees the request.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import parse
from limits.storage import storage_from_string

log = logging.getLogger(__name__)


@dataclass
class Refusal:
    """Why a hit was refused: the limit's amount and when its window ends (epoch seconds)."""

    limit: int
    reset_at: float

    def retry_after(self, now: float) -> int:
        return max(1, int(self.reset_at - now + 0.999))


@dataclass
class _Window:
    settled_total: int = 0  # the shared total read back at this process's last settlement
    pending: int = 0  # hits counted here since, not yet added to the shared total


class SettledLimit:
    """``hit(client)`` counts one request; ``None`` when allowed, else a :class:`Refusal`."""

    def __init__(
        self,
        limit: str,
        storage_uri: str,
        namespace: str,
        *,
        settle_seconds: float = 0.1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.item = parse(limit)
        self.storage = storage_from_string(storage_uri)
        self.namespace = namespace
        self.settle_seconds = settle_seconds
        self.clock = clock
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()  # the windows, between request threads and the settler
        self._settling = threading.Lock()  # one settlement at a time, so no hit is added twice
        self._settler_pid: int | None = None
        self._last_warning = 0.0

    def hit(self, client: str) -> Refusal | None:
        now = self.clock()
        period = self.item.get_expiry()
        start = now - now % period
        key = f"hoatoc/{self.namespace}/{self.item.amount}/{period}/{client}/{int(start)}"
        with self._lock:
            window = self._windows.get(key)
            if window is None:
                window = self._windows[key] = _Window()
            if window.settled_total + window.pending >= self.item.amount:
                return Refusal(self.item.amount, start + period)
            window.pending += 1
        if self.settle_seconds <= 0:
            self.settle()
        elif self._settler_pid != os.getpid():  # first hit in this process (gunicorn forks after import)
            self._start_settler()
        return None

    def settle(self) -> None:
        """Add the hits counted here to the shared totals and read the totals back."""
        with self._settling:
            with self._lock:
                batch = [(key, window.pending) for key, window in self._windows.items() if window.pending]
            for key, count in batch:
                try:
                    total = self.storage.incr(key, self.item.get_expiry(), amount=count)
                except Exception:  # the shared counter is away: keep counting here, settle later
                    self._warn()
                    return
                with self._lock:
                    window = self._windows[key]
                    window.pending -= count
                    window.settled_total = total
            self._forget_ended_windows()

    def _forget_ended_windows(self) -> None:
        now, period = self.clock(), self.item.get_expiry()
        current = int(now - now % period)
        with self._lock:
            ended = [
                key
                for key, window in self._windows.items()
                if not window.pending and int(key.rsplit("/", 1)[1]) < current
            ]
            for key in ended:
                del self._windows[key]

    def _start_settler(self) -> None:
        with self._lock:
            if self._settler_pid == os.getpid():
                return
            self._settler_pid = os.getpid()
        threading.Thread(target=self._settle_forever, name=f"settle-{self.namespace}", daemon=True).start()

    def _settle_forever(self) -> None:
        while True:
            time.sleep(self.settle_seconds)
            try:
                self.settle()
            except Exception:  # never let the thread die: the limit would stop being shared
                log.exception("settling rate-limit counts failed")

    def _warn(self) -> None:
        now = time.monotonic()
        if now - self._last_warning > 60:
            self._last_warning = now
            log.warning("rate-limit counter unreachable: %s limits with local counts", self.namespace)
