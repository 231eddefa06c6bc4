"""Stratified splits: train/test in each class, Public/Private in the test set."""

import random

from competitions.builder.splits import public_quotas, stratified_split


def split(counts: dict[str, int], test=0.2, public=0.3, seed=1):
    by_label = {label: [f"{label}{n}" for n in range(count)] for label, count in counts.items()}
    return stratified_split(by_label, test_fraction=test, public_fraction=public,
                            rng=random.Random(seed))


def sizes(part) -> dict[str, int]:
    return {label: len(items) for label, items in part.items()}


def test_each_class_gives_a_fifth_to_the_test_set():
    result = split({"a": 100, "b": 50, "c": 10})
    test = {label: len(result.public[label]) + len(result.private[label]) for label in "abc"}
    assert test == {"a": 20, "b": 10, "c": 2}
    assert sizes(result.train) == {"a": 80, "b": 40, "c": 8}


def test_the_public_part_keeps_the_class_mix():
    result = split({"a": 100, "b": 50, "c": 10})
    assert sizes(result.public) == {"a": 6, "b": 3, "c": 1}
    assert sum(sizes(result.public).values()) == round(32 * 0.3)


def test_a_tiny_class_keeps_an_image_on_each_side():
    result = split({"a": 2, "b": 2}, test=0.5)
    assert sizes(result.train) == {"a": 1, "b": 1}


def test_there_is_always_a_public_and_a_private_image():
    assert sum(public_quotas({"a": 1, "b": 1}, 0.1).values()) == 1
    assert sum(public_quotas({"a": 1, "b": 1}, 0.9).values()) == 1


def test_no_image_is_in_two_parts_and_none_is_lost():
    result = split({"a": 37, "b": 23})
    everything = [item for part in (result.train, result.public, result.private)
                  for items in part.values() for item in items]
    assert len(everything) == len(set(everything)) == 60


def test_the_same_seed_gives_the_same_split():
    assert split({"a": 30, "b": 30}, seed=7) == split({"a": 30, "b": 30}, seed=7)
    assert split({"a": 30, "b": 30}, seed=7) != split({"a": 30, "b": 30}, seed=8)


def test_every_class_with_two_test_images_has_a_public_and_a_private_one():
    # Ten classes of 12 images: 2 test images each. A plain 30 % share (6 public images)
    # left four classes with no public image at all.
    result = split({f"class{n}": 12 for n in range(10)})
    assert all(len(result.public[label]) == 1 and len(result.private[label]) == 1
               for label in result.public)


def test_a_class_with_one_test_image_may_have_it_on_either_board():
    quotas = public_quotas({"a": 1, "b": 1, "c": 10}, 0.3, random.Random(1))
    assert 1 <= quotas["c"] <= 9
    assert sum(quotas.values()) == 4


def test_ties_are_not_always_won_by_the_first_label():
    # Three classes of 3 test images, 4 public: one class gets the extra image, a different
    # one for different seeds.
    winners = {max(quotas, key=quotas.get) for quotas in
               (public_quotas({"a": 3, "b": 3, "c": 3}, 0.4, random.Random(seed))
                for seed in range(30))}
    assert winners == {"a", "b", "c"}


def test_the_public_total_follows_the_share_when_the_minimums_allow():
    quotas = public_quotas({"a": 40, "b": 30, "c": 30}, 0.3, random.Random(3))
    assert quotas == {"a": 12, "b": 9, "c": 9}
