"""API: webhooks (administrators) and their delivery log."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.api.pagination import paginate
from app.api.schemas import PageQuery
from app.auth.current import api_actor
from app.auth.policy import require_admin
from app.webhooks import services
from app.webhooks.schemas import (
    DeliveryDetailSchema,
    DeliveryPageSchema,
    DeliveryQuery,
    WebhookBody,
    WebhookPageSchema,
    WebhookSchema,
)
from models.webhooks import Webhook, WebhookDelivery

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1",
    description="Webhooks: signed, retried notifications of status changes and alerts (administrators)",
)


def _admin() -> None:
    require_admin(api_actor())


@blp.route("/webhooks")
class Webhooks(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, WebhookPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Active webhooks (the secret is never shown)."""
        _admin()
        return paginate(db.session, services.webhooks_query(), query["page"], query["per_page"])

    @blp.arguments(WebhookBody)
    @blp.response(201, WebhookSchema)
    def post(self, body: dict[str, Any]) -> Webhook:
        """Register a receiver: an http(s) URL, the events it wants, and a secret (16+ characters) that
        signs each delivery. Deliveries are retried with backoff until the receiver answers 2xx."""
        actor = api_actor()
        require_admin(actor)
        return services.create_webhook(db.session, actor, body["url"], body["events"], body["secret"])


@blp.route("/webhooks/<int:webhook_id>")
class WebhookDetail(MethodView):
    @blp.response(200, WebhookSchema)
    def get(self, webhook_id: int) -> Webhook:
        _admin()
        return services.get_webhook(db.session, webhook_id)

    @blp.response(204)
    def delete(self, webhook_id: int) -> None:
        """Stop delivering to this receiver (pending deliveries are cancelled; the log stays)."""
        actor = api_actor()
        require_admin(actor)
        services.delete_webhook(db.session, actor, webhook_id)


@blp.route("/webhooks/deliveries")
class Deliveries(MethodView):
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, DeliveryPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The delivery log, newest first."""
        _admin()
        select_ = services.deliveries_query(query.get("webhook"), query.get("state"))
        return paginate(db.session, select_, query["page"], query["per_page"])


@blp.route("/webhooks/deliveries/<int:delivery_id>")
class DeliveryDetail(MethodView):
    @blp.response(200, DeliveryDetailSchema)
    def get(self, delivery_id: int) -> WebhookDelivery:
        """One delivery: the body sent and every attempt."""
        _admin()
        return services.delivery_with_attempts(db.session, delivery_id)
