"""Bulk registration of organisations from a .csv or .xlsx table: all rows or none."""
from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.texts import t
from models.orgs import OrgKind, Organisation, add_org
from models.towns import resolve_town

HEADERS = {"name": ("名称", "组织名称", "name"), "town": ("镇街", "所在镇街", "town"),
           "kind": ("类型", "组织类型", "kind")}
KINDS = {"镇街团委": OrgKind.TOWN, "town": OrgKind.TOWN, "青年之家": OrgKind.YOUTH_HOME,
         "youth_home": OrgKind.YOUTH_HOME, "组织用户": OrgKind.ORG, "org": OrgKind.ORG, "": OrgKind.ORG}
NAME_MAX = 100  # the organisations.name column


@dataclasses.dataclass(frozen=True)
class OrgRow:
    """One valid row."""

    line: int
    name: str
    town: str
    kind: OrgKind


@dataclasses.dataclass(frozen=True)
class RowError:
    """Why one line cannot be imported."""

    line: int
    reason: str


def read_table(path: Path) -> list[tuple[int, list[str]]]:
    """The file's rows as text cells with their line numbers (the header is line 1)."""
    if path.suffix.lower() == ".xlsx":
        sheet = load_workbook(path, read_only=True, data_only=True).active
        return [(n, ["" if c is None else str(c).strip() for c in row])
                for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            return [(reader.line_num, [c.strip() for c in row]) for row in reader]
    raise ValueError(t("orgs.import.suffix", suffix=path.suffix or "?"))


def columns(header: list[str]) -> dict[str, int]:
    """Where the name, town and (optional) kind columns are; ValueError names a missing one."""
    found = {key: header.index(word) for key, words in HEADERS.items() for word in words if word in header}
    for key in ("name", "town"):
        if key not in found:
            raise ValueError(t("orgs.import.header", column=HEADERS[key][0]))
    return found


def check_rows(session: Session, rows: list[tuple[int, list[str]]],
               towns_file: str) -> tuple[list[OrgRow], list[RowError]]:
    """Validate every row; the good ones and every problem with its line."""
    if not rows:
        return [], [RowError(1, t("orgs.import.empty"))]
    try:
        where = columns(rows[0][1])
    except ValueError as exc:
        return [], [RowError(rows[0][0], str(exc))]
    good, errors, seen = [], [], set()
    for line, cells in rows[1:]:
        if not any(cells):
            continue  # blank lines are harmless
        result = _check(session, line, cells, where, towns_file, seen)
        (good if isinstance(result, OrgRow) else errors).append(result)
    return good, errors


def _check(session: Session, line: int, cells: list[str], where: dict[str, int], towns_file: str,
           seen: set[str]) -> OrgRow | RowError:
    """One row: a name (new, not repeated), a known town, a known kind."""
    name, town_text, kind_text = (_cell(cells, where, key) for key in ("name", "town", "kind"))
    if not name or len(name) > NAME_MAX:
        return RowError(line, t("orgs.import.name", max=NAME_MAX))
    if name in seen:
        return RowError(line, t("orgs.import.repeated", name=name))
    seen.add(name)
    if session.scalar(select(Organisation.id).where(Organisation.name == name)):
        return RowError(line, t("orgs.import.exists", name=name))
    town = resolve_town(town_text, towns_file) if town_text else None
    if town is None:
        return RowError(line, t("orgs.import.town", town=town_text))
    if kind_text not in KINDS:
        return RowError(line, t("orgs.import.kind", kind=kind_text))
    return OrgRow(line, name, town, KINDS[kind_text])


def _cell(cells: list[str], where: dict[str, int], key: str) -> str:
    """A row's value for a column, empty when the column or the cell is missing."""
    index = where.get(key)
    return cells[index] if index is not None and index < len(cells) else ""


def import_orgs(session: Session, rows: list[OrgRow]) -> list[Organisation]:
    """Register every checked row in the caller's transaction."""
    return [add_org(session, row.name, row.town, row.kind) for row in rows]
