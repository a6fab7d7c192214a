"""Fixtures of the scan and bag tests."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, g, has_app_context
from werkzeug.test import TestResponse

from tests.support import ApiClient


class FreshUserApiClient(ApiClient):
    """ApiClient that signs every request afresh.

    While the ``session`` fixture holds an app context, requests share it, and Flask-Login keeps the
    user of the first request in ``g``: a later request as another user would act as the first one.
    """

    def as_(self, user: str | None) -> FreshUserApiClient:
        return FreshUserApiClient(self.app, user)

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> TestResponse:
        if has_app_context():
            g.pop("_login_user", None)
        return super().request(method, path, headers=headers, **kwargs)


@pytest.fixture
def api(app: Flask) -> FreshUserApiClient:
    return FreshUserApiClient(app)
