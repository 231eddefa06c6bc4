"""/metrics for Prometheus: django-prometheus' request figures of this process, and the
scoring figures of the whole deployment.

The scoring figures are read from the database at each scrape rather than counted in the
worker processes: workers run on several hosts and restart, the database sees every
submission. Latency is from queued (upload, rescore or requeue) to scored or failed.
"""

from datetime import timedelta

import redis
from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import HttpResponse
from django_prometheus import middleware as prometheus_middleware
from django_prometheus.exports import ExportToDjangoView
from django_prometheus.utils import Time
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

from competitions import policy

LATENCY_BUCKETS_SECONDS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)


class ScoringCollector:
    def collect(self):
        from competitions.models import Submission

        yield self._latency(Submission)
        failed = GaugeMetricFamily(
            "kompe_submissions_failed", "Failed submissions by the kind of their first "
            "problem (internal_error: on our side; the others: the file's fault)",
            labels=["kind"])
        for row in (Submission.objects.filter(status=Submission.Status.FAILED)
                    .values("problems__0__code").annotate(count=Count("pk"))):
            failed.add_metric([row["problems__0__code"] or "unknown"], row["count"])
        yield failed
        pending = GaugeMetricFamily("kompe_submissions_pending",
                                    "Submissions waiting for a score", labels=["status"])
        counts = dict(Submission.objects.filter(
            status__in=[Submission.Status.QUEUED, Submission.Status.SCORING])
            .values_list("status").annotate(count=Count("pk")))
        for status in (Submission.Status.QUEUED, Submission.Status.SCORING):
            pending.add_metric([status], counts.get(status, 0))
        yield pending
        queued = self._broker_queue_length()
        if queued is not None:
            yield queued

    def _latency(self, submission_model):
        latency = ExpressionWrapper(F("finished_at") - F("queued_at"),
                                    output_field=DurationField())
        finished = submission_model.objects.filter(
            status__in=["scored", "failed"], finished_at__isnull=False).annotate(latency=latency)
        figures = finished.aggregate(
            total=Count("pk"), sum=Sum("latency"),
            **{f"le_{index}": Count("pk", filter=Q(latency__lte=timedelta(seconds=bound)))
               for index, bound in enumerate(LATENCY_BUCKETS_SECONDS)})
        buckets = [(str(float(bound)), figures[f"le_{index}"])
                   for index, bound in enumerate(LATENCY_BUCKETS_SECONDS)]
        buckets.append(("+Inf", figures["total"]))
        total_seconds = figures["sum"].total_seconds() if figures["sum"] else 0.0
        return HistogramMetricFamily(
            "kompe_scoring_latency_seconds",
            "From queued to scored or failed, over every finished submission",
            buckets=buckets, sum_value=total_seconds)

    def _broker_queue_length(self):
        if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            return None
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        try:
            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2,
                                          socket_connect_timeout=2)
            with client:
                length = client.llen(queue)
        except redis.RedisError:
            return None  # /healthz says the broker is down; the metrics say what they can
        gauge = GaugeMetricFamily("kompe_broker_queue_messages",
                                  "Scoring messages waiting in the broker", labels=["queue"])
        gauge.add_metric([queue], length)
        return gauge


class PrometheusAfterMiddleware(prometheus_middleware.PrometheusAfterMiddleware):
    """django-prometheus' own, except that a garbage Content-Length (a hostile client's)
    counts as 0, as Django itself reads it, instead of raising a server error."""

    def process_request(self, request):
        try:
            content_length = int(request.headers.get("content-length") or 0)
        except ValueError:
            content_length = 0
        transport = self._transport(request)
        method = self._method(request)
        self.label_metric(self.metrics.requests_by_method, request, method=method).inc()
        self.label_metric(self.metrics.requests_by_transport, request,
                          transport=transport).inc()
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            self.label_metric(self.metrics.requests_ajax, request).inc()
        self.label_metric(self.metrics.requests_body_bytes, request).observe(content_length)
        request.prometheus_after_middleware_event = Time()


SCORING_REGISTRY = CollectorRegistry(auto_describe=False)
SCORING_REGISTRY.register(ScoringCollector())


def metrics(request):
    if not policy.may_read_metrics(request):
        # For Prometheus, not for people: a plain 401 that names the scheme, no page.
        response = HttpResponse("A bearer token is required.\n", status=401,
                                content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    # With PROMETHEUS_MULTIPROC_DIR (gunicorn's workers; config/gunicorn_hooks.py),
    # django-prometheus adds up the request figures of every worker of this server.
    response = ExportToDjangoView(request)
    response.content += generate_latest(SCORING_REGISTRY)
    return response
