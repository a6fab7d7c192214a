"""Alembic migrations: reviewed code, named by date, reversible."""

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent
