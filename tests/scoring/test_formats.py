"""Every submission format an organizer can choose, through both parsing paths."""

import gzip

import numpy as np
import pytest

from scoring.fastpath import parse_fast
from scoring.formats import Header, Kind, LabelsAs, SubmissionFormat
from scoring.problems import InvalidFile
from scoring.scorer import validate_submission
from scoring.solution import parse_solution
from scoring.submission import parse_submission
from tests.scoring.catalogue.build import zipped

LABELS = ["あ", "い", "う"]
SOLUTION = parse_solution(
    "id,label,usage\na.png,あ,Public\nb.png,い,Private\nc.png,う,Public\n".encode(), LABELS)
HEADERLESS = SubmissionFormat(header=Header.ABSENT)
EITHER = SubmissionFormat(header=Header.EITHER)
BY_INDEX = SubmissionFormat(labels_as=LabelsAs.INDEX)
PROBABILITIES = SubmissionFormat(kind=Kind.PROBABILITY)


def both_paths(content: bytes, fmt: SubmissionFormat):
    """The precise path's result, after checking the fast path agrees (or stays out)."""
    precise = parse_submission(content, SOLUTION, LABELS, fmt)
    fast = parse_fast(content, SOLUTION, LABELS, fmt)
    if fast is not None:
        assert np.array_equal(fast.classes, precise.classes)
        if precise.probabilities is not None:
            assert np.allclose(fast.probabilities, precise.probabilities)
    return precise


def messages(content: bytes, fmt: SubmissionFormat) -> list[str]:
    assert parse_fast(content, SOLUTION, LABELS, fmt) is None
    with pytest.raises(InvalidFile) as caught:
        validate_submission(content, solution=SOLUTION, labels=LABELS, fmt=fmt)
    return [problem.message() for problem in caught.value.problems]


def test_headerless_file_is_read_from_its_first_line():
    content = "a.png,あ\nb.png,い\nc.png,う\n".encode()
    assert both_paths(content, HEADERLESS).classes.tolist() == [0, 1, 2]
    assert both_paths(content, EITHER).classes.tolist() == [0, 1, 2]


def test_header_where_none_is_expected_is_named():
    content = "id,label\na.png,あ\nb.png,い\nc.png,う\n".encode()
    assert messages(content, HEADERLESS) == [
        'line 1: this competition takes files without a header; remove the line "id,label".']
    assert both_paths(content, EITHER).classes.tolist() == [0, 1, 2]


def test_labels_as_class_indices():
    assert both_paths(b"id,label\na.png,2\nb.png,0\nc.png,1\n", BY_INDEX).classes.tolist() == [
        2, 0, 1]
    assert messages(b"id,label\na.png,3\nb.png,x\nc.png,-1\n", BY_INDEX) == [
        'line 2: the label must be a class number from 0 to 2, found "3".',
        'line 3: the label must be a class number from 0 to 2, found "x".',
        'line 4: the label must be a class number from 0 to 2, found "-1".']


def test_probabilities_are_read_rescaled_and_argmaxed():
    content = ("id,あ,い,う\na.png,0.7,0.2,0.1\nb.png,0.1,0.8,0.1\n"
               "c.png,0.2,0.2,0.605\n").encode()
    predictions = both_paths(content, PROBABILITIES)
    assert predictions.classes.tolist() == [0, 1, 2]
    assert np.allclose(predictions.probabilities.sum(axis=1), 1)
    assert np.isclose(predictions.probabilities[2, 2], 0.605 / 1.005)


def test_bad_probabilities_are_each_named_with_line_and_column():
    content = ("id,あ,い,う\na.png,0.7,abc,0.1\nb.png,-0.1,0.8,0.3\n"
               "c.png,nan,inf,0.5\nc.png,0.2,0.2,0.2\n").encode()
    assert messages(content, PROBABILITIES) == [
        'line 2, column 3 (い): "abc" is not a number.',
        "line 3, column 2 (あ): probabilities cannot be negative, found -0.1.",
        'line 4, column 2 (あ): "nan" is not a finite number.',
        'line 4, column 3 (い): "inf" is not a finite number.',
        'line 5: id "c.png" appears twice (first on line 4).',
        "line 5: the probabilities sum to 0.6, not 1. Rows within ±0.01 of 1 are rescaled to "
        "1; this one is too far off.",
    ]


