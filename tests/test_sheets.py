"""The one table reader: encodings, formats told by their bytes, merged headers, header names."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.sheets import Column, ImportFailed, decimal, error_lines, header_key, read_grid, read_table, whole_number
from tests.support_sheets import bom_csv, excel_csv, junk, merged_xlsx, xlsx

COLUMNS = (Column("name", ("姓名", "name")), Column("count", ("答题数", "answers")),
           Column("note", ("备注",), required=False))
ROWS = [["姓名", "答题数", "所属单位"], ["张律师", "40", "市律协"], ["李心理", "3", ""]]
EXPECTED = [(2, {"name": "张律师", "count": "40"}), (3, {"name": "李心理", "count": "3"})]


def table(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows the reader gives, as (line, cells)."""
    return [(row.line, row.cells) for row in read_table(path, COLUMNS).rows]


def refused(path: Path, columns: tuple[Column, ...] = COLUMNS) -> list[str]:
    """The lines an operator is shown for a refused file."""
    with pytest.raises(ImportFailed) as exc:
        read_table(path, columns)
    return error_lines(exc.value.errors)


def test_gbk_csv_as_chinese_excel_saves_it(tmp_path: Path) -> None:
    """GBK bytes, CRLF, no BOM: read exactly, the extra column ignored."""
    path = excel_csv(tmp_path / "专家.csv", ROWS)
    assert b"\r\n" in path.read_bytes() and path.read_bytes().startswith("姓名".encode("gbk"))
    assert table(path) == EXPECTED


def test_gb18030_only_characters(tmp_path: Path) -> None:
    """A character GBK lacks (four bytes in GB18030) is read, not refused."""
    path = excel_csv(tmp_path / "m.csv", [["姓名", "答题数"], ["\U00020000王", "1"]], encoding="gb18030")
    assert table(path) == [(2, {"name": "\U00020000王", "count": "1"})]


def test_utf8_with_and_without_bom(tmp_path: Path) -> None:
    """CSV UTF-8 from Excel (BOM, CRLF) and plain UTF-8 (LF) read the same."""
    assert table(bom_csv(tmp_path / "a.csv", ROWS)) == EXPECTED
    plain = tmp_path / "b.csv"
    plain.write_text("姓名,答题数\n张律师,40\n李心理,3\n", encoding="utf-8")
    assert table(plain) == EXPECTED


def test_utf16_tab_separated_text(tmp_path: Path) -> None:
    """Excel's "Unicode 文本" (UTF-16 with a BOM, tab-separated) is a table too."""
    path = tmp_path / "m.txt"
    path.write_bytes("姓名\t答题数\r\n张律师\t40\r\n李心理\t3\r\n".encode("utf-16"))
    assert table(path) == EXPECTED


def test_xlsx_with_merged_header_cells_and_blank_rows(tmp_path: Path) -> None:
    """A merged title row, a group header, a header merged down two rows, blank rows, floats."""
    path = merged_xlsx(tmp_path / "m.xlsx", "2017年11月专家答题统计", ["姓名", "答题数", "备注"],
                       [["张律师", 40.0, None], [None, None, None], ["李心理", 3, "补录"]])
    result = read_table(path, COLUMNS)
    assert result.header_line == 3
    assert [(r.line, r.cells) for r in result.rows] == [
        (4, {"name": "张律师", "count": "40", "note": ""}), (6, {"name": "李心理", "count": "3", "note": "补录"})]


def test_vertically_merged_data_cells_repeat(tmp_path: Path) -> None:
    """A town merged over three rows belongs to each of them."""
    path = xlsx(tmp_path / "m.xlsx", [["答题数", "姓名"], [1, "甲"], [2, "乙"], [3, "丙"]], merges=("A2:A4",))
    assert [r.cells["count"] for r in read_table(path, COLUMNS).rows] == ["1", "1", "1"]


def test_csv_named_xlsx_and_xlsx_named_csv(tmp_path: Path) -> None:
    """The bytes decide the format, never the name."""
    fake = excel_csv(tmp_path / "专家.xlsx", ROWS)
    assert table(fake) == EXPECTED
    real = xlsx(tmp_path / "专家.csv", ROWS)
    assert table(real) == EXPECTED


@pytest.mark.parametrize("header", [["姓 名", "答题数"], ["　姓名　", " 答题数 "], ["Name", "ANSWERS"],
                                    ["姓名*", "答题数＊"], ["ｎａｍｅ", "答题数"]])
