"""The catalog and how a domain's refusal is worded: a phrase's values, lists, nested phrases."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from core.texts import CATALOG, Phrase, word
from models.contest_rounds import ContestError
from models.expert_eval import NotReady
from models.refusals import Refused

ROOT = Path(__file__).resolve().parent.parent
REFUSALS = {"ContestError", "NotReady", "Refused"}


def test_a_phrase_is_worded_with_its_values() -> None:
    """A plain value fills its place."""
    assert word(Phrase("contest.error.no_round", {"month": "2017-11"})) == "2017-11 没有大赛"


def test_a_list_is_listed_with_the_catalogs_separator() -> None:
    """A tuple or list value reads 7、9; an empty phrase has no values."""
    phrase = Phrase("contest.error.not_candidates", {"month": "2017-11", "items": (7, 9)})
    assert word(phrase) == "这些活动不是 2017-11 已审核通过的设计大赛申报：7、9"
    assert word(Phrase("contest.error.shortlist_repeated")) == "入围名单中有重复的活动"


def test_a_phrase_inside_a_phrase_is_worded_first() -> None:
    """The quarter's pending months, each its own sentence, in one line."""
    months = (Phrase("experts.cli.month_missing", {"month": "2017-10"}),
              Phrase("experts.cli.month_imported", {"month": "2017-12"}))
    text = word(Phrase("experts.cli.quarter_pending", {"quarter": "2017-Q4", "months": months}))
    assert text.startswith("2017-Q4 还不能评选：2017-10 尚未导入数据、2017-12 已导入数据但尚未评估。")


def test_a_moment_is_formatted_by_the_catalog() -> None:
    """The domain gives the moment; the sentence says how to show it."""
    opens = dt.datetime(2017, 11, 3, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert word(Phrase("contest.refuse.not_open", {"opens": opens})).startswith("投票将于 11月03日 00:00 开始")


@pytest.mark.parametrize("kind", [ContestError, NotReady])
def test_a_refusal_carries_its_phrase(kind: type[Refused]) -> None:
    """What a model raises is a code and values; its message is the code, not a sentence."""
    exc = kind("contest.error.no_entry", number=9)
    assert (str(exc), exc.phrase) == ("contest.error.no_entry", Phrase("contest.error.no_entry", {"number": 9}))
    assert word(exc.phrase) == "没有编号为 9 的入围项目"


def raised_keys() -> list[str]:
    """The catalog keys the project's code raises as refusals (the first argument, a literal)."""
    keys = []
    for path in [*(ROOT / "models").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") in REFUSALS and node.args
                    and isinstance(node.args[0], ast.Constant)):
                keys.append(node.args[0].value)
    return keys


def test_every_refusal_raised_has_its_sentence() -> None:
    """A key mistyped in a model would reach an operator as a KeyError: each is in the catalog."""
    keys = raised_keys()
    assert len(keys) > 25
    assert [k for k in keys if k not in CATALOG] == []
