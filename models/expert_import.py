"""Importing the expert roster and the monthly figures: every row checked, all or nothing."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.texts import t
from models.base import tidy_name
from models.experts import NAME_MAX, PLATFORM_ID_MAX, Expert, ExpertMonth
from models.sheets import Column, ImportFailed, Row, RowError, read_table, row_error, whole_number

STAT_COLUMNS = (
    Column("name", ("专家", "专家姓名", "姓名", "name", "expert"), required=False),
    Column("platform_id", ("平台ID", "专家ID", "platform_id", "platform id"), required=False),
    Column("answers", ("答题数", "回答数", "answers")),
    Column("interacted", ("互动答题数", "有互动的答题数", "interacted", "interacted_answers")),
    Column("questions", ("提问数", "问题数", "questions"), required=False),
    Column("likes", ("点赞数", "获赞数", "likes"), required=False),
)
ROSTER_COLUMNS = (
    Column("name", ("姓名", "专家", "专家姓名", "name", "expert")),
    Column("field", ("领域", "专业领域", "field")),
    Column("platform_id", ("平台ID", "专家ID", "platform_id", "platform id"), required=False),
)
LABELS = {c.key: c.label for c in STAT_COLUMNS}
T = TypeVar("T")


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


@dataclasses.dataclass(frozen=True)
class StatsImported:
    """What an import of a month's figures did."""

    imported: int
    replaced: int   # rows the month held before (0 on its first import)


def import_stats(session: Session, path: Path, month: str, now: dt.datetime) -> StatsImported:
    """Replace the month's figures with the file's; raise ImportFailed listing every bad row."""
    by_name, by_pid = _lookups(session)
    rows = parse_stats(read_table(path, STAT_COLUMNS, one_of=("name", "platform_id")).rows,
                       by_name, by_pid)
    replaced = session.scalar(select(func.count(ExpertMonth.id)).where(ExpertMonth.month == month))
    session.execute(delete(ExpertMonth).where(ExpertMonth.month == month))
    session.add_all(ExpertMonth(expert_id=r.expert_id, month=month, answers=r.answers,
                                interacted=r.interacted, questions=r.questions, likes=r.likes,
                                imported_at=now)
                    for r in rows)
    session.flush()
    return StatsImported(len(rows), replaced or 0)


def _lookups(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Experts by name and by platform id."""
    experts = list(session.execute(select(Expert.id, Expert.name, Expert.platform_id)))
    return ({name: i for i, name, _ in experts}, {pid: i for i, _, pid in experts if pid})


def parse_stats(rows: list[Row], by_name: dict[str, int], by_pid: dict[str, int]) -> list[StatRow]:
    """Check every row of a figures file; raise ImportFailed with all the bad ones."""
    good: list[StatRow] = []
    errors: list[RowError] = []
    seen: dict[int, int] = {}
    for row in rows:
        result = _stat_row(row, by_name, by_pid)
        if isinstance(result, StatRow) and result.expert_id in seen:
            result = row_error(row.line, "experts.import.duplicate", first=seen[result.expert_id])
        if isinstance(result, RowError):
            errors.append(result)
            continue
        seen[result.expert_id] = row.line
        good.append(result)
    return _all_or_nothing(good, errors)


def _all_or_nothing(good: list[T], errors: list[RowError]) -> list[T]:
    """The good rows, unless there is any bad one."""
    if errors:
        raise ImportFailed(errors)
    return good


def _stat_row(row: Row, by_name: dict[str, int], by_pid: dict[str, int]) -> StatRow | RowError:
    """Validate one figures row."""
    pid, name = row["platform_id"], row["name"]
    expert_id = by_pid.get(pid) if pid else by_name.get(name)
    if expert_id is None:
        return row_error(row.line, "experts.import.unknown_expert", expert=pid or name or t("sheets.blank_cell"))
    numbers: dict[str, int | None] = {}
    for col in ("answers", "interacted", "questions", "likes"):
        numbers[col] = whole_number(row[col])
        if numbers[col] is None and (row[col] or col in ("answers", "interacted")):
            return row_error(row.line, "experts.import.not_count", column=LABELS[col],
                             value=row[col] or t("sheets.blank_cell"))
    answers, interacted = numbers["answers"] or 0, numbers["interacted"] or 0
    if interacted > answers:
        return row_error(row.line, "experts.import.interacted_over", interacted=interacted,
                         answers=answers)
    return StatRow(row.line, expert_id, answers, interacted, numbers["questions"], numbers["likes"])


def import_roster(session: Session, path: Path, fields: tuple[str, ...]) -> tuple[int, int]:
    """Register or update the file's experts; return (added, updated)."""
    rows = parse_roster(read_table(path, ROSTER_COLUMNS).rows, fields)
    owners = {pid: name for pid, name in session.execute(
        select(Expert.platform_id, Expert.name).where(Expert.platform_id.is_not(None)))}
    taken = [row_error(r.line, "experts.import.pid_taken", platform_id=r.platform_id,
                       name=owners[r.platform_id])
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


def parse_roster(rows: list[Row], fields: tuple[str, ...]) -> list[RosterRow]:
    """Check every row of a roster; raise ImportFailed with all the bad ones."""
    good: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row in rows:
        result = _roster_row(row, fields, seen)
        if isinstance(result, RowError):
            errors.append(result)
        else:
            seen[result.name] = row.line
            seen.update({f"#{result.platform_id}": row.line} if result.platform_id else {})
            good.append(result)
    return _all_or_nothing(good, errors)


def _roster_row(row: Row, fields: tuple[str, ...], seen: dict[str, int]) -> RosterRow | RowError:
    """Validate one roster row."""
    name, field, pid = tidy_name(row["name"], NAME_MAX), row["field"], row["platform_id"]
    if name is None:
        return row_error(row.line, "experts.import.bad_name", max=NAME_MAX)
    if field not in fields:
        return row_error(row.line, "experts.import.bad_field", field=field or t("sheets.blank_cell"),
                         fields="、".join(fields))
    if len(pid) > PLATFORM_ID_MAX:
        return row_error(row.line, "experts.import.bad_pid", max=PLATFORM_ID_MAX)
    if name in seen or (pid and f"#{pid}" in seen):
        return row_error(row.line, "experts.import.duplicate", first=seen.get(name) or seen[f"#{pid}"])
    return RosterRow(row.line, name, field, pid or None)
