"""Bad and hostile zips get a clear refusal and nothing else: no competition, no build
left running, no file kept.

Most are refused on the form itself, before anything is stored (the zip's directory is
read at once); what needs every image decoded fails the build in the background, with
the same words on the build page.
"""

import io
import stat
import zipfile

import pytest
from django.urls import reverse

from competitions.models import Competition, CompetitionBuild, DataFile, GalleryImage
from tests.imagezips import (
    folder_entries,
    image_bytes,
    make_zip,
    png_header_only,
    stored_files,
    zip_upload,
)


def with_extra(name: str, data: bytes) -> bytes:
    return make_zip({**folder_entries(per_class=6), name: data})


def symlink_zip() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, data in folder_entries(per_class=6).items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("dangomushi/passwd.png")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return output.getvalue()


def labels_csv_zip(rows: str) -> bytes:
    images = {f"photos/{n}.png": image_bytes(n) for n in range(12)}
    return make_zip({**images, "labels.csv": rows.encode()})


ALL_LISTED = "".join(f"photos/{n}.png,{'a' if n % 2 else 'b'}\n" for n in range(12))

REFUSED_ON_THE_FORM = {
    "not a zip": (b"GIF89a" + b"\x00" * 200,
                  "The file is not a zip archive."),
    "parent path": (with_extra("../../etc/cron.d/x.png", image_bytes(90)),
                    "../../etc/cron.d/x.png: paths that leave the folder (absolute, or with ..) "
                    "are not allowed."),
    "absolute path": (with_extra("/tmp/x.png", image_bytes(90)),
                      "/tmp/x.png: paths that leave the folder"),
    "symbolic link": (symlink_zip(),
                      "dangomushi/passwd.png is a symbolic link; links are not allowed."),
    "zip bomb": (with_extra("dangomushi/bomb.bmp", bytes(60 * 1024 * 1024)),
                 "dangomushi/bomb.bmp is compressed"),
    "not an image": (with_extra("dangomushi/virus.exe", b"MZ" + b"\x00" * 100),
                     "dangomushi/virus.exe is not a JPEG, PNG, WebP, GIF, BMP or HEIC image."),
    "single class": (make_zip(folder_entries(["dangomushi"], 10)),
                     "Only one class was found (“dangomushi”)"),
    "label too long": (make_zip(folder_entries(["x" * 51, "y"], 6)),
                       "is 51 characters long; the limit is 50."),
    "empty label": (labels_csv_zip("file,label\nphotos/0.png, \n" + ALL_LISTED[15:]),
                    "labels.csv:2: the label is empty."),
    "labels.csv names missing files": (
        labels_csv_zip("file,label\n" + ALL_LISTED + "photos/99.png,a\nphotos/98.png,b\n"),
        "labels.csv names 2 files that are not in the zip, such as photos/99.png, "
        "photos/98.png."),
}


def post_zip(client, data: bytes, slug: str = "bugs"):
    return client.post(reverse("build_new"), {
        "title": "Bugs", "slug": slug, "visibility": "public", "test_percent": 20,
        "public_percent": 30, "zip_file": zip_upload(data)})


def assert_nothing_left(before: set[str]) -> None:
    assert not Competition.objects.exists()
    assert not DataFile.objects.exists() and not GalleryImage.objects.exists()
    assert not CompetitionBuild.objects.filter(status__in=CompetitionBuild.ACTIVE).exists()
    assert stored_files() == before


