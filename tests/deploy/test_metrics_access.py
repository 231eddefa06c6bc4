"""/metrics answers Prometheus' bearer token only (METRICS_TOKEN), and under gunicorn with
several workers it adds up every worker's request counts (Prometheus' multiprocess mode,
config/gunicorn_hooks.py) and shows the scoring latency histogram."""

import os
import re
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import TRUE_LABELS, database_url, scored_upload, submission_csv

from .processes import start_gunicorn, stop

TOKEN = "a-metrics-token-for-the-tests-only-0123456789"


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Token {TOKEN}",
                                           f"Basic {TOKEN}", "Bearer"])
def test_metrics_refuse_a_request_without_the_token(db, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = Client().get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"kompe_" not in response.content and b"django_" not in response.content


def test_metrics_answer_the_token(db, settings):
    settings.METRICS_TOKEN = TOKEN
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert b"kompe_scoring_latency_seconds" in response.content


def test_without_a_token_metrics_answer_nobody_in_production_and_anybody_in_debug(
        db, settings, admin_client):
    settings.METRICS_TOKEN = ""
    settings.DEBUG = False
    assert admin_client.get("/metrics").status_code == 401  # not even a superuser
    settings.DEBUG = True
    assert Client().get("/metrics").status_code == 200


def scrape(port: int, path: str = "/metrics", token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def gets(text: str, view: str) -> float:
    found = re.search(r'^django_http_responses_total_by_status_view_method_total\{[^}]*'
                      rf'view="{re.escape(view)}"[^}}]*\}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


@pytest.mark.worker
def test_under_gunicorn_every_scrape_counts_the_requests_of_all_workers(
        transactional_db, competition, alice, alice_joined, tmp_path):
    scored_upload(competition, alice, submission_csv(TRUE_LABELS))
    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict),
           "ALLOWED_HOSTS": "127.0.0.1", "METRICS_TOKEN": TOKEN}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    web, port = start_gunicorn(env, tmp_path / "web.log", workers=3)
    try:
        pages = 30
        for _ in range(pages):
            assert scrape(port, "/", token=None)[0] == 200
        # Whichever worker answers, each scrape sums all three workers' counts.
        for _ in range(6):
            status, text = scrape(port)
            assert status == 200, text[:2000]
            assert gets(text, "competition_list") == pages, text[-3000:]
            assert re.search(r"^kompe_scoring_latency_seconds_count 1\.0$", text, re.M)
            assert 'kompe_scoring_latency_seconds_bucket{le="+Inf"} 1.0' in text
        assert scrape(port, token=None)[0] == 401
        folder = Path(tempfile.gettempdir(), f"kompe-metrics-{web.pid}")
        assert len(list(folder.glob("*.db"))) >= 3  # a file of each worker
    finally:
        stop(web)
    assert not folder.exists()  # removed at exit
