"""Prometheus metrics.

Request metrics are counted in the worker that served the request; under gunicorn with several workers
set PROMETHEUS_MULTIPROC_DIR (see docs/operations.md) so that the scrape sums every worker's counts.
Business gauges (alerts, consignments, scans) are read from the database at scrape time, so they are the
same whichever host is scraped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Alert, AlertState, Consignment, ScanEvent
from models.base import utcnow

REQUESTS = Counter("hoatoc_http_requests", "HTTP requests served", ["method", "endpoint", "status"])
LATENCY = Histogram(
    "hoatoc_http_request_duration_seconds",
    "Time to answer a request",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class BusinessGauges:
    """A one-shot collector reading the current figures from the database."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def collect(self) -> Iterator[Metric]:
        alerts = GaugeMetricFamily("hoatoc_open_alerts", "Unresolved alerts by kind", labels=["kind"])
        rows = self.session.execute(
            select(Alert.kind, func.count()).where(Alert.state != AlertState.RESOLVED).group_by(Alert.kind)
        )
        for kind, count in rows:
            alerts.add_metric([kind.value], count)
        yield alerts
        statuses = GaugeMetricFamily("hoatoc_consignments", "Consignments by status", labels=["status"])
        for status, count in self.session.execute(
            select(Consignment.status, func.count()).group_by(Consignment.status)
        ):
            statuses.add_metric([status.value], count)
        yield statuses
        since = utcnow() - timedelta(hours=1)
        scans = GaugeMetricFamily("hoatoc_scans_recorded_last_hour", "Scan events recorded in the last hour")
        scans.add_metric(
            [], self.session.scalar(select(func.count()).where(ScanEvent.recorded_at >= since)) or 0
        )
        yield scans


def exposition(session: Session) -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests: CollectorRegistry = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    business = CollectorRegistry(auto_describe=False)
    business.register(BusinessGauges(session))  # type: ignore[arg-type]
    return generate_latest(requests) + generate_latest(business)