def test_headers_match_after_trimming(tmp_path: Path, header: list[str]) -> None:
    """Half- and full-width spaces, case, full-width letters and a required-mark asterisk."""
    path = excel_csv(tmp_path / "m.csv", [header, ["张律师", "40"]])
    assert table(path) == [(2, {"name": "张律师", "count": "40"})]


def test_cells_are_trimmed_of_both_widths_of_space(tmp_path: Path) -> None:
    """A name typed with a full-width space around it is the same name."""
    path = excel_csv(tmp_path / "m.csv", [["姓名", "答题数"], ["\u3000张律师 ", " 40\u3000"]])
    assert table(path) == [(2, {"name": "张律师", "count": "40"})]


def test_header_below_a_title_row_in_csv(tmp_path: Path) -> None:
    """A title line above the header, as people type it in Excel."""
    path = excel_csv(tmp_path / "m.csv", [["十一月统计", "", ""], ["姓名", "答题数"], ["张律师", "40"]])
    assert table(path) == [(3, {"name": "张律师", "count": "40"})]


@pytest.mark.parametrize("make, expected", [
    (lambda p: excel_csv(p, [["姓名", "单位"], ["张", "律协"]]), ["第 1 行：表头缺少列：答题数（该行的表头为：姓名、"
                                                           "单位）"]),
    (lambda p: excel_csv(p, [["姓名", "答题数"]]), ["第 1 行：表头下面没有数据行"]),
    (lambda p: excel_csv(p, [["姓名", "name", "答题数"], ["张", "张", "1"]]),
     ["第 1 行：表头中有重复的列：姓名、name，无法确定使用哪一列"]),
    (lambda p: excel_csv(p, [[], [""]]), ["文件是空的，没有表头和数据"]),
])
def test_header_problems_are_named(tmp_path: Path, make, expected: list[str]) -> None:
    """Missing and repeated columns, a header without rows, a file of blank lines."""
    assert refused(make(tmp_path / "m.csv")) == expected


