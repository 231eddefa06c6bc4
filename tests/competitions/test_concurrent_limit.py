"""The daily limit holds when one participant uploads many files at once."""

import threading

from django.db import connection

from competitions import services
from competitions.models import Submission
from tests.conftest import perfect_csv, upload

UPLOADS = 20


def test_with_k_left_and_20_concurrent_uploads_exactly_k_are_accepted(
        transactional_db, make_competition, alice, scoring_messages):
    competition = make_competition(daily_submission_limit=5)
    services.join_competition(competition=competition, user=alice)
    start = threading.Barrier(UPLOADS)
    outcomes: list[str] = []

    def upload_one() -> None:
        try:
            start.wait()
            services.submission_create(competition=competition, user=alice,
                                       file=upload(perfect_csv()))
            outcomes.append("accepted")
        except services.SubmissionRefused as refusal:
            outcomes.append(f"{refusal.code}: {refusal}")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=upload_one) for _ in range(UPLOADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("accepted") == 5
    assert outcomes.count("daily_limit: You have used all 5 submissions for today. The count "
                          "resets at 09:00 JST.") == UPLOADS - 5
    assert Submission.objects.count() == 5
    assert sorted(scoring_messages) == sorted(Submission.objects.values_list("pk", flat=True))
