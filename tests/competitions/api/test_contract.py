"""An outside fuzzer accepts the API's contract: `schemathesis run` with all its checks,
as a participant with a token, against the live test server."""

import os
import re
import subprocess
import sys

import pytest
from rest_framework.authtoken.models import Token

from tests.conftest import perfect_csv, scored_upload

# 2 cores shared: a few examples per operation keep the run to a couple of minutes, and
# the subprocess is stopped past RUN_SECONDS whatever happens.
EXAMPLES_PER_OPERATION = int(os.environ.get("KOMPE_CONTRACT_EXAMPLES", "20"))
RUN_SECONDS = 420
# Every check is on by default (`--checks all` on the command line would also override this
# file), everywhere but one on the two uploads: a multipart field is text on the wire,
# so schemathesis's "boolean" description is the string "false", which is a fine description;
# its type mutations of multipart fields are not skipped as they are for query, path, header
# and form-urlencoded values (4.32.5). What an upload must refuse is tested in test_errors.py.
CONFIG = """
[[operations]]
include-operation-id-regex = "^competitions_(submissions|validate)_create$"
checks.negative_data_rejection.enabled = false
"""
# (One filter: two include keys in one [[operations]] would match either, not both.)


@pytest.mark.contract
def test_schemathesis_finds_no_failure_as_a_participant(live_server, competition, alice,
                                                        alice_joined, monkeypatch, tmp_path):
    from rest_framework.throttling import ScopedRateThrottle

    from competitions import queueing
    from competitions.tasks import score_submission_task

    # The fuzzer sends hundreds of requests a minute: the rate limits are tested elsewhere.
    for scope in ("read", "submit", "validate", "discussion", "invite"):
        monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, "100000/min")
    # Uploads are scored in the server's own thread: nothing leaves the test database and
    # nothing reaches the broker (queueing.publish is its one boundary).
    monkeypatch.setattr(queueing, "publish", lambda pk: score_submission_task.apply(args=[pk]))
    # Room to submit, and insight at the full level, so that those answers are checked too.
    competition.daily_submission_limit = 1000
    competition.feedback_while_open = "full"
    competition.save(update_fields=["daily_submission_limit", "feedback_while_open"])
    scored_upload(competition, alice, perfect_csv())
    token = Token.objects.create(user=alice)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
               f"{live_server.url}/api/v1/schema/?format=json",
               "--max-examples", str(EXAMPLES_PER_OPERATION),
               "--workers", "1", "--header", f"Authorization: Token {token.key}",
               "--generation-database", "none", "--no-color",
               "--report-dir", str(tmp_path)]
    if seed := os.environ.get("KOMPE_CONTRACT_SEED"):
        command += ["--seed", seed]
    run = subprocess.run(command, capture_output=True, text=True, timeout=RUN_SECONDS,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
    # It ran, and on every operation of the schema (the seed is printed above on failure).
    selected, total = map(int, re.search(r"Selected: (\d+)/(\d+)", run.stdout).groups())
    tested = int(re.search(r"Tested: (\d+)", run.stdout).group(1))
    assert tested == selected == total >= 17, run.stdout[-5_000:]