@pytest.mark.parametrize("content, expected", [
    (b"", "文件是空的，没有表头和数据"),
    (b"\r\n \r\n", "文件是空的，没有表头和数据"),
    (bytes(range(256)) * 8, "这不是表格文件：请上传 .xlsx，或在 Excel 中“另存为”CSV 文件"),
    ("名前,点数\n".encode("big5", errors="ignore") + b"\x80\xff",
     "无法识别文件的编码（既不是 UTF-8，也不是 GBK/GB18030）：请在 Excel 中“另存为”.xlsx 或“CSV UTF-8（逗号分隔）"
     "”后重新导入"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "这是旧版 Excel（.xls）文件：请在 Excel 中“另存为”.xlsx "
                                                       "后重新导入"),
])
def test_unreadable_files_get_one_line(tmp_path: Path, content: bytes, expected: str) -> None:
    """Empty, binary, neither UTF-8 nor GBK, old .xls: one line, whatever the name says."""
    for name in ("m.csv", "m.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        assert refused(path) == [expected]


def test_junk_and_a_zip_that_is_no_workbook(tmp_path: Path) -> None:
    """Random bytes, and a .docx-like zip named .xlsx: never a BadZipFile traceback."""
    assert refused(junk(tmp_path / "m.xlsx")) == ["这不是表格文件：请上传 .xlsx，或在 Excel 中“另存为”CSV 文件"]
    with zipfile.ZipFile(tmp_path / "w.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert refused(tmp_path / "w.xlsx") == [
        "文件是压缩包，但不是可读取的 Excel 工作簿（.xlsx）：请用 Excel 打开后重新保存为 .xlsx"]
    with zipfile.ZipFile(xlsx(tmp_path / "ok.xlsx", ROWS)) as good, \
            zipfile.ZipFile(tmp_path / "broken.xlsx", "w") as broken:
        for name in good.namelist():
            broken.writestr(name, b"<broken" if name == "xl/workbook.xml" else good.read(name))
    assert refused(tmp_path / "broken.xlsx") == [
        "文件是压缩包，但不是可读取的 Excel 工作簿（.xlsx）：请用 Excel 打开后重新保存为 .xlsx"]
    truncated = tmp_path / "t.xlsx"
    truncated.write_bytes(xlsx(tmp_path / "ok.xlsx", ROWS).read_bytes()[:300])
    assert refused(truncated) == ["文件是压缩包，但不是可读取的 Excel 工作簿（.xlsx）：请用 Excel 打开后重新保存为 "
                                  ".xlsx"]


def test_missing_file(tmp_path: Path) -> None:
    """A path that is not a file."""
    assert refused(tmp_path / "nope.csv") == [f"找不到文件 {tmp_path / 'nope.csv'}"]
    assert refused(tmp_path) == [f"找不到文件 {tmp_path}"]


def test_a_big5_file_is_refused_not_misread(tmp_path: Path) -> None:
    """Big5 bytes are not GBK; read as GB18030 they land in its private-use area: refused."""
    path = tmp_path / "m.csv"
    path.write_bytes("姓名,答題數\n張律師,40\n".encode("big5"))
    assert any("\ue000" <= ch <= "\uf8ff" for ch in path.read_bytes().decode("gb18030"))
    assert refused(path)[0].startswith("无法识别文件的编码")


def test_grid_line_numbers_follow_records(tmp_path: Path) -> None:
    """A quoted cell holding a line break is one record: later lines keep Excel's row numbers."""
    path = tmp_path / "m.csv"
    path.write_bytes('姓名,答题数\r\n"张\r\n律师",40\r\n李,3\r\n'.encode("gbk"))
    assert read_grid(path) == [(1, ["姓名", "答题数"]), (2, ["张\r\n律师", "40"]), (3, ["李", "3"])]


@pytest.mark.parametrize("text, value", [("40", 40), ("40.0", 40), ("１２", 12), ("1,200", 1200), (" 7 ", 7),
                                         ("-4", None), ("2.5", None), ("三", None), ("", None), ("4e2", None)])
def test_whole_number(text: str, value: int | None) -> None:
    """Whole, non-negative numbers as spreadsheets and keyboards write them."""
    assert whole_number(text) == value


@pytest.mark.parametrize("text, value", [("95", 95.0), ("87.5", 87.5), ("９０", 90.0), (".5", 0.5),
                                         ("nan", None), ("inf", None), ("", None), ("九十", None)])
def test_decimal(text: str, value: float | None) -> None:
    """Decimals; nan and inf are not numbers an operator means."""
    assert decimal(text) == value


def test_header_key_folds_what_people_vary() -> None:
    """Width, spaces, case and the asterisk do not matter."""
    assert header_key("　答 题 数＊") == header_key("答题数") == "答题数"
    assert header_key("Platform ID") == header_key("platformid")


def test_a_repeated_header_row_is_not_data(tmp_path: Path) -> None:
    """A header repeated further down (pasted sheets, a header merged down two rows) is skipped."""
    path = excel_csv(tmp_path / "m.csv", [["姓名", "答题数"], ["张律师", "40"], ["姓名", "答题数"], ["李心理", "3"]])
    assert table(path) == [(2, {"name": "张律师", "count": "40"}), (4, {"name": "李心理", "count": "3"})]


def test_an_upload_is_read_from_its_bytes(tmp_path: Path) -> None:
    """A console upload has no path: the same reader takes its bytes, with the same refusals."""
    data = excel_csv(tmp_path / "m.csv", ROWS).read_bytes()
    assert [(r.line, r.cells) for r in read_table(data, COLUMNS).rows] == EXPECTED
    workbook = xlsx(tmp_path / "m.xlsx", ROWS).read_bytes()
    assert [(r.line, r.cells) for r in read_table(workbook, COLUMNS).rows] == EXPECTED
    with pytest.raises(ImportFailed) as exc:
        read_table(b"", COLUMNS)
    assert error_lines(exc.value.errors) == ["文件是空的，没有表头和数据"]


HANZI = "".join(chr(c) for c in range(0x4E00, 0x9FA6) if chr(c).encode("gbk", errors="ignore"))
CELL = st.text(alphabet=st.sampled_from(HANZI[:3000] + "abcXYZ019 ,\"（）·—"), max_size=12)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(CELL, min_size=2, max_size=2), min_size=1, max_size=8),
       encoding=st.sampled_from(["gbk", "utf-8-sig", "utf-8"]))
def test_any_table_reads_back_as_written(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]],
                                         encoding: str) -> None:
    """Whatever the text (commas, quotes, spaces), a Chinese Excel CSV reads back cell for cell."""
    path = excel_csv(tmp_path_factory.mktemp("p") / "m.csv", [["姓名", "答题数"], *rows], encoding=encoding)
    expected = [(n, {"name": a.strip(), "count": b.strip()}) for n, (a, b) in enumerate(rows, start=2)
                if a.strip() or b.strip()]
    if not expected:
        assert refused(path) == ["第 1 行：表头下面没有数据行"]
    else:
        assert table(path) == expected
