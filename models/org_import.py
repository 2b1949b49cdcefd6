"""Bulk registration of organisations from a .csv or .xlsx table: all rows or none."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import tidy_name
from models.orgs import NAME_MAX, Organisation, OrgKind, add_org
from models.sheets import Column, ImportFailed, Row, RowError, read_table, row_error
from models.towns import resolve_town

COLUMNS = (Column("name", ("名称", "组织名称", "name")), Column("town", ("镇街", "所在镇街", "town")),
           Column("kind", ("类型", "组织类型", "kind"), required=False))
KINDS = {"镇街团委": OrgKind.TOWN, "town": OrgKind.TOWN, "青年之家": OrgKind.YOUTH_HOME,
         "youth_home": OrgKind.YOUTH_HOME, "组织用户": OrgKind.ORG, "org": OrgKind.ORG, "": OrgKind.ORG}


@dataclasses.dataclass(frozen=True)
class OrgRow:
    """One valid row."""

    line: int
    name: str
    town: str
    kind: OrgKind


def check_file(session: Session, path: Path, towns_file: str) -> list[OrgRow]:
    """Read and validate every row; raise ImportFailed listing every bad one."""
    rows = read_table(path, COLUMNS).rows
    good: list[OrgRow] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for row in rows:
        result = _check(session, row, towns_file, seen)
        if isinstance(result, OrgRow):
            good.append(result)
        else:
            errors.append(result)
    if errors:
        raise ImportFailed(errors)
    return good


def _check(session: Session, row: Row, towns_file: str, seen: set[str]) -> OrgRow | RowError:
    """One row: a name (new, not repeated), a known town, a known kind."""
    name = tidy_name(row["name"], NAME_MAX)
    if name is None:
        return row_error(row.line, "orgs.import.name", max=NAME_MAX)
    if name in seen:
        return row_error(row.line, "orgs.import.repeated", name=name)
    seen.add(name)
    if session.scalar(select(Organisation.id).where(Organisation.name == name)):
        return row_error(row.line, "orgs.import.exists", name=name)
    town = resolve_town(row["town"], towns_file) if row["town"] else None
    if town is None:
        return row_error(row.line, "orgs.import.town", town=row["town"])
    if row["kind"] not in KINDS:
        return row_error(row.line, "orgs.import.kind", kind=row["kind"])
    return OrgRow(row.line, name, town, KINDS[row["kind"]])


def import_orgs(session: Session, rows: list[OrgRow]) -> list[Organisation]:
    """Register every checked row in the caller's transaction."""
    return [add_org(session, row.name, row.town, row.kind) for row in rows]
