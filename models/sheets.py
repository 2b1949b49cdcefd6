"""One reader for every table the operators give us: .csv (UTF-8 or GBK) and .xlsx, told by content.

Operators save files from Chinese Excel: CSV in GBK with CRLF, CSV UTF-8 with a BOM, workbooks
with a merged title row or merged group headers, notes in extra columns, blank rows. Every import
(organisations, experts, monthly figures, judges' scores) reads through `read_table`, so each of
them accepts the same files and refuses the same mistakes with the same sentences.
"""
from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

from core.texts import t

XLSX_MAGIC = b"PK\x03\x04"                          # a zip archive, which an .xlsx is
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"    # the old binary .xls (and .doc) format
HEADER_SCAN_ROWS = 10   # a title row or two may sit above the header; look this far down for it
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HEADER_NOISE = re.compile(r"[\s*＊]")  # spaces of either width and the 'required' asterisk
FILE_LINE = 0           # RowError.line for a problem of the whole file


@dataclasses.dataclass(frozen=True)
class Column:
    """A column an import understands: its key and the headers it may have (the first is shown)."""

    key: str
    names: tuple[str, ...]
    required: bool = True

    @property
    def label(self) -> str:
        """The header shown to operators."""
        return self.names[0]


@dataclasses.dataclass(frozen=True)
class RowError:
    """Why a line (or the whole file, line 0) cannot be imported: a catalog key and its values."""

    line: int
    key: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def reason(self) -> str:
        """The reason in the operators' words."""
        return t(self.key, **dict(self.values))


def row_error(line: int, key: str, **values: object) -> RowError:
    """A row error with its values as text."""
    return RowError(line, key, tuple((k, str(v)) for k, v in values.items()))


class ImportFailed(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(f"{e.line}: {e.key}" for e in errors))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class Row:
    """One data row: its line in the file (as Excel numbers it) and its text by column key."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, key: str) -> str:
        """The row's text in a column ('' when the file has no such column)."""
        return self.cells.get(key, "")


@dataclasses.dataclass(frozen=True)
class Table:
    """The rows under the header, and which of the known columns the header has."""

    header_line: int
    present: frozenset[str]
    rows: list[Row]


Grid = list[tuple[int, list[str]]]


def read_table(source: Path | bytes, columns: tuple[Column, ...], one_of: tuple[str, ...] = ()) -> Table:
    """Read a .csv or .xlsx file (a path, or an upload's bytes) into rows by column.

    ImportFailed says what is wrong with the file, or with its header.
    """
    return match_header(read_grid(source), columns, one_of)


def read_grid(source: Path | bytes) -> Grid:
    """Every row of the file as stripped text cells with its line number, whatever the format."""
    data = source if isinstance(source, bytes) else _read_bytes(source)
    if not data.strip():
        raise _file_error("sheets.empty")
    if data.startswith(XLSX_MAGIC):
        return _xlsx_grid(data)
    if data.startswith(OLE_MAGIC):
        raise _file_error("sheets.xls")
    return _csv_grid(decode(data))


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a path that is no file is refused."""
    if not path.is_file():
        raise _file_error("sheets.no_file", path=path)
    return path.read_bytes()


def _file_error(key: str, **values: object) -> ImportFailed:
    """A problem of the whole file."""
    return ImportFailed([row_error(FILE_LINE, key, **values)])


def decode(data: bytes) -> str:
    """Text of a CSV: UTF-8 (BOM or not), UTF-16 with a BOM, else GBK/GB18030; never a guess."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    if CONTROL_BYTES.search(data):
        raise _file_error("sheets.binary")  # no spreadsheet text holds these; UTF-8 and GBK agree
    for encoding in ("utf-8-sig", "gbk", "gb18030"):  # GBK is what Chinese Excel writes
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(_private_use(ch) for ch in text):
            return text
    raise _file_error("sheets.encoding")


def _strict(data: bytes, encoding: str) -> str:
    """Decode or refuse the file's encoding."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise _file_error("sheets.encoding") from None


def _private_use(ch: str) -> bool:
    """A character no real table holds: a sign the bytes were read in the wrong encoding."""
    return unicodedata.category(ch) in ("Co", "Cs")


def _csv_grid(text: str) -> Grid:
    """The CSV's records, numbered as Excel numbers its rows; tab-separated text is accepted."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise _file_error("sheets.binary") from None
    return [(line, [cell_text(c) for c in cells]) for line, cells in enumerate(records, start=1)]


