"""A hand-made solution without a `usage` column gets its Public/Private split here:
stratified by class like the builder's (splits.public_quotas), and deterministic — the
same file always gives the same split, so uploading it again rescores nothing."""

import csv
import hashlib
import io
import random
from collections import defaultdict

from scoring.csvfile import decode
from scoring.problems import InvalidFile

from .builder.splits import public_quotas

PUBLIC_FRACTION = 0.3


def without_usage(content: bytes) -> bool:
    """Whether the file's header is `id,label` (the usage left for Kompe to choose)."""
    try:
        first = _text(content).splitlines()[:1]
    except InvalidFile:
        return False
    return bool(first) and [cell.strip() for cell in first[0].split(",")] == ["id", "label"]


def with_usage(content: bytes, *, public_fraction: float = PUBLIC_FRACTION) -> bytes:
    """`id,label` rows → `id,label,usage`, the same rows in the same order. Rows that are
    not two cells are kept as they are, for the solution's parser to report by line."""
    text = _text(content)
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    by_label: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if len(row) == 2:
            by_label[row[1]].append(row[0])
    # Seeded by the file itself: deterministic, and different files get different draws.
    rng = random.Random(hashlib.sha256(content).digest())
    public: set[str] = set()
    shuffled = {label: sorted(ids) for label, ids in sorted(by_label.items())}
    for ids in shuffled.values():
        rng.shuffle(ids)
    quotas = public_quotas({label: len(ids) for label, ids in shuffled.items()},
                           public_fraction, rng)
    for label, ids in shuffled.items():
        public.update(ids[:quotas[label]])
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(["id", "label", "usage"])
    for row in rows:
        if len(row) == 2:
            writer.writerow([*row, "Public" if row[0] in public else "Private"])
        elif any(cell.strip() for cell in row):
            writer.writerow(row)
    return output.getvalue().encode()


def _text(content: bytes) -> str:
    return decode(content).decode("utf-8").lstrip("\ufeff")
