"""Whether the images' sizes give their classes away.

Kept at their own size, images often differ by class for reasons that have nothing to do
with what they show: one class photographed with a phone, the other cut from a web page.
A model then learns the size, not the picture, and scores well on a test set built the same
way. The build reports the sizes per class and warns the host when the size (or the shape,
width to height) alone would tell the class of most test images.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Protocol

# Warn when a guess from the size alone gets more than half of the test images right and
# clearly beats always guessing the commonest class.
LEAK_SHARE = 0.5
LEAK_MARGIN = 0.2


class Sized(Protocol):
    label: str
    width: int
    height: int


def size_range(items: Sequence[Sized]) -> str:
    """"64×48" when every image of a class has that size, else the smallest and largest."""
    sizes = sorted({(item.width, item.height) for item in items},
                   key=lambda size: (size[0] * size[1], size))
    if not sizes:
        return ""
    text = [f"{width}×{height}" for width, height in (sizes[0], sizes[-1])]
    return text[0] if len(sizes) == 1 else f"{text[0]} – {text[1]}"


def _size(item: Sized) -> tuple[int, int]:
    return item.width, item.height


def _shape(item: Sized) -> float:
    return round(item.width / max(item.height, 1), 2)


def size_leak(split) -> dict | None:
    """How well the size (or the shape) alone tells a test image's class, learnt from the
    training images as a participant could; None when it does not tell much."""
    train = [item for items in split.train.values() for item in items]
    test = [item for part in (split.public, split.private) for items in part.values()
            for item in items]
    if not train or not test:
        return None
    baseline = max(Counter(item.label for item in test).values()) / len(test)
    share, feature = max((_guessed_share(train, test, key), name)
                         for name, key in (("size", _size), ("shape", _shape)))
    if share <= LEAK_SHARE or share - baseline < LEAK_MARGIN:
        return None
    return {"feature": feature, "share": round(share, 3), "baseline": round(baseline, 3),
            "share_text": f"{share:.0%}", "baseline_text": f"{baseline:.0%}"}


def _guessed_share(train: Sequence[Sized], test: Sequence[Sized],
                   key: Callable[[Sized], object]) -> float:
    """The share of test images whose class is the commonest training class of their
    size (the commonest class overall for a size no training image has)."""
    by_key: dict[object, Counter] = defaultdict(Counter)
    for item in train:
        by_key[key(item)][item.label] += 1
    commonest = Counter(item.label for item in train).most_common(1)[0][0]
    guess = {value: counts.most_common(1)[0][0] for value, counts in by_key.items()}
    return sum(guess.get(key(item), commonest) == item.label for item in test) / len(test)
