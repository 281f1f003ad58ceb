"""Prometheus metrics of one app: requests by route and status, latencies, tokens/s, constraint time.

Each app owns its registry, so several apps in one process (tests, a Modal container) never share
or double-register series. Routes are labelled by their template (`/v1/complete`), never by the raw
path, so a scanner cannot blow up the label set.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
_RATE_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
_CONSTRAINT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("maze_requests", "HTTP requests by route and status", ("route", "status"), registry=r)
        self.latency = Histogram("maze_request_duration_seconds", "HTTP request latency", ("route",),
                                 buckets=_LATENCY_BUCKETS, registry=r)
        self.inflight = Gauge("maze_inflight_requests", "requests being handled", registry=r)
        self.tokens = Counter("maze_generated_tokens", "tokens generated", ("route",), registry=r)
        self.tokens_per_second = Histogram("maze_tokens_per_second", "decode speed per request", ("route",),
                                           buckets=_RATE_BUCKETS, registry=r)
        self.constraint = Histogram("maze_constraint_seconds", "grammar work per request (set-up + decoding)",
                                    ("route",), buckets=_CONSTRAINT_BUCKETS, registry=r)
        self.dropped = Counter("maze_completions_dropped", "completions not returned, by reason", ("reason",),
                               registry=r)
        self.grammar_compiles = Counter("maze_grammar_compiles", "callers' grammars compiled (cache misses)",
                                        registry=r)
        self.engine_ready = Gauge("maze_engine_ready", "1 when the engine has loaded its model", registry=r)

    def observe_generation(self, route: str, completion_tokens: int, decode_ms: float, constraint_ms: float) -> None:
        self.tokens.labels(route).inc(completion_tokens)
        if completion_tokens and decode_ms > 0:
            self.tokens_per_second.labels(route).observe(completion_tokens / (decode_ms / 1e3))
        self.constraint.labels(route).observe(constraint_ms / 1e3)


class MetricsMiddleware:
    """Outermost middleware: counts every response, including 401/413 sent before routing."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: frozenset[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes  # the app's paths: a refused request is still labelled by its route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        self.metrics.inflight.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.inflight.dec()
            path = scope.get("path", "")
            route = path if path in self.routes else getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.requests.labels(route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)
