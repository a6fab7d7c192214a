from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.resilience.harness import scratch_postgres

POSTGRES_URL = os.environ.get("HOATOC_TEST_POSTGRES_URL")


@pytest.fixture
def postgres() -> Iterator[tuple]:
    """A migrated, seeded PostgreSQL database of the test's own: (URL, tokens by seeded user)."""
    if not POSTGRES_URL:
        pytest.skip("resilience tests run against PostgreSQL: set HOATOC_TEST_POSTGRES_URL")
    with scratch_postgres(POSTGRES_URL) as database:
        yield database
