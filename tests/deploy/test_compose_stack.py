"""The repository's Dockerfile and docker-compose.yml, built and run for real: a person
signs up, joins, uploads through the web container and reads the score on the
leaderboard; the data survive `down` and `up`; `docker stop` of the web container while
uploads are under way fails none of them; /healthz and /metrics answer; the logs are JSON.

Slow (a few minutes): marker `deploy`, run by `make test-deploy` and by CI."""

import csv
import http.client
import json
import re
import threading
import time

import pytest

from tests.conftest import skip_or_fail

from .stack import REPO, Stack, docker_ready, prepare_images, run, wait_until

pytestmark = pytest.mark.deploy

DEMO = REPO / "demo" / "hiragana-20"
SLUG = "hiragana-20"
SCORE_SECONDS = 300
# Uploads under way when the web container is stopped.
UPLOADS = 3
# gunicorn's workers (gunicorn.conf.py reads WEB_CONCURRENCY): one for each upload and a
# spare for the container's /healthz probe, which holds a worker for up to the broker
# ping's timeout. Without the spare an upload can wait in the listen backlog instead, and
# gunicorn drops what waits there when it stops (bench/gunicorn_stop_backlog.py).
WEB_WORKERS = UPLOADS + 1


def expected_public_accuracy(predictions: bytes) -> str:
    """What the leaderboard must show for these predictions, from the demo's solution."""
    solution = {row["id"]: row for row in csv.DictReader(
        (DEMO / "solution.csv").read_text().splitlines())}
    rows = [row for row in csv.DictReader(predictions.decode().splitlines())
            if solution[row["id"]]["usage"] == "Public"]
    right = sum(solution[row["id"]]["label"] == row["label"] for row in rows)
    return f"{right / len(rows):.5f}"


@pytest.fixture(scope="module")
def stack():
    problem = docker_ready()
    if problem:
        skip_or_fail(problem)
    timings = prepare_images()
    stack = Stack(extra_env={"WEB_CONCURRENCY": str(WEB_WORKERS)})
    try:
        timings["image build (docker-compose build)"] = stack.build()
        timings["stack start (up -d until /healthz answers 200)"] = stack.up()
        stack.manage("load_demo")
        print("\nDeploy timings:", {name: f"{seconds:.0f}s" for name, seconds in
                                    timings.items()})
        yield stack
    finally:
        stack.down(volumes=True)


def test_a_participant_uploads_through_the_web_container_and_the_data_survive_down_and_up(
        stack):
    alice = stack.browser()
    alice.sign_up("alice", "a-long-deploy-test-password")
    alice.join(SLUG)
    status, predictions = alice.get(f"/c/{SLUG}/data/sample_submission.csv")
    assert status == 200 and predictions.startswith(b"id,label")
    alice.upload(SLUG, "predictions.csv", predictions)

    expected = expected_public_accuracy(predictions)
    score = wait_until(lambda: alice.leaderboard_score(SLUG, "alice"), SCORE_SECONDS,
                       "the score on the leaderboard")
    assert score == expected
    status, page = alice.get(f"/c/{SLUG}/submissions/")
    file_url = re.search(r'href="(/submissions/\d+/file)"', page.decode()).group(1)

    stack.down()
    seconds = stack.up()
    print(f"\nStack start after down (volumes kept): {seconds:.0f}s")

    # The same session (in PostgreSQL), the same score, the same file (on the volume).
    assert alice.leaderboard_score(SLUG, "alice") == expected
    status, stored = alice.get(file_url)
    assert status == 200 and stored == predictions


