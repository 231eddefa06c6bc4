"""Writes the catalogue of submission files and the messages each must get.

Run: .venv/bin/python tests/scoring/catalogue/build.py
The expected messages here are the specification, typed by hand, not computed by the
code under test. tests/scoring/test_catalogue.py (the scoring core),
tests/integration/test_catalogue_worker.py (a real worker) and
tests/browser/test_catalogue_browser.py (the dry run in a real browser) check them.
"""

import gzip
import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ["いぬ", "ねこ", "とり"]
IDS = [f"img_{number:02d}.png" for number in range(1, 7)]
TRUTH = ["いぬ", "ねこ", "とり", "とり", "ねこ", "いぬ"]
USAGE = ["Public", "Private"] * 3
LABEL = {"kind": "label", "header": "required", "labels_as": "name"}
HEADERLESS = {**LABEL, "header": "absent"}
BY_INDEX = {**LABEL, "labels_as": "index"}
PROBABILITY = {**LABEL, "kind": "probability"}


def rows(labels=TRUTH, ids=IDS, header="id,label") -> str:
    lines = ([header] if header else []) + [f"{i},{label}" for i, label in
                                            zip(ids, labels, strict=True)]
    return "\n".join(lines) + "\n"


def probabilities(values: list[str], header="id,いぬ,ねこ,とり") -> str:
    return "\n".join([header] + [f"{i},{v}" for i, v in zip(IDS, values, strict=True)]) + "\n"


ONE_HOT = ["1,0,0", "0,1,0", "0,0,1", "0,0,1", "0,1,0", "1,0,0"]


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HINT_HEADER_MISSING = ('Hint: the first line is already a data row; this competition needs '
                       'the header line "id,label" at the top of the file.')
HINT_CLASS_NUMBERS = ("Hint: the labels are class numbers (as Keras' argmax gives them), but "
                      "this competition expects class names. Turn each number into its name, "
                      "in the order of labels.csv: 0 = いぬ, 1 = ねこ, 2 = とり.")
HINT_PANDAS_INDEX = ("Hint: the first column looks like the row numbers that pandas adds (its "
                     "index). Write the file with to_csv(..., index=False).")
HINT_EXCEL = ("Hint: this is an Excel workbook (or a zip that holds one), not a CSV file. In "
              "Excel use “Save As” → “CSV UTF-8 (Comma delimited)”, or pandas' to_csv, and "
              "upload that file.")
HINT_PROBABILITIES_NOT_LABELS = (
    "Hint: this is a probability file (one column per class), but this competition takes one "
    "label per row (id,label): write the name of the most probable class.")
HINT_LABELS_NOT_PROBABILITIES = (
    "Hint: this file has one label per row, but this competition takes probabilities: one "
    'column per class, with the header "id,いぬ,ねこ,とり".')

