"""Backup and restore bring a competition back whole: `manage.py backup` of the test
database and files folder, then `manage.py restore` into a new empty database and an empty
files folder in another process, which scores every submission again from its restored
file, scores a new upload, and shows the same boards (tests/deploy/backup_probe.py)."""

import hashlib
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from competitions.services import join_competition
from competitions.submission_scoring import _score
from tests.conftest import (
    TEST_IDS,
    TRUE_LABELS,
    database_url,
    scored_upload,
    skip_or_fail,
    submission_csv,
)


def boards(competition) -> dict:
    from competitions.selectors import private_ranking, public_leaderboard

    return {board: [[row.rank, row.team_name, row.score, row.entries,
                     row.best_at.isoformat(), row.submission_id] for row in rows]
            for board, rows in (("public", public_leaderboard(competition)),
                                ("private", private_ranking(competition)))}


def files_digest(competition) -> dict:
    digests = {}
    for data_file in competition.data_files.order_by("name"):
        with data_file.file.open("rb") as handle:
            digests[data_file.name] = hashlib.sha256(handle.read()).hexdigest()
    for submission in competition.submissions.order_by("pk"):
        with submission.file.open("rb") as handle:
            digests[f"submission {submission.pk}"] = hashlib.sha256(handle.read()).hexdigest()
    return digests


@pytest.fixture
def restore_database():
    """A new empty database of this test's own beside the test database, dropped after."""
    import psycopg

    if connection.vendor != "postgresql":
        skip_or_fail("backup and restore are tested on PostgreSQL")
    settings_dict = {**connection.settings_dict,
                     "NAME": f"{connection.settings_dict['NAME']}_restored"}
    server = {key: value for key, value in (
        ("host", settings_dict.get("HOST")), ("port", settings_dict.get("PORT")),
        ("user", settings_dict.get("USER")), ("password", settings_dict.get("PASSWORD")))
        if value}
    name = psycopg.sql.Identifier(settings_dict["NAME"])
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        admin.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(name))
    yield database_url(settings_dict)
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def test_a_restored_backup_scores_a_submission_identically_and_shows_the_same_boards(
        transactional_db, make_competition, alice, bob, tmp_path, restore_database):
    competition = make_competition(slug="backup-ばっくあっぷ")
    join_competition(competition=competition, user=alice)
    join_competition(competition=competition, user=bob)
    half_right = submission_csv(TRUE_LABELS[:5] + ["とり"] * 5)
    for user, content in ((alice, submission_csv(TRUE_LABELS)), (bob, half_right),
                          (alice, half_right), (bob, submission_csv(["ねこ"] * len(TEST_IDS)))):
        assert scored_upload(competition, user, content, name="予測.csv").status == "scored"
    before = {"boards": boards(competition), "files": files_digest(competition),
              "rescored": {str(s.pk): [s.public_score, s.private_score]
                           for s in competition.submissions.order_by("pk")}}
    assert len(before["boards"]["public"]) == 2 and len(before["files"]) == 5
    assert all(_score(s).public == s.public_score for s in competition.submissions.all())

    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"] == "database.dump"
    assert sum(len(entries) for entries in manifest["storages"].values()) >= 6  # + solution

    # Destroyed: the restored site sees a new empty database and empty files folders only.
    restored_files = tmp_path / "restored"
    environment = {**os.environ, "DATABASE_URL": restore_database,
                   "PRIVATE_ROOT": str(restored_files / "private"),
                   "MEDIA_ROOT": str(restored_files / "media")}

    def run(*arguments: str) -> str:
        done = subprocess.run([sys.executable, *arguments], env=environment,
                              cwd=settings.BASE_DIR, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    assert "database.dump" in run("manage.py", "restore", str(backup))
    again = tmp_path / "again.csv"
    again.write_bytes(half_right)
    after = json.loads(run("-m", "tests.deploy.backup_probe", competition.slug, str(again),
                           "bob").splitlines()[-1])

    assert after["boards"] == before["boards"]
    assert after["rescored"] == {key: value for key, value in before["rescored"].items()}
    new_status, new_public, new_private = after["new_upload"]
    assert (new_status, new_public, new_private) == (
        "scored", *before["rescored"][str(competition.submissions.order_by("pk")[1].pk)])
    assert {key: value for key, value in after["files"].items() if key in before["files"]} \
        == before["files"]
    with competition.solution_file.open("rb") as handle:
        assert after["solution_sha256"] == hashlib.sha256(handle.read()).hexdigest()


def test_a_restore_refuses_a_database_that_is_not_empty(transactional_db, make_competition,
                                                          tmp_path):
    from django.core.management.base import CommandError

    if connection.vendor != "postgresql":
        skip_or_fail("backup and restore are tested on PostgreSQL")
    make_competition()
    call_command("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "backup"))


def test_a_damaged_backup_is_refused_before_anything_is_written(transactional_db,
                                                                make_competition, tmp_path):
    from django.core.management.base import CommandError

    if connection.vendor != "postgresql":
        skip_or_fail("backup and restore are tested on PostgreSQL")
    make_competition()
    call_command("backup", str(tmp_path / "backup"))
    damaged = next(path for path in (tmp_path / "backup" / "files").rglob("*") if path.is_file())
    damaged.write_bytes(damaged.read_bytes() + b"x")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(tmp_path / "backup"))
