"""/metrics shows the scoring figures of the whole deployment (read from the database);
log lines carry the request id and the submission id, as JSON when asked."""

import json
import logging
import re

from django.test import Client

from config import logs
from tests.conftest import TRUE_LABELS, scored_upload, submission_csv


def metric(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    assert found, f"{name} not in /metrics"
    return float(found.group(1))


def test_metrics_show_the_scoring_latency_histogram_and_failures_by_kind(
        competition, alice, alice_joined, settings):
    settings.METRICS_TOKEN = "metrics-token-of-this-test"
    scored_upload(competition, alice, submission_csv(TRUE_LABELS))
    scored_upload(competition, alice, submission_csv(["cat"] + TRUE_LABELS[1:]))

    text = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-of-this-test"
                        ).content.decode()
    assert metric(text, "kompe_scoring_latency_seconds_count") == 2
    assert metric(text, 'kompe_scoring_latency_seconds_bucket{le="+Inf"}') == 2
    assert metric(text, 'kompe_scoring_latency_seconds_bucket{le="60.0"}') == 2
    assert metric(text, 'kompe_submissions_failed{kind="unknown_label"}') == 1
    assert metric(text, 'kompe_submissions_pending{status="queued"}') == 0
    assert "django_http_requests_total_by_method_total" in text


def test_every_response_names_its_request_and_a_forged_id_is_replaced(db):
    client = Client()
    kept = client.get("/", HTTP_X_REQUEST_ID="proxy-id.42")
    assert kept["X-Request-ID"] == "proxy-id.42"
    replaced = client.get("/", HTTP_X_REQUEST_ID='bad id"\n{"level": "forged"}')
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])


def json_line(message: str) -> dict:
    record = logging.LogRecord("scoring.tasks", logging.INFO, __file__, 1, message, (), None)
    logs.ContextFilter().filter(record)
    return json.loads(logs.JsonFormatter().format(record))


def test_a_json_log_line_has_time_level_logger_and_both_ids():
    request = logs.request_id.set("abc123")
    submission = logs.submission_id.set(42)
    try:
        line = json_line("scored")
    finally:
        logs.request_id.reset(request)
        logs.submission_id.reset(submission)
    assert line["level"] == "INFO" and line["logger"] == "scoring.tasks"
    assert line["message"] == "scored" and re.match(r"\d{4}-\d\d-\d\dT", line["time"])
    assert (line["request_id"], line["submission_id"]) == ("abc123", 42)
    assert json_line("outside")["request_id"] is None


def test_the_request_id_travels_with_the_scoring_task_it_queues():
    headers = {}
    token = logs.request_id.set("upload-request")
    try:
        logs._send_request_id(sender=logs.SCORING_TASK, body=((7,), {}, {}), headers=headers)
        assert logs.submission_id.get() == 7
    finally:
        logs.request_id.reset(token)
        logs.submission_id.set(None)
    assert headers[logs.HEADER] == "upload-request"
