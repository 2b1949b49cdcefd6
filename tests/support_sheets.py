"""Spreadsheet files as operators' tools write them, for the import tests."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

Rows = list[list[object]]


def excel_csv(path: Path, rows: Rows, encoding: str = "gbk") -> Path:
    """A CSV as Chinese Excel saves it ("CSV (逗号分隔)"): GBK, CRLF line ends, no BOM."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def bom_csv(path: Path, rows: Rows) -> Path:
    """A CSV as Excel saves "CSV UTF-8 (逗号分隔)": UTF-8 with a BOM, CRLF line ends."""
    return excel_csv(path, rows, encoding="utf-8-sig")


def xlsx(path: Path, rows: Rows, merges: tuple[str, ...] = ()) -> Path:
    """An .xlsx whose first sheet holds these rows, with these ranges merged (e.g. 'A1:C1')."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merged in merges:
        sheet.merge_cells(merged)
    book.save(path)
    return path


def merged_xlsx(path: Path, title: str, header: list[str], rows: Rows) -> Path:
    """A workbook as people lay it out: a title merged across, the first header merged down two
    rows, a group header merged over the last two columns (three or more) above their headers."""
    width = len(header)
    last = chr(ord("A") + width - 1)
    top: list[object] = [header[0], *([None] * (width - 1))]
    second: list[object] = [None, *header[1:]]
    merges = [f"A1:{last}1", "A2:A3"]
    if width >= 3:
        top[width - 2] = "统计"
        merges.append(f"{chr(ord(last) - 1)}2:{last}2")
    else:
        top[1:] = header[1:]
        merges += [f"{chr(ord('A') + i)}2:{chr(ord('A') + i)}3" for i in range(1, width)]
    return xlsx(path, [[title], top, second, *rows], merges=tuple(merges))


def junk(path: Path) -> Path:
    """A binary file that is no table (an image, an archive fragment...)."""
    path.write_bytes(bytes(range(256)) * 8)
    return path
