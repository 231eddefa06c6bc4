"""A built dataset becomes a competition: files in private storage, then every row in one
transaction. The files are named before any is written, so that whoever calls this can
record the names first and a failure at any point can remove them all."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Competition, DataFile, GalleryImage
from ..models.competition import Visibility
from ..services import solution_set
from ..storage import data_file_path, gallery_path, private_storage, solution_path
from .build import Dataset
from .refusals import BuildRefused

DEFAULT_DAYS = 30
DESCRIPTIONS = {
    "train.zip": "training images / 学習用画像",
    "test.zip": "test images; their names tell nothing / テスト画像（名前は無作為）",
    "train.csv": "id,label of the training images / 学習用画像のラベル",
    "labels.csv": "the classes in order / クラス一覧",
    "sample_submission.csv": "a valid submission to start from / 投稿ファイルの例",
}
OVERVIEW = """{title}: {count} クラスの画像分類です（{labels}）。
学習画像 {train} 枚、テスト画像 {test} 枚。テスト画像の {public} 枚が Public リーダーボード、
残り {private} 枚が終了後に公開される Private リーダーボードに使われます。

Classify images into {count} classes ({labels}): {train} training images, {test} test
images. {public} test images decide the public leaderboard, the other {private} the
private one, revealed at the end.
"""
RULES = """- 1 日の投稿数には上限があります。/ Daily submissions are limited.
- テスト画像に手でラベルを付けないでください。/ Do not label the test images by hand.
"""


@dataclass(frozen=True)
class CompetitionDetails:
    slug: str
    title: str
    short_description: str = ""
    host: object = None  # a user for community competitions; None for organizer-run ones
    visibility: str = Visibility.PUBLIC
    is_published: bool = True
    start_at: datetime | None = None
    end_at: datetime | None = None


def storage_names(slug: str, dataset: Dataset) -> dict[str, str]:
    """Where each file will go: the data files, "solution", and "gallery/<n>"."""
    competition = Competition(slug=slug)
    names = {name: data_file_path(DataFile(competition=competition), name)
             for name in data_file_names(dataset)}
    names["solution"] = solution_path(competition, "solution.csv")
    for number in range(len(dataset.thumbnails)):
        names[f"gallery/{number}"] = gallery_path(GalleryImage(competition=competition), "")
    return names


def data_file_names(dataset: Dataset) -> list[str]:
    return [name for name in dataset.files if name != "solution.csv"]


def publish(*, dataset: Dataset, details: CompetitionDetails,
            record_names: Callable[[list[str]], None] = lambda names: None,
            on_created: Callable[[Competition], None] = lambda competition: None
            ) -> Competition:
    """Write the files, then create the competition with its data files, hidden solution
    and gallery. `record_names` gets every storage name before the first file is
    written; `on_created` runs inside the transaction that creates the rows. On any
    failure the files are deleted and the exception goes on (a taken slug becomes
    BuildRefused)."""
    if Competition.objects.filter(slug=details.slug).exists():
        raise BuildRefused("slug_taken", slug=details.slug)
    names = storage_names(details.slug, dataset)
    record_names(list(names.values()))
    storage = private_storage()
    try:
        _write_files(storage, dataset, names)
        with transaction.atomic():
            competition = _create_rows(dataset, details, names)
            on_created(competition)
    except IntegrityError:
        delete_files(names.values())
        raise BuildRefused("slug_taken", slug=details.slug) from None
    except BaseException:
        delete_files(names.values())
        raise
    return competition


def delete_files(names) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)


def _write_files(storage, dataset: Dataset, names: dict[str, str]) -> None:
    for name in data_file_names(dataset):
        with dataset.files[name].open("rb") as handle:
            _save_exactly(storage, names[name], handle)
    with dataset.files["solution.csv"].open("rb") as handle:
        _save_exactly(storage, names["solution"], handle)
    for number, (_, png) in enumerate(dataset.thumbnails):
        _save_exactly(storage, names[f"gallery/{number}"], ContentFile(png))


def _save_exactly(storage, name: str, content) -> None:
    saved = storage.save(name, content)
    if saved != name:  # never with uuid names; if it happened the file would be untracked
        storage.delete(saved)
        raise RuntimeError(f"storage renamed {name} to {saved}")


def _create_rows(dataset: Dataset, details: CompetitionDetails,
                 names: dict[str, str]) -> Competition:
    now = timezone.now()
    counts = dataset.report["classes"]
    train = sum(row["train"] for row in counts)
    public = sum(row["public"] for row in counts)
    private = sum(row["private"] for row in counts)
    competition = Competition(
        slug=details.slug, title=details.title, host=details.host,
        short_description=details.short_description or details.title,
        overview=OVERVIEW.format(title=details.title, count=len(dataset.labels),
                                 labels="、".join(dataset.labels), train=train,
                                 test=public + private, public=public, private=private),
        rules=RULES, labels=dataset.labels, metric="accuracy",
        start_at=details.start_at or now,
        end_at=details.end_at or now + timedelta(days=DEFAULT_DAYS),
        is_published=details.is_published,
        class_counts=[{"label": row["label"], "train": row["train"]} for row in counts])
    competition.set_visibility(details.visibility)
    competition.save()
    for order, name in enumerate(data_file_names(dataset)):
        data_file = DataFile(competition=competition, name=name, order=order,
                             description=DESCRIPTIONS.get(name, ""))
        data_file.file.name = names[name]
        data_file.save()
    solution_set(competition=competition, content=dataset.solution, name=names["solution"])
    GalleryImage.objects.bulk_create(
        GalleryImage(competition=competition, label=label, order=order,
                     image=names[f"gallery/{order}"])
        for order, (label, _) in enumerate(dataset.thumbnails))
    return competition
