"""Reading a competition's downloaded files: zips or folders, the class order, the split."""

import shutil
import zipfile

import numpy as np
import pytest

from baselines import data
from tests.baselines.conftest import SIZE, TRAIN_PER_CLASS
from tests.conftest import LABELS, TEST_IDS


def test_the_files_give_classes_in_labels_csv_order_and_every_test_id(tiny_data):
    competition = data.read_competition(tiny_data)
    assert competition.labels == LABELS
    assert competition.display_names == ["inu", "neko", "tori"]
    assert competition.test_ids == TEST_IDS
    assert np.bincount(competition.train_targets).tolist() == [TRAIN_PER_CLASS] * 3


def test_grayscale_images_load_with_one_channel_from_a_zip_or_its_folder(tiny_data, tmp_path):
    competition = data.read_competition(tiny_data)
    from_zip = data.load_images(competition, "train", cache=False)
    assert from_zip.shape == (3 * TRAIN_PER_CLASS, SIZE, SIZE, 1)
    assert from_zip.dtype == np.uint8

    unpacked = tmp_path / "unpacked"
    shutil.copytree(tiny_data, unpacked, ignore=shutil.ignore_patterns("*.zip", ".baselines*"))
    with zipfile.ZipFile(tiny_data / "train.zip") as archive:
        archive.extractall(unpacked)  # members sit in train/, as an unzip leaves them
    from_folder = data.load_images(data.read_competition(unpacked), "train", cache=False)
    np.testing.assert_array_equal(from_zip, from_folder)


def test_images_are_cached_and_resized_on_request(tiny_data):
    competition = data.read_competition(tiny_data)
    first = data.load_images(competition, "test", image_size=24)
    assert first.shape == (len(TEST_IDS), 24, 24, 1)
    assert list((tiny_data / data.CACHE_FOLDER).glob("test-24-*.npz"))
    np.testing.assert_array_equal(first, data.load_images(competition, "test", image_size=24))


def test_the_validation_split_keeps_every_class_in_proportion(tiny_data):
    targets = data.read_competition(tiny_data).train_targets
    split = data.stratified_split(targets, fraction=0.25, seed=0)
    assert np.bincount(targets[split.validation]).tolist() == [4, 4, 4]
    assert not set(split.train) & set(split.validation)
    assert len(split.train) + len(split.validation) == len(targets)


def test_missing_files_are_named_with_how_to_get_them(tmp_path):
    with pytest.raises(data.DataError, match="No train.csv .*kompe competitions download"):
        data.read_competition(tmp_path)


def test_test_images_load_at_a_given_shape_whatever_their_own(tiny_data):
    competition = data.read_competition(tiny_data)
    images = data.load_images(competition, "test", shape=(20, 24, 3), cache=False)
    assert images.shape == (len(TEST_IDS), 20, 24, 3)


def test_a_train_csv_without_a_label_column_is_named(tiny_data, tmp_path):
    shutil.copytree(tiny_data, tmp_path / "data", ignore=shutil.ignore_patterns(".baselines*"))
    (tmp_path / "data" / "train.csv").write_text("id,class\na.png,x\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"train\.csv needs the columns id and label "
                                             r"\(it has class, id\)"):
        data.read_competition(tmp_path / "data")


def test_an_undecodable_image_is_named_by_its_id(tiny_data, tmp_path):
    folder = shutil.copytree(tiny_data, tmp_path / "data",
                             ignore=shutil.ignore_patterns(".baselines*"))
    competition = data.read_competition(folder)
    broken = competition.test_ids[3]
    with zipfile.ZipFile(tiny_data / "test.zip") as source, \
            zipfile.ZipFile(folder / "test.zip", "w") as target:
        for name in source.namelist():
            target.writestr(name, b"not an image" if name == broken else source.read(name))
    with pytest.raises(data.DataError, match=f"Cannot decode the image '{broken}'"):
        data.load_images(competition, "test", cache=False)