# name, format, content, expected messages ([] = valid)
ENTRIES = [
    ("valid.csv", LABEL, rows().encode(), []),
    ("valid_bom_crlf_quoted.csv", LABEL,
     ("\ufeff" + rows().replace("img_01.png,いぬ", '"img_01.png","いぬ"')
      .replace("\n", "\r\n") + "\r\n\r\n").encode(), []),
    ("valid.csv.gz", LABEL, gzip.compress(rows().encode()), []),
    ("valid.zip", LABEL, zipped(**{"予測.csv": rows().encode()}), []),
    ("valid_headerless.csv", HEADERLESS, rows(header=None).encode(), []),
    ("valid_index.csv", BY_INDEX, rows(labels=["0", "1", "2", "2", "1", "0"]).encode(), []),
    ("valid_probabilities.csv", PROBABILITY,
     probabilities(["0.7,0.2,0.1", "0.1,0.8,0.1", "0.2,0.2,0.6", "0,0,1", "0,1,0",
                    "0.5,0.25,0.2501"]).encode(), []),
    ("empty.csv", LABEL, b"", ["The file is empty."]),
    ("header_wrong.csv", LABEL, rows(header="image,class").encode(),
     ['line 1: the header must be "id,label", found "image,class".']),
    ("header_missing.csv", LABEL, rows(header=None).encode(),
     [HINT_HEADER_MISSING,
      'line 1: the header must be "id,label", found "img_01.png,いぬ".',
      "missing 1 id: img_01.png."]),
    ("header_not_expected.csv", HEADERLESS, rows().encode(),
     ['line 1: this competition takes files without a header; remove the line "id,label".']),
    ("semicolons.csv", LABEL, rows().replace(",", ";").encode(),
     ['line 1: the header must be "id,label", found "id;label".',
      'line 2: columns must be separated by commas, found ";".',
      'line 3: columns must be separated by commas, found ";".',
      'line 4: columns must be separated by commas, found ";".',
      'line 5: columns must be separated by commas, found ";".',
      'line 6: columns must be separated by commas, found ";".',
      'line 7: columns must be separated by commas, found ";".']),
    ("tabs.tsv", LABEL, rows(header="id,label").replace(".png,", ".png\t").encode(),
     ['line 2: columns must be separated by commas, found "TAB".',
      'line 3: columns must be separated by commas, found "TAB".',
      'line 4: columns must be separated by commas, found "TAB".',
      'line 5: columns must be separated by commas, found "TAB".',
      'line 6: columns must be separated by commas, found "TAB".',
      'line 7: columns must be separated by commas, found "TAB".']),
    ("extra_column.csv", LABEL, rows().replace("img_03.png,とり", "img_03.png,とり,0.9").encode(),
     ["line 4: expected 2 columns, found 3."]),
    ("missing_ids.csv", LABEL, rows(labels=TRUTH[:3], ids=IDS[:3]).encode(),
     ["missing 3 ids, e.g. img_04.png."]),
    ("extra_id.csv", LABEL, (rows() + "img_99.png,ねこ\n").encode(),
     ['line 8: unknown id "img_99.png".']),
    ("duplicate_id.csv", LABEL, (rows(labels=TRUTH[:5], ids=IDS[:5]) + "img_03.png,いぬ\n")
     .encode(),
     ['line 7: id "img_03.png" appears twice (first on line 4).', "missing 1 id: img_06.png."]),
    ("empty_id_and_label.csv", LABEL, rows().replace("img_02.png,ねこ", ",ねこ")
     .replace("img_05.png,ねこ", "img_05.png,").encode(),
     ["line 3: the id is empty.", "line 6: the label is empty.", "missing 1 id: img_02.png."]),
    ("unknown_label.csv", LABEL, rows(labels=["いぬ", "cat", "とり", "とり", "ネコ", "いぬ"])
     .encode(),
     ['line 3: unknown label "cat".', 'line 6: unknown label "ネコ".']),
    ("bad_index.csv", BY_INDEX, rows(labels=["0", "3", "x", "2", "1", "0"]).encode(),
     ['line 3: the label must be a class number from 0 to 2, found "3".',
      'line 4: the label must be a class number from 0 to 2, found "x".']),
    ("probability_not_number.csv", PROBABILITY,
     probabilities(["0.7,abc,0.1"] + ONE_HOT[1:]).encode(),
     ['line 2, column 3 (ねこ): "abc" is not a number.']),
    ("probability_negative.csv", PROBABILITY,
     probabilities(ONE_HOT[:1] + ["-0.2,1.2,0"] + ONE_HOT[2:]).encode(),
     ["line 3, column 2 (いぬ): probabilities cannot be negative, found -0.2."]),
    ("probability_nan_inf.csv", PROBABILITY,
     probabilities(ONE_HOT[:2] + ["nan,0,1", "0,inf,0"] + ONE_HOT[4:]).encode(),
     ['line 4, column 2 (いぬ): "nan" is not a finite number.',
      'line 5, column 3 (ねこ): "inf" is not a finite number.']),
    ("probability_bad_sum.csv", PROBABILITY,
     probabilities(ONE_HOT[:5] + ["0.5,0.2,0.2"]).encode(),
     ["line 7: the probabilities sum to 0.9, not 1. Rows within ±0.01 of 1 are rescaled to "
      "1; this one is too far off."]),
    ("probability_header.csv", PROBABILITY,
     probabilities(ONE_HOT, header="id,dog,cat,bird").encode(),
     ['line 1: the header must be "id,いぬ,ねこ,とり", found "id,dog,cat,bird".']),
    ("shift_jis.csv", LABEL, rows().encode("cp932"),
     ["line 2: the file looks like Shift_JIS (Excel's default on Japanese Windows), not UTF-8. "
      "Save it as “CSV UTF-8” and upload again."]),
    ("latin1.csv", LABEL, rows().encode("utf-8").replace(b"img_02.png",
                                                          b"img_02\xe9.png"),
     ["line 3: the file is not UTF-8 text. Save it as “CSV UTF-8” and upload again."]),
    ("image.png", LABEL, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x20",
     ["The file is not a CSV text file: it contains binary data."]),
    ("unclosed_quote.csv", LABEL, rows().replace("img_04.png,とり", '"img_04.png,とり')
     .encode(),
     ["line 5: this line cannot be read as CSV: a quotation mark is not closed or a field is "
      "longer than 131,072 characters."]),
    ("two_files.zip", LABEL, zipped(**{"a.csv": rows().encode(), "b.csv": rows().encode()}),
     ["The zip file must hold exactly one CSV file; it holds 2."]),
    ("broken.csv.gz", LABEL, gzip.compress(rows().encode())[:30],
     ["The compressed file cannot be opened: upload a .csv, .csv.gz or a .zip with one CSV."]),
]


