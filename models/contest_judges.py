"""Judges' scores for a voting round, loaded from the operators' .csv/.xlsx table: all rows or none."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from core.texts import t
from models.contest_fraud import record
from models.contest_rounds import ContestError, RoundState, entries, get_round
from models.sheets import Column, ImportFailed, Row, RowError, decimal, read_table, row_error, whole_number

COLUMNS = (Column("number", ("编号", "项目编号", "number")),
           Column("score", ("评委得分", "评委评分", "评分", "score")))
SCORE_MIN, SCORE_MAX = 0.0, 100.0  # the judges' scale, as the published rules state it


def load_judges(session: Session, month: str, path: Path, now: dt.datetime, actor: str) -> int:
    """Set the showcase's judges' scores from the file; raise ImportFailed listing every bad row."""
    row = get_round(session, month)
    if row is None or row.state != RoundState.VOTING:
        raise ContestError("contest.judge.not_voting", month=month)
    by_number = {e.number: e for e in entries(session, row.id)}
    scores = read_scores(path, set(by_number))
    for number, score in scores.items():
        by_number[number].judge_score = score
    record(session, row.id, "judge", actor, now, scores={str(k): v for k, v in scores.items()})
    return len(scores)


def read_scores(path: Path, numbers: set[int]) -> dict[int, float]:
    """Showcase number -> score from the file, every row checked against the showcase's numbers."""
    scores: dict[int, float] = {}
    lines: dict[int, int] = {}
    errors: list[RowError] = []
    for item in read_table(path, COLUMNS).rows:
        result = _check(item, numbers, lines)
        if isinstance(result, RowError):
            errors.append(result)
        else:
            lines[result[0]] = item.line
            scores[result[0]] = result[1]
    if errors:
        raise ImportFailed(errors)
    return scores


def _check(item: Row, numbers: set[int], lines: dict[int, int]) -> tuple[int, float] | RowError:
    """One row: a showcase number not given before and a score on the judges' scale."""
    number = whole_number(item["number"])
    if number is None:
        return row_error(item.line, "contest.judge.bad_number", value=item["number"] or t("sheets.blank_cell"))
    if number not in numbers:
        return row_error(item.line, "contest.judge.unknown", number=number)
    if number in lines:
        return row_error(item.line, "contest.judge.repeated", number=number, first=lines[number])
    score = decimal(item["score"])
    if score is None or not SCORE_MIN <= score <= SCORE_MAX:
        return row_error(item.line, "contest.judge.bad_score", value=item["score"] or t("sheets.blank_cell"),
                         min=f"{SCORE_MIN:g}", max=f"{SCORE_MAX:g}")
    return number, score
