"""Importing the expert roster and the monthly figures: every row checked, all or nothing."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.expert_files import (ALIASES, ImportFailed, RowError, cell, columns, count, data_rows,
                                 error, read_rows)
from models.experts import Expert, ExpertMonth

NAME_MAX = 50


@dataclasses.dataclass(frozen=True)
class StatRow:
    """One valid row of a monthly figures file."""

    line: int
    expert_id: int
    answers: int
    interacted: int
    questions: int | None
    likes: int | None


@dataclasses.dataclass(frozen=True)
class RosterRow:
    """One valid row of an expert roster."""

    line: int
    name: str
    field: str
    platform_id: str | None


def import_stats(session: Session, path: Path, month: str) -> int:
    """Replace the month's figures with the file's; raise ImportFailed listing every bad row."""
    by_name, by_pid = _lookups(session)
    rows = parse_stats(read_rows(path), by_name, by_pid)
    session.execute(delete(ExpertMonth).where(ExpertMonth.month == month))
    session.add_all(ExpertMonth(expert_id=r.expert_id, month=month, answers=r.answers,
                                interacted=r.interacted, questions=r.questions, likes=r.likes)
                    for r in rows)
    session.flush()
    return len(rows)


def _lookups(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Experts by name and by platform id."""
    experts = list(session.execute(select(Expert.id, Expert.name, Expert.platform_id)))
    return ({name: i for i, name, _ in experts}, {pid: i for i, _, pid in experts if pid})


def parse_stats(rows: list[tuple[int, list[Any]]], by_name: dict[str, int],
                by_pid: dict[str, int]) -> list[StatRow]:
    """Check every row of a figures file; raise ImportFailed with all the bad ones."""
    if not rows:
        raise ImportFailed([error(1, "empty")])
    found = columns(rows[0][1], ("answers", "interacted"), one_of=("name", "platform_id"))
    good: list[StatRow] = []
    errors: list[RowError] = []
    seen: dict[int, int] = {}
    for line, row in data_rows(rows):
        result = _stat_row(line, row, found, by_name, by_pid)
        if isinstance(result, StatRow) and result.expert_id in seen:
            result = error(line, "duplicate", first=seen[result.expert_id])
        if isinstance(result, RowError):
            errors.append(result)
            continue
        seen[result.expert_id] = line
        good.append(result)
    return _all_or_nothing(good, errors)


def _all_or_nothing(good: list[Any], errors: list[RowError]) -> list[Any]:
    """The good rows, unless there is any bad one (or none at all)."""
    if errors:
        raise ImportFailed(errors)
    if not good:
        raise ImportFailed([error(1, "empty")])
    return good


def _stat_row(line: int, row: list[Any], found: dict[str, int], by_name: dict[str, int],
              by_pid: dict[str, int]) -> StatRow | RowError:
    """Validate one figures row."""
    pid, name = cell(row, found, "platform_id"), cell(row, found, "name")
    expert_id = by_pid.get(pid) if pid else by_name.get(name)
    if expert_id is None:
        return error(line, "unknown_expert", expert=pid or name or "（空）")
    numbers: dict[str, int | None] = {}
    for col in ("answers", "interacted", "questions", "likes"):
        text = cell(row, found, col)
        numbers[col] = count(text)
        if numbers[col] is None and (text or col in ("answers", "interacted")):
            return error(line, "not_count", column=ALIASES[col][0], value=text or "（空）")
    if numbers["interacted"] > numbers["answers"]:  # type: ignore[operator]
        return error(line, "interacted_over", interacted=numbers["interacted"],
                     answers=numbers["answers"])
    return StatRow(line, expert_id, numbers["answers"], numbers["interacted"],  # type: ignore[arg-type]
                   numbers["questions"], numbers["likes"])


def import_roster(session: Session, path: Path, fields: tuple[str, ...]) -> tuple[int, int]:
    """Register or update the file's experts; return (added, updated)."""
    rows = parse_roster(read_rows(path), fields)
    owners = {pid: name for pid, name in session.execute(
        select(Expert.platform_id, Expert.name).where(Expert.platform_id.is_not(None)))}
    taken = [error(r.line, "pid_taken", platform_id=r.platform_id, name=owners[r.platform_id])
             for r in rows if r.platform_id in owners and owners[r.platform_id] != r.name]
    if taken:
        raise ImportFailed(taken)
    added = updated = 0
    for r in rows:
        expert = session.scalar(select(Expert).where(Expert.name == r.name))
        if expert is None:
            session.add(Expert(name=r.name, field=r.field, platform_id=r.platform_id))
            added += 1
        else:
            expert.field, expert.platform_id = r.field, r.platform_id or expert.platform_id
            updated += 1
        session.flush()
    return added, updated


def parse_roster(rows: list[tuple[int, list[Any]]], fields: tuple[str, ...]) -> list[RosterRow]:
    """Check every row of a roster; raise ImportFailed with all the bad ones."""
    if not rows:
        raise ImportFailed([error(1, "empty")])
    found = columns(rows[0][1], ("name", "field"))
    good: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in data_rows(rows):
        result = _roster_row(line, row, found, fields, seen)
        if isinstance(result, RowError):
            errors.append(result)
        else:
            seen[result.name] = line
            seen.update({f"#{result.platform_id}": line} if result.platform_id else {})
            good.append(result)
    return _all_or_nothing(good, errors)


def _roster_row(line: int, row: list[Any], found: dict[str, int], fields: tuple[str, ...],
                seen: dict[str, int]) -> RosterRow | RowError:
    """Validate one roster row."""
    name, field, pid = (cell(row, found, c) for c in ("name", "field", "platform_id"))
    if not name or len(name) > NAME_MAX:
        return error(line, "bad_name", max=NAME_MAX)
    if field not in fields:
        return error(line, "bad_field", field=field or "（空）", fields="、".join(fields))
    if name in seen or (pid and f"#{pid}" in seen):
        return error(line, "duplicate", first=seen.get(name) or seen[f"#{pid}"])
    return RosterRow(line, name, field, pid or None)
