"""Run in a process of its own against a restored site (DATABASE_URL, PRIVATE_ROOT and
MEDIA_ROOT pointing at the restored copies): prints as JSON what test_backup_restore.py
compares with the original — the boards, every submission scored again from its stored
file, a new upload of a given file, and the stored files' bytes."""

import hashlib
import json
import os
import sys

import django


def main(slug: str, upload_path: str, username: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from competitions import queueing
    from competitions.models import Competition
    from competitions.services import submission_create
    from competitions.submission_scoring import _score
    from competitions.tasks import score_submission_task
    from tests.deploy.test_backup_restore import boards, files_digest

    queueing.publish = lambda submission_id: None  # scored below, in this process
    competition = Competition.objects.get(slug=slug)
    restored_boards = boards(competition)  # before the new upload adds an entry
    rescored = {}
    for submission in competition.submissions.filter(status="scored").order_by("pk"):
        scores = _score(submission)
        rescored[str(submission.pk)] = [scores.public, scores.private]
    with open(upload_path, "rb") as handle:
        content = handle.read()
    user = get_user_model().objects.get(username=username)
    submission = submission_create(competition=competition, user=user,
                                   file=SimpleUploadedFile("again.csv", content))
    score_submission_task.apply(args=[submission.pk])
    submission.refresh_from_db()
    print(json.dumps({
        "boards": restored_boards,
        "rescored": rescored,
        "new_upload": [submission.status, submission.public_score, submission.private_score],
        "files": files_digest(competition),
        "solution_sha256": hashlib.sha256(competition.solution_file.open("rb").read())
        .hexdigest() if competition.solution_file else None,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])