@pytest.mark.parametrize("case", REFUSED_ON_THE_FORM)
def test_hostile_zip_is_refused_on_the_form_and_nothing_is_stored(client, alice, case):
    data, message = REFUSED_ON_THE_FORM[case]
    client.force_login(alice)
    before = stored_files()
    response = post_zip(client, data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not CompetitionBuild.objects.exists()
    assert_nothing_left(before)


def test_too_many_files_are_refused_with_the_configured_limit(client, alice, settings):
    settings.COMMUNITY_MAX_FILES = 10
    client.force_login(alice)
    response = post_zip(client, make_zip(folder_entries(per_class=6)))
    assert "The zip holds 12 files; the limit is 10." in response.content.decode()
    assert not CompetitionBuild.objects.exists()


def test_a_zip_over_the_size_limit_is_refused(client, alice, settings):
    settings.COMMUNITY_MAX_ZIP_BYTES = 2000
    client.force_login(alice)
    response = post_zip(client, make_zip(folder_entries(per_class=6)))
    assert response.status_code == 400
    assert "; the limit is 2.0\xa0KB." in response.content.decode()
    assert not CompetitionBuild.objects.exists()


def test_an_upload_declared_over_the_limit_gets_a_413_page_and_nothing_is_kept(alice,
                                                                               settings):
    """With CSRF checked as in production: the middleware has read the body by the time
    the view refuses (which is why the README puts the limit in the reverse proxy); the
    view still keeps nothing and says why."""
    from django.test import Client

    settings.COMMUNITY_MAX_ZIP_BYTES = 1000
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(reverse("build_new"))
    before = stored_files()
    response = client.post(reverse("build_new"), {
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value, "title": "Bugs",
        "slug": "bugs", "visibility": "public", "test_percent": 20, "public_percent": 30,
        "zip_file": zip_upload(b"x" * (2 * 1024 * 1024))})
    assert response.status_code == 413
    assert "the limit is 1000\xa0bytes." in response.content.decode()
    assert response.wsgi_request._files  # the upload was parsed before the view ran
    assert not CompetitionBuild.objects.exists()
    assert stored_files() == before


@pytest.mark.parametrize("length", ["many", "", "1e9"])
def test_a_garbage_content_length_is_no_server_error(client, alice, length):
    client.force_login(alice)
    response = client.post(reverse("build_new"), data=b"x" * 10,
                           content_type="multipart/form-data; boundary=x",
                           CONTENT_LENGTH=length)
    assert response.status_code == 200
    assert not CompetitionBuild.objects.exists()


REFUSED_BY_THE_BUILD = {
    "decompression bomb": (
        with_extra("dangomushi/huge.png", png_header_only(50_000, 50_000)),
        "dangomushi/huge.png has more than 40,000,000 pixels; make it smaller."),
    "image that does not decode": (
        with_extra("dangomushi/cut.jpg", image_bytes(91, "JPEG", size=(64, 64))[:300]),
        "dangomushi/cut.jpg cannot be decoded as an image."),
    "text named .jpg": (with_extra("dangomushi/fake.jpg", b"just some text, not a picture"),
                        "dangomushi/fake.jpg is not a JPEG, PNG, WebP, GIF, BMP or HEIC image."),
    "class too small": (make_zip({**folder_entries(["dangomushi"], 6),
                                  **folder_entries(["warajimushi", "kabuto"], 3, start=50)}),
                        "Each class needs at least 5 different images; too few in "
                        "“kabuto” (3), “warajimushi” (3)."),
    "too small once duplicates go": (
        make_zip({**folder_entries(["a"], 6),
                  **{f"b/{n}.png": image_bytes(77) for n in range(6)}}),
        "too few in “b” (1)"),
}


@pytest.mark.parametrize("case", REFUSED_BY_THE_BUILD)
def test_a_zip_whose_images_fail_fails_its_build_with_the_reason_and_leaves_nothing(
        client, alice, case, django_capture_on_commit_callbacks):
    from competitions.builder.service import build_run

    data, message = REFUSED_BY_THE_BUILD[case]
    client.force_login(alice)
    before = stored_files()
    with django_capture_on_commit_callbacks(execute=False):
        response = post_zip(client, data)
    assert response.status_code == 302
    build = CompetitionBuild.objects.get()
    assert build_run(build_id=build.pk) == "failed"
    page = client.get(response.url).content.decode()
    assert 'data-status="failed"' in page
    assert message in page
    assert_nothing_left(before)


def test_one_build_at_a_time_per_person(client, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False):
        assert post_zip(client, make_zip(folder_entries(per_class=6))).status_code == 302
        response = post_zip(client, make_zip(folder_entries(per_class=6)), slug="other")
    assert "You already have a competition being built" in response.content.decode()
    assert CompetitionBuild.objects.count() == 1


def test_an_address_already_taken_is_refused(client, alice, competition):
    client.force_login(alice)
    response = post_zip(client, make_zip(folder_entries(per_class=6)), slug=competition.slug)
    assert "This address is already taken; choose another." in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("build_new"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_refusal_speaks_the_readers_language(client, alice):
    client.force_login(alice)
    response = client.post(reverse("build_new"), {
        "title": "Bugs", "slug": "bugs", "visibility": "public", "test_percent": 20,
        "public_percent": 30, "zip_file": zip_upload(make_zip(folder_entries(["ダンゴムシ"], 8)))},
        HTTP_ACCEPT_LANGUAGE="ja")
    assert "クラスが 1 つしかありません（「ダンゴムシ」）。" in response.content.decode()


def test_a_failed_builds_reason_is_shown_in_the_readers_language(
        client, alice, django_capture_on_commit_callbacks):
    from competitions.builder.service import build_run

    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False):
        post_zip(client, REFUSED_BY_THE_BUILD["class too small"][0])
    build = CompetitionBuild.objects.get()
    build_run(build_id=build.pk)
    page = client.get(reverse("build_status", args=[build.pk]),
                      HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "各クラスに異なる画像が 5 枚以上必要です。" in page


def test_a_taken_address_and_a_bad_zip_are_both_told_at_once_and_the_texts_kept(
        client, alice, competition):
    client.force_login(alice)
    data, message = REFUSED_ON_THE_FORM["single class"]
    response = client.post(reverse("build_new"), {
        "title": "ダンゴムシ 2026", "slug": competition.slug, "visibility": "public",
        "test_percent": 20, "public_percent": 30, "zip_file": zip_upload(data)})
    page = response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert response.status_code == 400
    assert "This address is already taken; choose another." in page
    assert message in page
    assert 'value="ダンゴムシ 2026"' in page
    assert not CompetitionBuild.objects.exists()
