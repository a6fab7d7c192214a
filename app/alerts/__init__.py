"""Alerts: causes that need a person, raised by events and by the sweep, resolved when the cause clears."""
