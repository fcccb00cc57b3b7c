"""Prometheus metrics of one server: requests, scores by status, latencies, queue depth, pool restarts.

Each server owns its own registry (not prometheus_client's global one), so two apps in one
process (tests, Ray Serve replicas) never clash over metric names.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["Metrics"]

# Rule rewards answer in ~1 ms, judges in seconds: buckets span both.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "rmg_requests", "HTTP requests by endpoint and status code", ["endpoint", "code"], registry=r
        )
        self.latency = Histogram(
            "rmg_request_seconds", "Request latency by endpoint", ["endpoint"], buckets=_BUCKETS, registry=r
        )
        self.scores = Counter("rmg_scores", "Scored candidates by reward and status", ["reward", "status"], registry=r)
        self.sample_latency = Histogram(
            "rmg_batch_seconds", "Time to score one request's rows, by reward", ["reward"], buckets=_BUCKETS, registry=r
        )
        self.queue_depth = Gauge("rmg_queue_depth", "Rows admitted and not yet scored", registry=r)
        self.queue_limit = Gauge("rmg_queue_limit", "Rows that may be admitted at once", registry=r)
        self.rejected = Counter("rmg_rejected_rows", "Rows refused with 429 (queue full)", registry=r)
        self.cancelled = Counter(
            "rmg_cancelled_rows", "Rows whose client went away before they were scored", registry=r
        )
        self.pool_restarts = Counter(
            "rmg_pool_restarts",
            "Worker processes replaced (killed on timeout, crashed or killed)",
            ["reward"],
            registry=r,
        )
        self.workers = Gauge("rmg_pool_workers", "Live worker processes by reward", ["reward"], registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)
