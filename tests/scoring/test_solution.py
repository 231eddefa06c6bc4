import pytest

from scoring.problems import InvalidFile
from scoring.solution import parse_solution

LABELS = ["あ", "い"]


def messages(content: str) -> list[str]:
    with pytest.raises(InvalidFile) as caught:
        parse_solution(content.encode(), LABELS)
    return [problem.message() for problem in caught.value.problems]


def test_solution_keeps_order_targets_and_usage():
    solution = parse_solution("id,label,usage\nx,い,Public\ny,あ,Private\n".encode(), LABELS)
    assert solution.ids == ("x", "y")
    assert solution.targets.tolist() == [1, 0]
    assert (solution.public_count, solution.private_count) == (1, 1)


def test_solution_problems_are_all_reported():
    assert messages("id,label,usage\nx,い,public\nx,う,Private\n,あ,Private\n") == [
        'line 2: usage must be "Public" or "Private", found "public".',
        'line 3: id "x" appears twice (first on line 2).',
        'line 3: unknown label "う".',
        "line 4: the id is empty.",
    ]


def test_solution_needs_its_header_rows_and_public_rows():
    assert messages("id,label\nx,い\n")[0] == (
        'line 1: the header must be "id,label,usage", found "id,label".')
    assert messages("id,label,usage\n") == ["The file has a header but no rows."]
    assert messages("id,label,usage\nx,い,Private\n") == [
        'No row has usage "Public": the public score needs some.']


def _large_solution_csv(rows: int) -> bytes:
    return ("id,label,usage\n" + "".join(
        f"{n:08x}.png,{LABELS[n % 2]},{'Public' if n % 3 == 0 else 'Private'}\n"
        for n in range(rows))).encode()


def test_a_solution_keeps_its_ids_once_sorted_and_gives_them_back_in_row_order():
    solution = parse_solution(_large_solution_csv(5_000), LABELS)
    ids = [f"{n:08x}.png" for n in range(5_000)]
    assert solution.ids == tuple(ids)
    assert solution.id_bytes.tolist() == [value.encode() for value in ids]
    assert [solution.id_of(row) for row in (0, 1234, 4999)] == [ids[0], ids[1234], ids[4999]]
    assert solution.row_of(ids[1234]) == 1234 and solution.id_width == 12
    # What a worker's cache holds: the sorted ids, their rows, targets and usage; no
    # second copy of the ids in row order (12 MB for a million 12-byte ids).
    held = sum(value.nbytes for value in (solution.lookup.sorted, solution.lookup.order,
                                          solution.targets, solution.is_public))
    assert held <= 5_000 * (12 + 8 + 4 + 1)
    assert not any(getattr(value, "nbytes", 0) for value in vars(solution).values()
                   if value is not solution.targets and value is not solution.is_public)


def test_reading_a_solution_reads_the_file_once_and_again_only_for_the_precise_path():
    from scoring.solution import read_solution

    reads = []

    def reader(content: bytes):
        def read() -> bytes:
            reads.append(1)
            return content
        return read

    plain = _large_solution_csv(100)
    assert read_solution(reader(plain), LABELS).ids == parse_solution(plain, LABELS).ids
    assert len(reads) == 1
    reads.clear()
    # Quoted fields are not plain: the precise path reads the file a second time.
    quoted = 'id,label,usage\n"x",い,Public\ny,あ,Private\n'.encode()
    assert read_solution(reader(quoted), LABELS).ids == ("x", "y")
    assert len(reads) == 2
    reads.clear()
    duplicated = "id,label,usage\nx,い,Public\nx,あ,Private\n".encode()
    with pytest.raises(InvalidFile):
        read_solution(reader(duplicated), LABELS)
    assert len(reads) == 2