def _xlsx_grid(data: bytes) -> Grid:
    """The first visible worksheet, each merged cell's value repeated down its rows."""
    from openpyxl import load_workbook  # heavy; only the imports need it

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
        sheet = next(s for s in book.worksheets if s.sheet_state == "visible")
        grid = [list(row) for row in sheet.iter_rows(values_only=True)]
        merged = list(sheet.merged_cells.ranges)
    except Exception:  # noqa: BLE001 - a damaged zip raises BadZipFile, KeyError, XML ParseError...
        raise _file_error("sheets.bad_xlsx") from None  # ...; all mean "not a readable workbook"
    for cells in merged:
        _fill(grid, cells.min_row, cells.max_row, cells.min_col)
    return [(line, [cell_text(v) for v in row]) for line, row in enumerate(grid, start=1)]


def _fill(grid: list[list[Any]], top: int, bottom: int, left: int) -> None:
    """Repeat a merged range's value down its first column (openpyxl leaves the rest empty).

    Only down, not across: a header merged over two columns names one column, not two, and a
    title or group header merged across is skipped on the way to the real header anyway.
    """
    value = grid[top - 1][left - 1] if top <= len(grid) and left <= len(grid[top - 1]) else None
    for row in grid[top - 1:bottom]:
        row.extend([None] * (left - len(row)))
        row[left - 1] = value


def cell_text(value: Any) -> str:
    """A cell as stripped text; whole numbers stored as floats lose their '.0', dates read ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    return str(value).strip()


def header_key(text: str) -> str:
    """A header as it is compared: full-width folded, spaces and '*' dropped, case ignored."""
    return HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def match_header(grid: Grid, columns: tuple[Column, ...], one_of: tuple[str, ...] = ()) -> Table:
    """Find the header among the first rows and key the rows under it by column."""
    candidates = [(line, cells) for line, cells in grid[:HEADER_SCAN_ROWS] if any(cells)]
    if not candidates:
        raise _file_error("sheets.empty")
    scored = [(line, cells, _positions(cells, columns)) for line, cells in candidates]
    header = next((s for s in scored if not _missing(s[2], columns, one_of)), None)
    if header is None:
        line, cells, found = max(scored, key=lambda s: len(s[2]))
        raise ImportFailed([row_error(line, "sheets.missing_columns",
                                      columns=t("list.separator").join(_missing(found, columns, one_of)),
                                      found=t("list.separator").join(c for c in cells if c)
                                      or t("sheets.blank_cell"))])
    line, cells, found = header
    _refuse_repeated(line, cells, columns)
    heading = {key: _at(cells, i) for key, i in found.items()}
    rows = [Row(n, texts) for n, texts in ((n, {key: _at(row, i) for key, i in found.items()})
                                           for n, row in grid if n > line)
            if any(texts.values()) and texts != heading]  # a header merged down, or repeated
    if not rows:
        raise ImportFailed([row_error(line, "sheets.no_rows")])
    return Table(line, frozenset(found), rows)


def _positions(cells: list[str], columns: tuple[Column, ...]) -> dict[str, int]:
    """Where each known column is in a header row (its first occurrence)."""
    wanted = {header_key(name): col.key for col in columns for name in col.names}
    found: dict[str, int] = {}
    for index, text in enumerate(cells):
        key = wanted.get(header_key(text))
        if key is not None and key not in found:
            found[key] = index
    return found


def _missing(found: dict[str, int], columns: tuple[Column, ...], one_of: tuple[str, ...]) -> list[str]:
    """The headers of required columns the row lacks (one_of: at least one of these)."""
    missing = [c.label for c in columns if c.required and c.key not in found]
    if one_of and not any(k in found for k in one_of):
        missing.append(t("sheets.either").join(c.label for c in columns if c.key in one_of))
    return missing


def _refuse_repeated(line: int, cells: list[str], columns: tuple[Column, ...]) -> None:
    """Two header cells naming the same column leave it ambiguous: refuse, naming them."""
    by_key: dict[str, list[str]] = {}
    for col in columns:
        names = {header_key(n) for n in col.names}
        by_key[col.key] = [c for c in cells if c and header_key(c) in names]
    repeated = next((hits for hits in by_key.values() if len(hits) > 1), None)
    if repeated:
        raise ImportFailed([row_error(line, "sheets.repeated_column", columns="、".join(repeated))])


def _at(row: list[str], index: int) -> str:
    """The row's cell at index, empty past its end."""
    return row[index] if index < len(row) else ""


def whole_number(text: str) -> int | None:
    """A non-negative whole number (full-width digits, thousands commas, '40.0' accepted)."""
    text = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    text = text.removesuffix(".0") if "." in text else text
    return int(text) if text.isascii() and text.isdigit() else None


def decimal(text: str) -> float | None:
    """A finite decimal number, or None when the text is not one."""
    text = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    return float(text)


def error_lines(errors: list[RowError]) -> list[str]:
    """Each error as one line: '第 N 行：reason', or 'reason' for the file itself."""
    return [t("sheets.line", line=e.line, reason=e.reason) if e.line != FILE_LINE else e.reason
            for e in errors]
