from __future__ import annotations

from typing import Any

import pytest
from flask import g, has_app_context
from werkzeug.test import TestResponse

from tests.support import ApiClient


class FreshUserApiClient(ApiClient):
    """ApiClient whose each request signs in afresh.

    Requests made while a test holds the app context (the ``session`` fixture) share its ``g``, where
    Flask-Login caches the user of the first request; switching users within a test needs it cleared.
    """

    def as_(self, user: str | None) -> FreshUserApiClient:
        return FreshUserApiClient(self.app, user)

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> TestResponse:
        if has_app_context():
            g.pop("_login_user", None)
        return super().request(method, path, headers, **kwargs)


@pytest.fixture
def api(app) -> FreshUserApiClient:
    return FreshUserApiClient(app)
