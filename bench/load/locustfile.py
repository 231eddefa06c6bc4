"""What a busy course does to the site, for bench/load/run.py (which starts the stack and
passes KOMPE_BENCH_SLUG, KOMPE_BENCH_TOKENS and KOMPE_BENCH_FILE)."""

import itertools
import os
import time
from pathlib import Path

from locust import HttpUser, between, task

SLUG = os.environ.get("KOMPE_BENCH_SLUG", "hiragana-20")
TOKENS = itertools.cycle(os.environ.get("KOMPE_BENCH_TOKENS", "").split(","))
SUBMISSION = Path(os.environ.get("KOMPE_BENCH_FILE", "demo/hiragana-20/sample_submission.csv"))
POLL_SECONDS = 0.25


class Participant(HttpUser):
    # A learner reads a page every one to three seconds and now and then uploads.
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {next(TOKENS)}"
        self.content = SUBMISSION.read_bytes()

    @task(4)
    def leaderboard_page(self):
        self.client.get(f"/c/{SLUG}/leaderboard/", name="page: leaderboard")

    @task(2)
    def competition_list_page(self):
        self.client.get("/", name="page: competitions")

    @task(2)
    def leaderboard_api(self):
        self.client.get(f"/api/v1/competitions/{SLUG}/leaderboard/", name="api: leaderboard")

    @task(2)
    def my_submissions_api(self):
        self.client.get(f"/api/v1/competitions/{SLUG}/submissions/",
                        name="api: my submissions")

    @task(1)
    def upload_and_wait(self):
        response = self.client.post(f"/api/v1/competitions/{SLUG}/submissions/",
                                    files={"file": ("submission.csv", self.content)},
                                    name="api: upload")
        if response.status_code != 201:
            return
        submission_id = response.json()["id"]
        for _ in range(40):
            status = self.client.get(f"/api/v1/submissions/{submission_id}/",
                                     name="api: submission (poll)").json().get("status")
            if status in ("scored", "failed"):
                return
            time.sleep(POLL_SECONDS)
