"""The Prometheus exposition of /metrics: the figures of the operations page as gauges, read at
each scrape (a fixed number of queries and one broker probe with a short timeout), plus the
process metrics of prometheus_client's default registry."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from notifications.selectors import outbox_backlog
from operations.selectors import REPORT_FAILURES_WINDOW, broker_overview, periodic_status
from reports.selectors import failed_delivery_count


class RapportCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        broker = broker_overview(ping_workers=False)
        yield GaugeMetricFamily(
            "rapport_broker_up",
            "1 when the Celery broker answered the probe, else 0.",
            value=1 if broker.is_available else 0,
        )
        depth = GaugeMetricFamily(
            "rapport_celery_queue_depth", "Tasks waiting in the broker's queue.", labels=["queue"]
        )
        for queue, count in sorted((broker.depths or {}).items()):
            depth.add_metric([queue], count)
        yield depth

        backlog = outbox_backlog()
        yield GaugeMetricFamily(
            "rapport_outbox_pending", "Outbox e-mails waiting to be sent.", value=backlog.pending
        )
        oldest = (
            (now - backlog.oldest_pending_at).total_seconds() if backlog.oldest_pending_at else 0
        )
        yield GaugeMetricFamily(
            "rapport_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox e-mail waiting to be sent (0 when none waits).",
            value=max(oldest, 0),
        )
        yield GaugeMetricFamily(
            "rapport_outbox_failed", "Outbox e-mails marked failed.", value=backlog.failed
        )
        yield GaugeMetricFamily(
            "rapport_report_deliveries_failed",
            "Status-report e-mails failed, of reports created in the last day.",
            value=failed_delivery_count(since=now - REPORT_FAILURES_WINDOW),
        )

        last_success = GaugeMetricFamily(
            "rapport_periodic_task_last_success_timestamp_seconds",
            "When each periodic task last succeeded (Unix time; absent when never).",
            labels=["task"],
        )
        late = GaugeMetricFamily(
            "rapport_periodic_task_late",
            "1 when the task's last success is older than twice its interval.",
            labels=["task"],
        )
        for row in periodic_status(now=now):
            if row.last_success_at is not None:
                last_success.add_metric([row.entry.task], row.last_success_at.timestamp())
            late.add_metric([row.entry.task], 1 if row.is_late else 0)
        yield last_success
        yield late


_registry = CollectorRegistry(auto_describe=False)
_registry.register(RapportCollector())


def render_metrics() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    return generate_latest(_registry) + generate_latest(REGISTRY), CONTENT_TYPE_LATEST