def workbook() -> bytes:
    """The members every .xlsx has (Excel's and openpyxl's alike); enough to be one."""
    return zipped(**{"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
                     "xl/workbook.xml": b"<workbook/>",
                     "xl/worksheets/sheet1.xml": b"<worksheet/>"})


# The learner's common mistakes: one hint ahead of the line-by-line problems.
ENTRIES += [
    ("keras_argmax.csv", LABEL, rows(labels=["0", "1", "2", "2", "1", "0"]).encode(),
     [HINT_CLASS_NUMBERS,
      'line 2: unknown label "0".', 'line 3: unknown label "1".',
      'line 4: unknown label "2".', 'line 5: unknown label "2".',
      'line 6: unknown label "1".', 'line 7: unknown label "0".']),
    ("keras_argmax_headerless.csv", HEADERLESS,
     rows(labels=["0", "1", "2", "2", "1", "0"], header=None).encode(),
     [HINT_CLASS_NUMBERS,
      'line 1: unknown label "0".', 'line 2: unknown label "1".',
      'line 3: unknown label "2".', 'line 4: unknown label "2".',
      'line 5: unknown label "1".', 'line 6: unknown label "0".']),
    ("pandas_index.csv", LABEL,
     ("," + rows().replace("\nimg_0", "\n{},img_0")).format(*range(6)).encode(),
     [HINT_PANDAS_INDEX,
      'line 1: the header must be "id,label", found ",id,label".',
      "line 2: expected 2 columns, found 3.", "line 3: expected 2 columns, found 3.",
      "line 4: expected 2 columns, found 3.", "line 5: expected 2 columns, found 3.",
      "line 6: expected 2 columns, found 3.", "line 7: expected 2 columns, found 3."]),
    ("workbook.xlsx", LABEL, workbook(),
     [HINT_EXCEL, "The zip file must hold exactly one CSV file; it holds 4."]),
    ("workbook_in.zip", LABEL, zipped(**{"予測.xlsx": workbook()}),
     [HINT_EXCEL,
      "The compressed file cannot be opened: upload a .csv, .csv.gz or a .zip with one CSV."]),
    ("probabilities_for_labels.csv", LABEL, probabilities(ONE_HOT).encode(),
     [HINT_PROBABILITIES_NOT_LABELS,
      'line 1: the header must be "id,label", found "id,いぬ,ねこ,とり".',
      "line 2: expected 2 columns, found 4.", "line 3: expected 2 columns, found 4.",
      "line 4: expected 2 columns, found 4.", "line 5: expected 2 columns, found 4.",
      "line 6: expected 2 columns, found 4.", "line 7: expected 2 columns, found 4."]),
    ("labels_for_probabilities.csv", PROBABILITY, rows().encode(),
     [HINT_LABELS_NOT_PROBABILITIES,
      'line 1: the header must be "id,いぬ,ねこ,とり", found "id,label".',
      "line 2: expected 4 columns, found 2.", "line 3: expected 4 columns, found 2.",
      "line 4: expected 4 columns, found 2.", "line 5: expected 4 columns, found 2.",
      "line 6: expected 4 columns, found 2.", "line 7: expected 4 columns, found 2."]),
]


def main() -> None:
    solution = "id,label,usage\n" + "".join(
        f"{i},{t},{u}\n" for i, t, u in zip(IDS, TRUTH, USAGE, strict=True))
    (HERE / "solution.csv").write_text(solution, encoding="utf-8")
    entries = []
    for name, fmt, content, messages in ENTRIES:
        (HERE / "files").mkdir(exist_ok=True)
        (HERE / "files" / name).write_bytes(content)
        entries.append({"file": name, "format": fmt, "messages": messages})
    catalogue = {"labels": LABELS, "entries": entries}
    (HERE / "catalogue.json").write_text(json.dumps(catalogue, ensure_ascii=False, indent=1)
                                         + "\n", encoding="utf-8")
    print(f"{len(entries)} files written to {HERE / 'files'}")


if __name__ == "__main__":
    main()