def test_probability_header_must_name_the_classes_in_order():
    content = "id,い,あ,う\na.png,1,0,0\nb.png,0,1,0\nc.png,0,0,1\n".encode()
    assert messages(content, PROBABILITIES) == [
        'line 1: the header must be "id,あ,い,う", found "id,い,あ,う".']


def gz(content: bytes) -> bytes:
    return gzip.compress(content)


VALID = "id,label\na.png,あ\nb.png,い\nc.png,う\n".encode()


@pytest.mark.parametrize("packed", [gz(VALID), zipped(**{"予測.csv": VALID}),
                                    zipped(**{"p.csv": VALID, "__MACOSX/._p.csv": b"x"})])
def test_compressed_uploads_are_unpacked(packed):
    assert both_paths(packed, SubmissionFormat()).classes.tolist() == [0, 1, 2]


def test_broken_or_crowded_archives_are_named():
    assert messages(b"\x1f\x8b\x08broken", SubmissionFormat()) == [
        "The compressed file cannot be opened: upload a .csv, .csv.gz or a .zip with one CSV."]
    assert messages(zipped(a=VALID, b=VALID), SubmissionFormat()) == [
        "The zip file must hold exactly one CSV file; it holds 2."]


def test_zip_bomb_stops_at_the_ceiling():
    from scoring.compression import unpack

    bomb = gz(b"0" * (3 * 2**20))
    with pytest.raises(InvalidFile) as caught:
        unpack(bomb, max_bytes=2**20)
    assert caught.value.problems[0].code == "unpacked_too_large"


MUTATIONS = [
    lambda lines, rng: lines[:-1],  # a row missing
    lambda lines, rng: lines + [lines[1]],  # a row twice
    lambda lines, rng: [line.replace(",", ",,", 1) if i == 2 else line
                        for i, line in enumerate(lines)],
    lambda lines, rng: [line.replace(",", "", 1) if i == 2 else line
                        for i, line in enumerate(lines)],
    lambda lines, rng: lines[:2] + [lines[2] + "," + lines[3]] + lines[4:],  # merged rows
    lambda lines, rng: [lines[0]] + [f" {line}" for line in lines[1:]],
    lambda lines, rng: [lines[0]] + ['"' + line.replace(",", '","') + '"' for line in lines[1:]],
    lambda lines, rng: lines[:3] + [""] + lines[3:],
    lambda lines, rng: lines[1:],  # no header
    lambda lines, rng: [lines[0]] + [line.replace("い", "x") for line in lines[1:]],
    lambda lines, rng: [lines[0]] + list(rng.permutation(lines[1:])),
]


@pytest.mark.parametrize("seed", range(40))
def test_fast_path_never_accepts_what_the_precise_path_refuses(seed):
    rng = np.random.default_rng(seed)
    ids = [f"{n:03d}.png" for n in range(12)]
    solution = parse_solution(("id,label,usage\n" + "".join(
        f"{i},{LABELS[n % 3]},{'Public' if n % 2 else 'Private'}\n"
        for n, i in enumerate(ids))).encode(), LABELS)
    lines = ["id,label"] + [f"{i},{LABELS[rng.integers(3)]}" for i in ids]
    for index in rng.choice(len(MUTATIONS), size=rng.integers(0, 3), replace=False):
        lines = MUTATIONS[index](lines, rng)
    newline = "\r\n" if seed % 3 == 0 else "\n"
    content = (("\ufeff" if seed % 4 == 0 else "") + newline.join(lines) + newline).encode()
    fast = parse_fast(content, solution, LABELS, SubmissionFormat())
    try:
        precise = parse_submission(content, solution, LABELS, SubmissionFormat())
    except InvalidFile:
        assert fast is None
    else:
        if fast is not None:
            assert np.array_equal(fast.classes, precise.classes)


def test_fast_path_answers_for_well_formed_files():
    assert parse_fast(VALID, SOLUTION, LABELS, SubmissionFormat()) is not None
    assert parse_fast(b"a.png,2\nb.png,0\nc.png,1\n", SOLUTION, LABELS,
                      SubmissionFormat(header=Header.ABSENT, labels_as=LabelsAs.INDEX)) is not None
    probabilities = "id,あ,い,う\na.png,1,0,0\nb.png,0,1,0\nc.png,0,0,1\n".encode()
    assert parse_fast(probabilities, SOLUTION, LABELS, PROBABILITIES) is not None