def slow_upload(stack, browser, content: bytes, started: threading.Event, go_on: threading.Event,
                results: list) -> None:
    """An upload whose body is sent in two halves, the second after `go_on`."""
    from .stack import multipart

    body, content_type = multipart({"csrfmiddlewaretoken": browser.csrf(),
                                    "description": "during docker stop"},
                                   {"file": ("predictions.csv", content)})
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in browser.cookies)
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=60)
    try:
        connection.putrequest("POST", f"/c/{SLUG}/submit/")
        for name, value in (("Content-Type", content_type), ("Content-Length", len(body)),
                            ("Cookie", cookies), ("Referer", f"{stack.url}/c/{SLUG}/submit/")):
            connection.putheader(name, str(value))
        connection.endheaders()
        connection.send(body[: len(body) // 2])
        started.set()
        go_on.wait(30)
        connection.send(body[len(body) // 2:])
        response = connection.getresponse()
        results.append((response.status, response.getheader("Location")))
    except Exception as problem:  # noqa: BLE001  (the failure is the test's finding)
        results.append(("failed", repr(problem)))
    finally:
        connection.close()


def test_docker_stop_of_the_web_container_during_uploads_fails_no_request(stack):
    bob = stack.browser()
    bob.sign_up("bob", "a-long-deploy-test-password")
    bob.join(SLUG)
    status, predictions = bob.get(f"/c/{SLUG}/data/sample_submission.csv")
    bob.get(f"/c/{SLUG}/submit/")
    container = stack.compose("ps", "-q", "web").stdout.strip()
    # The image runs gunicorn.conf.py, which took its workers from WEB_CONCURRENCY.
    processes = stack.compose("top", "web").stdout
    assert sum("config.wsgi" in line for line in processes.splitlines()) == WEB_WORKERS + 1, (
        processes)  # the master and its workers

    # UPLOADS uploads under way, each half sent and held by a worker of its own.
    results, go_on = [], threading.Event()
    uploads = []
    for _ in range(UPLOADS):
        started = threading.Event()
        upload = threading.Thread(target=slow_upload, args=(
            stack, bob, predictions, started, go_on, results))
        upload.start()
        assert started.wait(30)
        uploads.append(upload)
    time.sleep(1)  # every request is read by a worker, waiting for the rest of its body
    stopping = threading.Thread(target=stack.compose, args=("stop", "web"),
                                kwargs={"timeout": 120})
    stopped_at = time.monotonic()
    stopping.start()
    time.sleep(3)  # SIGTERM has reached gunicorn: it drains instead of dying
    go_on.set()
    for upload in uploads:
        upload.join(60)
    stopping.join(120)
    stop_seconds = time.monotonic() - stopped_at

    assert results == [(302, f"/c/{SLUG}/submissions/")] * UPLOADS, results
    # Drained, not killed after the grace period.
    assert stop_seconds < 25, stop_seconds
    exit_code = run("docker", "inspect", "--format", "{{.State.ExitCode}}", container)
    assert exit_code.stdout.strip() == "0"

    stack.up()
    page = wait_until(lambda: (lambda page: page if page.count('class="score"') >= UPLOADS
                               and "Queued" not in page else None)(
        bob.get(f"/c/{SLUG}/submissions/")[1].decode()), SCORE_SECONDS, "three scores")
    assert page.count(expected_public_accuracy(predictions)) >= UPLOADS


def test_healthz_and_metrics_answer_and_the_logs_follow_an_upload_to_its_score(stack):
    dave = stack.browser()
    dave.sign_up("dave", "a-long-deploy-test-password")
    dave.join(SLUG)
    predictions = dave.get(f"/c/{SLUG}/data/sample_submission.csv")[1]
    dave.upload(SLUG, "predictions.csv", predictions)
    wait_until(lambda: dave.leaderboard_score(SLUG, "dave"), SCORE_SECONDS, "dave's score")

    status, body = dave.get("/healthz?format=json")
    assert status == 200, body
    checks = json.loads(body)
    assert len(checks) >= 4 and all(value == "OK" for value in checks.values()), checks

    assert dave.get("/metrics")[0] == 401  # Prometheus' token only, not a visitor's
    status, body = dave.get("/metrics", {
        "Authorization": f"Bearer {stack.env['METRICS_TOKEN']}"})
    assert status == 200
    metrics = body.decode()
    assert 'kompe_scoring_latency_seconds_bucket{le="+Inf"}' in metrics
    finished = re.search(r"^kompe_scoring_latency_seconds_count (\S+)$", metrics, re.M)
    assert finished and float(finished.group(1)) >= 1, metrics[-2000:]

    # Every line of the worker is a JSON object with the ids; the scoring's lines name the
    # submission and the request that uploaded it.
    lines = [line.split("|", 1)[1].strip() for line in stack.logs("worker").splitlines()
             if "|" in line and line.split("|", 1)[1].strip()]
    records = [json.loads(line) for line in lines]
    assert records and all({"time", "level", "logger", "message", "request_id",
                            "submission_id"} <= set(record) for record in records)
    scoring = [record for record in records if record["submission_id"] is not None]
    assert scoring and all(record["request_id"] for record in scoring), records[-5:]
    assert any("succeeded" in record["message"] for record in scoring)
