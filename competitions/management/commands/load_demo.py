"""Load the demo competition Hiragana-20 and, with --users, two demo accounts.

Run at every `make demo`, so it only creates what is missing: an organizer who edited
Hiragana-20 in the admin (title, texts, labels, metric, limits, dates, data files) keeps
those edits across restarts. `--reset` restores the shipped demo on purpose.
"""

import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from competitions import policy
from competitions.gallery import gallery_build
from competitions.models import Competition, DataFile
from competitions.services import delete_file_after_commit, solution_set

DEMO_DIR = settings.BASE_DIR / "demo" / "hiragana-20"
DATA_FILES = [
    ("train.zip", "8,000 training images, 32×32 PNG / 学習用画像"),
    ("train.csv", "id,label of the training images / 学習用画像のラベル"),
    ("test.zip", "2,000 test images with opaque names / テスト画像"),
    ("labels.csv", "the 20 classes in order / クラス一覧"),
    ("sample_submission.csv", "a valid submission to start from / 投稿ファイルの例"),
]
# Well-known passwords, so only ever created when DEBUG is on (the demo).
DEMO_USERS = [
    ("organizer", "kompe-organizer-demo", True),
    ("participant", "kompe-participant-demo", False),
]
OVERVIEW = """
ひらがな 20 文字（あ お め ぬ ね れ わ る ろ は ほ け さ ち き い り こ た な）の
画像を分類してください。
よく似た形の文字が集められています。テスト画像は学習画像にない書体で描かれているので、汎化が必要です。

Classify 32×32 images of 20 look-alike hiragana. The test images are drawn in fonts that
the training images never use, so the model has to generalise beyond the fonts it saw.
"""
EVALUATION = """
正解率 (accuracy) で評価します。テスト画像の 30% が Public リーダーボード、残り 70% が
Private リーダーボードに使われます。

Scored by accuracy: 30% of the test images decide the public leaderboard, the other 70% the
private one, revealed at the end.
"""
RULES = """
- 1 日の投稿数には上限があります。/ Daily submissions are limited.
- 外部データは使わないでください。/ No external data.
"""


class Command(BaseCommand):
    help = ("Load the demo competition Hiragana-20: create what is missing, keep what the "
            "organizer changed (--reset restores the shipped demo).")

    def add_arguments(self, parser):
        parser.add_argument("--users", action="store_true",
                            help="also create the demo organizer and participant (DEBUG only)")
        parser.add_argument("--source", type=Path, default=DEMO_DIR)
        parser.add_argument("--reset", action="store_true",
                            help="restore the shipped demo: settings, texts, dates and data "
                                 "files (the organizer's edits are lost)")

    def handle(self, *args, users: bool, source: Path, reset: bool = False, **options):
        if not (source / "competition.json").exists():
            raise CommandError(f"No demo data at {source}: run demo/build_hiragana20.py.")
        competition, created = self.load_competition(source, reset=reset)
        verb = "Loaded" if created or reset else "Kept (use --reset to restore the demo)"
        self.stdout.write(f"{verb} {competition.title}: {competition.data_files.count()} files, "
                          f"{competition.gallery_images.count()} gallery images.")
        if users:
            if not settings.DEBUG:
                raise CommandError("Demo accounts have well-known passwords: DEBUG only.")
            self.create_users(competition)

    @transaction.atomic
    def load_competition(self, source: Path, *, reset: bool) -> tuple[Competition, bool]:
        meta = json.loads((source / "competition.json").read_text(encoding="utf-8"))
        now = timezone.now()
        defaults = {
            "title": meta["title"],
            "short_description": "20 look-alike hiragana, test fonts unseen in training. "
                                 "よく似たひらがな 20 文字の分類",
            "overview": OVERVIEW.strip(), "evaluation": EVALUATION.strip(),
            "rules": RULES.strip(), "labels": meta["labels"], "metric": "accuracy",
            "start_at": now - timedelta(days=1), "end_at": now + timedelta(days=56),
            "daily_submission_limit": 20, "is_published": True,
        }
        if reset:
            competition, created = Competition.objects.update_or_create(
                slug=meta["slug"], defaults=defaults)
            for old in competition.data_files.all():
                delete_file_after_commit(old.file.storage, old.file.name)
                old.delete()
        else:
            competition, created = Competition.objects.get_or_create(
                slug=meta["slug"], defaults=defaults)
        # Files the organizer replaced or renamed stay; only names missing are added.
        present = set(competition.data_files.values_list("name", flat=True))
        for order, (name, description) in enumerate(DATA_FILES):
            if name in present:
                continue
            with (source / name).open("rb") as handle:
                data_file = DataFile(competition=competition, name=name, order=order,
                                     description=description)
                data_file.file.save(name, File(handle), save=False)
                data_file.save()
        if reset or not competition.has_solution:
            solution_set(competition=competition,
                         content=(source / "solution.csv").read_bytes())
        if reset or not competition.gallery_images.exists():
            gallery_build(competition=competition)
        return competition, created

    def create_users(self, competition: Competition) -> None:
        User = get_user_model()
        for username, password, is_organizer in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.save()
            if is_organizer:
                policy.make_superuser(user)
                policy.make_organizer(user, competition)
            role = "organizer (admin)" if is_organizer else "participant"
            self.stdout.write(f"  {role:18} username: {username:12} password: {password}")