def test_fast_path_leaves_overlong_fields_to_the_precise_path():
    long_id = "a" * 300
    solution = parse_solution(f"id,label,usage\n{long_id[:256]},あ,Public\n".encode(), LABELS)
    content = f"id,label\n{long_id},あ\n".encode()
    assert parse_fast(content, solution, LABELS, SubmissionFormat()) is None
    with pytest.raises(InvalidFile):
        parse_submission(content, solution, LABELS, SubmissionFormat())


def test_probability_sums_at_the_edge_are_judged_the_same_on_both_paths():
    labels = ["a", "b", "c", "d"]
    solution = parse_solution(b"id,label,usage\nx.png,a,Public\n", labels)
    content = b"id,a,b,c,d\nx.png,0.337,0.231,0.29,0.132\n"
    fmt = SubmissionFormat(kind=Kind.PROBABILITY)
    assert parse_fast(content, solution, labels, fmt) is None
    with pytest.raises(InvalidFile):
        parse_submission(content, solution, labels, fmt)


def test_an_ideographic_space_stays_part_of_an_id_on_both_paths():
    solution_csv = "id,label,usage\na.png\u3000,あ,Public\nb.png,い,Private\n".encode()
    solution = parse_solution(solution_csv, LABELS)
    assert solution.ids == ("a.png\u3000", "b.png")
    plain = "id,label\na.png\u3000,あ\nb.png,い\n".encode()
    quoted = 'id,label\n"a.png\u3000",あ\nb.png,い\n'.encode()
    for content in (plain, quoted):
        assert validate_submission(content, solution=solution, labels=LABELS
                                   ).classes.tolist() == [0, 1]


FORMATS = [SubmissionFormat(), HEADERLESS, EITHER, BY_INDEX, PROBABILITIES]


def random_row(rng, fmt: SubmissionFormat, id_: str) -> str:
    if fmt.kind == Kind.PROBABILITY:
        values = rng.dirichlet([1, 1, 1]).round(rng.integers(1, 4))
        return id_ + "," + ",".join(str(value) for value in values)
    if fmt.labels_as == LabelsAs.INDEX:
        return f"{id_},{rng.integers(-1, 4)}"
    return f"{id_},{rng.choice(LABELS + ['x', ' あ', ''])}"


@pytest.mark.parametrize("seed", range(60))
def test_fast_path_agrees_with_the_precise_one_in_every_format(seed):
    rng = np.random.default_rng(1000 + seed)
    fmt = FORMATS[seed % len(FORMATS)]
    ids = [f"{n:02d}.png" for n in range(8)]
    solution = parse_solution(("id,label,usage\n" + "".join(
        f"{i},{LABELS[n % 3]},{'Public' if n % 2 else 'Private'}\n"
        for n, i in enumerate(ids))).encode(), LABELS)
    rows = [random_row(rng, fmt, i) for i in rng.permutation(ids)]
    if rng.random() < 0.3:
        rows.append(rows[0])
    header = ",".join(fmt.expected_header(LABELS))
    with_header = fmt.header != Header.ABSENT and (fmt.header == Header.REQUIRED
                                                   or rng.random() < 0.5)
    content = ("\n".join(([header] if with_header else []) + rows) + "\n").encode()
    fast = parse_fast(content, solution, LABELS, fmt)
    try:
        precise = parse_submission(content, solution, LABELS, fmt)
    except InvalidFile:
        assert fast is None
    else:
        if fast is not None:
            assert np.array_equal(fast.classes, precise.classes)


@pytest.mark.parametrize("seed", range(20))
def test_solution_fast_parse_agrees_with_the_precise_one(seed):
    from scoring.solution import _parse_plain, _parse_precisely

    rng = np.random.default_rng(2000 + seed)
    rows = [f"{n:02d}.png,{rng.choice(LABELS + ['x'])},{rng.choice(['Public', 'Private', 'P'])}"
            for n in range(6)]
    if rng.random() < 0.3:
        rows.append(rows[0])
    content = ("id,label,usage\n" + "\n".join(rows) + "\n").encode()
    plain = _parse_plain(content, LABELS)
    try:
        precise = _parse_precisely(content, LABELS)
    except InvalidFile:
        assert plain is None
    else:
        if plain is not None:
            assert plain.ids == precise.ids
            assert np.array_equal(plain.targets, precise.targets)
            assert np.array_equal(plain.is_public, precise.is_public)
