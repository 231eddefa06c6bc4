"""The compose variant for several worker hosts (docker-compose.s3.yml): files in an
S3-compatible bucket, no folder shared between containers, three scoring workers. A burst
of uploads is scored, every submission exactly once, by all three.

Slow (a few minutes): marker `deploy`, run by `make test-deploy` and by CI."""

import json
from collections import Counter

import pytest

from tests.conftest import skip_or_fail

from .stack import Stack, docker_ready, prepare_images, run, upload_burst, wait_until

pytestmark = pytest.mark.deploy

SLUG = "hiragana-20"
WORKERS = 3
BURST = 30
SCORE_SECONDS = 400


@pytest.fixture(scope="module")
def stack():
    problem = docker_ready()
    if problem:
        skip_or_fail(problem)
    prepare_images()
    stack = Stack(files=("docker-compose.yml", "docker-compose.s3.yml"),
                  extra_env={"KOMPE_WORKER_CONCURRENCY": "1"})
    try:
        stack.build()
        seconds = stack.up("--scale", f"worker={WORKERS}")
        print(f"\nObject-storage stack with {WORKERS} workers started in {seconds:.0f}s")
        stack.manage("load_demo")
        yield stack
    finally:
        stack.down(volumes=True)


def finished_submissions(stack) -> list[dict]:
    return json.loads(stack.shell(
        "import json; from competitions.models import Submission; print(json.dumps(list("
        "Submission.objects.values('pk', 'status', 'attempts', 'file'))))"))


def test_three_workers_sharing_no_folder_score_a_burst_exactly_once_each(stack):
    carol = stack.browser()
    carol.sign_up("carol", "a-long-deploy-test-password")
    carol.join(SLUG)
    stack.shell("from competitions.models import Competition; Competition.objects.filter("
                f"slug='{SLUG}').update(daily_submission_limit={BURST})")
    status, predictions = carol.get(f"/c/{SLUG}/data/sample_submission.csv")
    assert status == 200
    stack.wait_for_workers(WORKERS)
    upload_burst(carol, SLUG, predictions, BURST)

    wait_until(lambda: all(row["status"] == "scored" for row in finished_submissions(stack)),
               SCORE_SECONDS, "every submission scored", interval=3)
    rows = finished_submissions(stack)
    assert len(rows) == BURST
    assert all(row["attempts"] == 1 for row in rows), rows

    # Each scored once, and by the three workers between them (from their JSON logs).
    scored_by = Counter()
    for line in stack.logs("worker").splitlines():
        prefix, _, text = line.partition("|")
        if not text.strip().startswith("{"):
            continue
        record = json.loads(text)
        if record["logger"] == "celery.app.trace" and "succeeded" in record["message"] \
                and record["submission_id"] is not None:
            scored_by[(prefix.strip(), record["submission_id"])] += 1
    assert sorted(pk for _, pk in scored_by) == sorted(row["pk"] for row in rows)
    assert len({worker for worker, _ in scored_by}) == WORKERS, scored_by

    # The files are in the bucket, and no container has a folder of another's.
    present = json.loads(stack.shell(
        "import json; from competitions.storage import private_storage; "
        f"print(json.dumps([private_storage().exists(n) for n in {[r['file'] for r in rows]}]))"))
    assert present == [True] * BURST
    for container in stack.compose("ps", "-q").stdout.split():
        mounts = run("docker", "inspect", "--format",
                     "{{range .Mounts}}{{.Name}} {{end}}", container).stdout.split()
        assert not [name for name in mounts if name.endswith("_files")], mounts
