"""Memory does not grow with the number of bad rows, the length of a line or the number
of columns: the first problems are kept, the rest counted. Peaks are measured in a fresh
process (VmHWM from /proc), so the numbers are the process's own, not the test runner's."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scoring.compression import unpack
from scoring.csvfile import MAX_LINE_CHARS
from scoring.formats import SubmissionFormat
from scoring.problems import KEPT_PROBLEMS, InvalidFile
from scoring.scorer import unpack_ceiling, validate_submission
from scoring.solution import parse_solution
from scoring.submission import parse_submission

ROOT = Path(__file__).resolve().parents[2]
LABELS = ["いぬ", "ねこ", "とり"]
SOLUTION = parse_solution("id,label,usage\na.png,いぬ,Public\nb.png,ねこ,Private\n"
                          "c.png,とり,Public\n".encode(), LABELS)


def _invalid(content: bytes) -> InvalidFile:
    with pytest.raises(InvalidFile) as caught:
        parse_submission(content, SOLUTION, LABELS)
    return caught.value


def test_only_the_first_problems_are_kept_and_every_one_is_counted():
    invalid = _invalid(b"id,label\n" + b"x\n" * 50_000)
    assert len(invalid.problems) == KEPT_PROBLEMS
    assert invalid.count == 50_000
    assert [problem.line for problem in invalid.problems[:2]] == [2, 3]


def test_a_line_longer_than_any_row_is_refused_with_its_line_number():
    invalid = _invalid(b"id,label\na.png,\xe3\x81\x84\xe3\x81\xac\n" + b"," * (MAX_LINE_CHARS + 5))
    assert [(problem.code, problem.line) for problem in invalid.problems] == [
        ("line_too_long", 3)]


def test_an_archive_inside_an_archive_is_refused():
    import gzip

    with pytest.raises(InvalidFile) as caught:
        unpack(gzip.compress(gzip.compress(b"x\n" * 1000)))
    assert caught.value.problems[0].code == "bad_archive"


def test_the_unpack_ceiling_follows_the_competitions_size():
    small = unpack_ceiling(SOLUTION, LABELS, SubmissionFormat())
    assert small < 2 * 2**20
    import gzip

    with pytest.raises(InvalidFile) as caught:
        validate_submission(gzip.compress(b"id,label\n" + b"x\n" * 8_000_000), solution=SOLUTION,
                            labels=LABELS)
    assert caught.value.problems[0].code == "unpacked_too_large"


CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from scoring.problems import InvalidFile
    from scoring.solution import parse_solution
    from scoring.submission import parse_submission

    def peak():
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024

    labels = ["a", "b"]
    solution = parse_solution(b"id,label,usage\\n1.png,a,Public\\n", labels)
    data = sys.stdin.buffer.read()
    before = peak()
    try:
        parse_submission(data, solution, labels)
    except InvalidFile as invalid:
        count = invalid.count
    print(json.dumps({"count": count, "growth": peak() - before}))
""")


@pytest.mark.parametrize("content, count", [
    (b"id,label\n" + b"x\n" * 1_000_000, 1_000_000),
    (b"id,label\n" + b"a,c\n" * 500_000, 1_000_000),
    (b"id,label\n" + (b"," * 1_000_000 + b"\n") * 20, 20),
], ids=["a million one-column lines", "half a million bad rows", "lines of a million columns"])
def test_parsing_a_file_of_bad_rows_grows_the_process_by_a_few_megabytes(content, count):
    # Before the cap, a million bad rows grew the process by about 400 MB.
    done = subprocess.run([sys.executable, "-c", CHILD], input=content, capture_output=True,
                          cwd=ROOT, check=True, timeout=300)
    result = json.loads(done.stdout)
    assert result["count"] == count
    # The bytes themselves (up to 20 MB here) plus a little: never per-row memory.
    assert result["growth"] < len(content) / 2**20 + 40, result


def _random_bad_file(seed: int, labels_as_index: bool) -> bytes:
    import random

    rng = random.Random(seed)
    ids = ["a.png", "b.png", "c.png", "x.png", "", " a.png ", "b.png\t", "とり.png"]
    labels = (["0", "1", "2", "3", "٣", "0000000001", "", " 2 ", "x", "99999999999"]
              if labels_as_index else ["いぬ", "ねこ", "とり", " ねこ", "cat", "", "いぬ\t"])
    lines = ["id,label"]
    for _ in range(400):
        shape = rng.random()
        if shape < 0.1:
            lines.append(rng.choice(["", "   ", "\t"]))
        elif shape < 0.25:
            lines.append(rng.choice(ids) + rng.choice(["", ";x", ",a,b", ",,"]))
        else:
            lines.append(f"{rng.choice(ids)},{rng.choice(labels)}")
    return ("\n".join(lines) + rng.choice(["", "\n"])).encode()


@pytest.mark.parametrize("labels_as_index", [False, True], ids=["labels", "class numbers"])
def test_counting_the_rest_in_blocks_counts_exactly_what_the_row_by_row_path_counts(
        monkeypatch, labels_as_index):
    from scoring import problems
    from scoring.formats import LabelsAs

    fmt = SubmissionFormat(labels_as=LabelsAs.INDEX if labels_as_index else LabelsAs.NAME)

    def counted(content: bytes, keep: int) -> tuple[int, list]:
        monkeypatch.setattr(problems, "KEPT_PROBLEMS", keep)
        with pytest.raises(InvalidFile) as caught:
            parse_submission(content, SOLUTION, LABELS, fmt)
        return caught.value.count, [p.as_dict() for p in caught.value.problems]

    for seed in range(30):
        content = _random_bad_file(seed, labels_as_index)
        every_row_count, every_row_problems = counted(content, 10**9)
        block_count, kept = counted(content, 5)
        assert block_count == every_row_count, seed
        # The kept ones are the first ones; "missing" (added last) only when nothing is cut.
        assert kept == every_row_problems[:5], seed
