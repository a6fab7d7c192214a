"""Alerts: causes that need a person, raised by events and by the sweep, resolved when the cause clears."""

from app.alerts import schedule as _schedule  # noqa: F401 - registers the listener that keeps next_check_at honest
