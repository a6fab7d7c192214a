"""Scans: idempotent scan events from post offices, the status they imply, and the clerk station."""
