"""Webhooks: signed notifications of status changes and alerts to other systems, through an outbox."""
