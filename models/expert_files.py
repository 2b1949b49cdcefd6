"""Reading the operators' .csv/.xlsx files: rows with their line numbers, headers by alias."""
from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path
from typing import Any

# Column -> accepted headers (Chinese as the platform exports them, and English).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("专家", "专家姓名", "姓名", "name", "expert"),
    "platform_id": ("平台ID", "专家ID", "platform_id", "platform id"),
    "field": ("领域", "专业领域", "field"),
    "answers": ("答题数", "回答数", "answers"),
    "interacted": ("互动答题数", "有互动的答题数", "interacted", "interacted_answers"),
    "questions": ("提问数", "问题数", "questions"),
    "likes": ("点赞数", "获赞数", "likes"),
}


@dataclasses.dataclass(frozen=True)
class RowError:
    """A bad row (or header, line 1): a reason key of the text catalog and its values."""

    line: int
    reason: str
    values: tuple[tuple[str, str], ...] = ()


class ImportFailed(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


def error(line: int, reason: str, **values: object) -> RowError:
    """A row error with its values as text."""
    return RowError(line, reason, tuple((k, str(v)) for k, v in values.items()))


def read_rows(path: Path) -> list[tuple[int, list[Any]]]:
    """Every row of the first sheet (or the CSV) with its 1-based line number."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportFailed([error(0, "no_file", path=path)])
    if suffix == ".csv":
        return list(enumerate(csv.reader(io.StringIO(_decode(path.read_bytes()))), start=1))
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    raise ImportFailed([error(0, "bad_type", suffix=suffix or "?")])


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 as Excel on Chinese Windows saves CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _xlsx_rows(path: Path) -> list[tuple[int, list[Any]]]:
    """The first worksheet's rows, values only."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
        raise ImportFailed([error(0, "bad_xlsx", detail=type(exc).__name__)]) from exc
    try:
        return [(i, list(row)) for i, row in enumerate(book.worksheets[0].iter_rows(values_only=True),
                                                       start=1)]
    finally:
        book.close()


def columns(header: list[Any], required: tuple[str, ...], one_of: tuple[str, ...] = ()) -> dict[str, int]:
    """Map each known column to its index; fail naming the missing required ones."""
    wanted = {alias.casefold(): col for col, names in ALIASES.items() for alias in names}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        col = wanted.get(cell_text(cell).casefold())
        if col and col not in found:
            found[col] = index
    missing = [ALIASES[c][0] for c in required if c not in found]
    if one_of and not any(c in found for c in one_of):
        missing.append("/".join(ALIASES[c][0] for c in one_of))
    if missing:
        raise ImportFailed([error(1, "missing_columns", columns="、".join(missing))])
    return found


def cell_text(value: Any) -> str:
    """A cell as stripped text; integers written as floats by spreadsheets lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell(row: list[Any], found: dict[str, int], col: str) -> str:
    """The row's text in a column ('' when the column or the cell is absent)."""
    index = found.get(col)
    return cell_text(row[index]) if index is not None and index < len(row) else ""


def count(text: str) -> int | None:
    """A non-negative whole number, or None when the text is not one."""
    text = text.replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() and text.isascii() else None


def data_rows(rows: list[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    """The rows after the header, without blank ones."""
    return [(line, row) for line, row in rows[1:] if any(cell_text(v) for v in row)]
