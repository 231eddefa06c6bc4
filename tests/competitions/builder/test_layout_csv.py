"""Images and a labels.csv (file,label): the other way to label a zip."""

import io

import pytest

from competitions.builder.archive import Archive
from competitions.builder.layout import inventory
from competitions.builder.limits import Limits
from competitions.builder.refusals import BuildRefused
from tests.imagezips import csv_zip, image_bytes, make_zip


def read(data: bytes):
    with Archive(io.BytesIO(data), Limits()) as archive:
        return inventory(archive, Limits())


def images(count: int) -> dict[str, bytes]:
    return {f"photos/{number}.jpg": image_bytes(number, "JPEG") for number in range(count)}


def test_labels_come_from_labels_csv():
    found = read(csv_zip(per_class=5))
    assert found.labels == ["dangomushi", "warajimushi"]
    assert len(found.images) == 10


def test_a_shift_jis_labels_csv_from_excel_is_read():
    rows = "file,label\n" + "".join(f"photos/{n}.jpg,{'ダンゴムシ' if n % 2 else 'ワラジムシ'}\n"
                                    for n in range(10))
    found = read(make_zip({**images(10), "labels.csv": rows.encode("cp932")}))
    assert found.labels == ["ダンゴムシ", "ワラジムシ"]


def test_bare_file_names_in_labels_csv_find_their_images():
    rows = "id,label\n" + "".join(f"{n}.jpg,{'a' if n % 2 else 'b'}\n" for n in range(10))
    assert len(read(make_zip({**images(10), "labels.csv": rows.encode()})).images) == 10


def test_labels_csv_naming_missing_files_is_refused_with_examples():
    rows = "file,label\n" + "".join(f"photos/{n}.jpg,{'a' if n % 2 else 'b'}\n"
                                    for n in range(13))
    with pytest.raises(BuildRefused) as refused:
        read(make_zip({**images(10), "labels.csv": rows.encode()}))
    assert refused.value.message() == ("labels.csv names 3 files that are not in the zip, "
                                       "such as photos/10.jpg, photos/11.jpg, photos/12.jpg.")


def test_labels_csv_without_its_header_is_refused():
    rows = "".join(f"photos/{n}.jpg,{'a' if n % 2 else 'b'}\n" for n in range(10))
    with pytest.raises(BuildRefused) as refused:
        read(make_zip({**images(10), "labels.csv": rows.encode()}))
    assert refused.value.code == "labels_csv_header"


def test_one_file_with_two_labels_is_refused():
    rows = "file,label\n" + "".join(f"photos/{n}.jpg,{'a' if n % 2 else 'b'}\n"
                                    for n in range(10)) + "photos/1.jpg,b\n"
    with pytest.raises(BuildRefused) as refused:
        read(make_zip({**images(10), "labels.csv": rows.encode()}))
    assert refused.value.message() == "labels.csv line 12: photos/1.jpg is listed a second time."


def test_images_labels_csv_does_not_name_are_left_out_and_reported():
    rows = "file,label\n" + "".join(f"photos/{n}.jpg,{'a' if n % 2 else 'b'}\n"
                                    for n in range(10))
    found = read(make_zip({**images(12), "labels.csv": rows.encode()}))
    assert len(found.images) == 10
    assert found.not_listed == ["photos/10.jpg", "photos/11.jpg"]
