"""Image sizes must not give the classes away: the host is warned, and a fixed size
removes the clue."""

import io
import zipfile

from django.urls import reverse
from PIL import Image

from tests.imagezips import image_bytes, make_zip


def sized_zip(per_class: int = 10) -> bytes:
    """Class a photographed at 64×48, class b cut at 50×50, as people's images are."""
    return make_zip({f"{label}/{n}.png": image_bytes(i * 50 + n, size=size)
                     for i, (label, size) in enumerate([("a", (64, 48)), ("b", (50, 50))])
                     for n in range(per_class)})


def test_sizes_that_tell_the_classes_apart_are_reported_to_the_host(client, build, alice):
    done = build(alice, sized_zip())
    assert done.report["size_leak"]["share"] == 1.0
    assert [row["sizes"] for row in done.report["classes"]] == ["64×48", "50×50"]
    client.force_login(alice)
    page = client.get(reverse("build_status", args=[done.pk])).content.decode()
    assert 'data-testid="size-warning"' in page
    assert "sizes give the classes away." in page
    assert "with a fixed size" in page


def test_images_of_mixed_sizes_in_every_class_give_no_warning(build, alice):
    sizes = [(64, 48), (50, 50), (40, 30)]
    entries = {f"{label}/{n}.png": image_bytes(i * 50 + n, size=sizes[n % 3])
               for i, label in enumerate("ab") for n in range(12)}
    done = build(alice, make_zip(entries))
    assert done.report["size_leak"] is None
    assert done.report["classes"][0]["sizes"] == "40×30 – 64×48"


def test_a_fixed_size_crops_every_image_to_one_square_and_the_clue_is_gone(client, build,
                                                                        alice):
    done = build(alice, sized_zip(), fixed_side=32)
    assert done.fixed_side == 32
    assert done.report["size_leak"] is None
    competition = done.competition
    for name in ("train.zip", "test.zip"):
        with competition.data_files.get(name=name).file.open("rb") as handle:
            archive = zipfile.ZipFile(handle)
            assert {Image.open(io.BytesIO(archive.read(member))).size
                    for member in archive.namelist()} == {(32, 32)}
    client.force_login(alice)
    page = client.get(reverse("build_status", args=[done.pk])).content.decode()
    assert 'data-testid="size-warning"' not in page


def test_the_form_asks_for_a_maximum_side_or_a_fixed_size_not_both(client, alice):
    from tests.imagezips import zip_upload

    client.force_login(alice)
    response = client.post(reverse("build_new"), {
        "title": "Bugs", "slug": "bugs", "visibility": "public", "test_percent": 20,
        "public_percent": 30, "max_side": 64, "fixed_side": 32,
        "zip_file": zip_upload(sized_zip())})
    assert response.status_code == 400
    assert "Choose a maximum side or a fixed size, not both." in response.content.decode()


def test_the_form_passes_the_fixed_size_to_the_build(client, alice,
                                                     django_capture_on_commit_callbacks):
    from competitions.models import CompetitionBuild
    from tests.imagezips import zip_upload

    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("build_new"), {
            "title": "Bugs", "slug": "bugs", "visibility": "public", "test_percent": 20,
            "public_percent": 30, "fixed_side": 96, "zip_file": zip_upload(sized_zip())})
    assert response.status_code == 302
    assert CompetitionBuild.objects.get().fixed_side == 96
