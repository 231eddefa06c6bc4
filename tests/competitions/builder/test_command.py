"""Organizers build a competition from a folder (or zip) on the command line."""

import pytest
from django.core.management import CommandError, call_command

from competitions.models import Competition
from tests.imagezips import JAPANESE_CLASSES, folder_entries, folder_zip, stored_files


def write_folder(root, entries):
    for name, data in entries.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def test_a_folder_of_class_folders_becomes_an_organizer_run_competition(db, tmp_path, capsys):
    folder = write_folder(tmp_path / "自由研究", folder_entries(JAPANESE_CLASSES, 10, "JPEG"))
    call_command("create_competition_from_images", str(folder), "--slug", "bugs",
                 "--title", "虫の分類", "--seed", "1")
    competition = Competition.objects.get(slug="bugs")
    assert competition.host is None and competition.is_published
    assert competition.labels == sorted(JAPANESE_CLASSES)
    assert competition.data_files.count() == 5 and competition.gallery_images.count() == 18
    # Two test images per class: one on each board, whatever the public share.
    assert (competition.solution_public_rows, competition.solution_private_rows) == (3, 3)
    assert "Built bugs: 3 classes" in capsys.readouterr().out


def test_a_zip_works_too_and_a_draft_stays_unpublished(db, tmp_path):
    path = tmp_path / "images.zip"
    path.write_bytes(folder_zip())
    call_command("create_competition_from_images", str(path), "--slug", "draft",
                 "--title", "Draft", "--draft", "--visibility", "invite")
    competition = Competition.objects.get(slug="draft")
    assert not competition.is_published and len(competition.invite_code) == 12


def test_a_refusal_is_the_commands_error_and_nothing_is_kept(db, tmp_path):
    folder = write_folder(tmp_path / "one", folder_entries(["dangomushi"], 8))
    before = stored_files()
    with pytest.raises(CommandError, match="Only one class was found"):
        call_command("create_competition_from_images", str(folder), "--slug", "x",
                     "--title", "X")
    assert not Competition.objects.exists() and stored_files() == before


def test_a_symbolic_link_in_the_folder_is_refused(db, tmp_path):
    folder = write_folder(tmp_path / "linked", folder_entries(per_class=6))
    (folder / "dangomushi" / "passwd.png").symlink_to("/etc/passwd")
    with pytest.raises(CommandError, match="is a symbolic link"):
        call_command("create_competition_from_images", str(folder), "--slug", "x",
                     "--title", "X")


def test_a_taken_slug_is_refused(competition, tmp_path):
    path = tmp_path / "images.zip"
    path.write_bytes(folder_zip())
    with pytest.raises(CommandError, match="is already taken"):
        call_command("create_competition_from_images", str(path), "--slug", competition.slug,
                     "--title", "X")


@pytest.mark.parametrize("option, value, message", [
    ("--title", "t" * 201, "--title: at most 200 characters (201 given)."),
    ("--slug", "s" * 51, "--slug: at most 50 characters (51 given)."),
    ("--description", "d" * 301, "--description: at most 300 characters (301 given)."),
])
def test_texts_longer_than_the_competitions_fields_are_a_clear_error(db, tmp_path, option,
                                                                     value, message):
    path = tmp_path / "images.zip"
    path.write_bytes(folder_zip())
    arguments = {"--slug": "x", "--title": "X", option: value}
    with pytest.raises(CommandError) as raised:
        call_command("create_competition_from_images", str(path),
                     *[part for pair in arguments.items() for part in pair])
    assert str(raised.value) == message
    assert not Competition.objects.exists()


def test_a_fixed_side_makes_every_image_one_square(db, tmp_path):
    import io
    import zipfile

    from PIL import Image

    path = tmp_path / "images.zip"
    path.write_bytes(folder_zip())
    call_command("create_competition_from_images", str(path), "--slug", "sq", "--title", "Sq",
                 "--fixed-side", "20")
    competition = Competition.objects.get(slug="sq")
    with competition.data_files.get(name="test.zip").file.open("rb") as handle:
        archive = zipfile.ZipFile(handle)
        assert {Image.open(io.BytesIO(archive.read(name))).size
                for name in archive.namelist()} == {(20, 20)}


def test_a_maximum_side_and_a_fixed_side_together_are_refused(db, tmp_path):
    path = tmp_path / "images.zip"
    path.write_bytes(folder_zip())
    with pytest.raises(CommandError, match="not both"):
        call_command("create_competition_from_images", str(path), "--slug", "x", "--title",
                     "X", "--max-side", "64", "--fixed-side", "32")
