"""`contest judge`: judges' scores from any operator file, every bad row reported, all or none."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from bot.services import Services
from core.settings import Settings
from models.contest_fraud import ContestLog
from models.contest_rounds import Entry
from tests.support_contest import create_round
from tests.support_sheets import bom_csv, excel_csv, junk, merged_xlsx, xlsx

FAILED = "错误：导入失败，没有写入任何数据。请修改以下 {n} 处后重新导入："


@pytest.fixture()
def app(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
        tmp_path: Path) -> Flask:
    """A voting round of four showcase projects, judges' weight 0.6."""
    app = app_factory(settings_factory(contest={"judges_weight": 0.6, "frozen_dir": str(tmp_path)}))
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=4)
    return app


def judge(app: Flask, path: Path, month: str = "2017-11") -> Any:
    """Run `flask contest judge MONTH FILE`."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["contest", "judge", month, str(path)])


def scores(app: Flask) -> dict[int, float | None]:
    """The entries' judges' scores by showcase number."""
    with app.extensions["youthvoice"].db.session() as s:
        return {e.number: e.judge_score for e in s.scalars(select(Entry).order_by(Entry.number))}


def test_every_bad_row_is_reported_and_nothing_is_loaded(app: Flask, tmp_path: Path) -> None:
    """Each bad row with its line and reason; the good rows are not loaded either."""
    path = excel_csv(tmp_path / "评分.csv", [
        ["编号", "评委得分", "评委"],
        ["1", "88", "王"],        # 2 fine
        ["7", "40", ""],          # 3 not in the showcase
        ["2", "140", ""],         # 4 above the scale
        ["x", "50", ""],          # 5 not a number
        ["1", "70", ""],          # 6 repeats line 2
        ["3", "", ""],            # 7 no score
        ["4", "-1", ""],          # 8 below the scale
        ["", "", "备注：第二轮"],   # a note in an extra column: not a row
    ])
    result = judge(app, path)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        FAILED.format(n=6),
        "第 3 行：没有编号为 7 的入围项目",
        "第 4 行：评委得分应为 0 到 100 的数，实际为“140”",
        "第 5 行：编号应为入围项目的编号（正整数），实际为“x”",
        "第 6 行：编号 1 与第 2 行重复",
        "第 7 行：评委得分应为 0 到 100 的数，实际为“（空）”",
        "第 8 行：评委得分应为 0 到 100 的数，实际为“-1”"]
    assert scores(app) == {1: None, 2: None, 3: None, 4: None}


@pytest.mark.parametrize("make", [
    lambda p: excel_csv(p / "j.csv", [["编号", "评委得分"], ["1", "88"], ["2", "90.5"]]),
    lambda p: bom_csv(p / "j.csv", [["number", "score"], ["1", "88"], ["2", "90.5"]]),
    lambda p: xlsx(p / "j.xlsx", [["项目编号", "评分", "评委"], [1, 88, "王"], [2, 90.5, "李"]]),
    lambda p: merged_xlsx(p / "j.xlsx", "2017年11月评委评分", ["编号", "评委得分"], [[1, 88], [None, None], [2, 90.5]]),
    lambda p: excel_csv(p / "j.xlsx", [["编号", "评委得分"], ["1", "88"], ["2", "90.5"]]),
    lambda p: xlsx(p / "j.csv", [["编号", "评委得分"], [1.0, "88"], [2, "９０.５"]]),
], ids=["gbk", "utf8-bom-english", "xlsx", "xlsx-merged", "csv-named-xlsx", "xlsx-named-csv"])
def test_every_file_kind_loads(app: Flask, tmp_path: Path, make) -> None:
    """GBK and UTF-8 CSV, .xlsx plain and merged, each under the other's name."""
    result = judge(app, make(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output == "2017-11 已导入 2 个项目的评委评分（权重 0.6）\n"
    assert scores(app) == {1: 88.0, 2: 90.5, 3: None, 4: None}
    with app.extensions["youthvoice"].db.session() as s:
        assert s.scalar(select(ContestLog.detail).where(ContestLog.action == "judge")) == {
            "scores": {"1": 88.0, "2": 90.5}}


@pytest.mark.parametrize("make, line", [
    (lambda p: junk(p / "j.xlsx"), "错误：无法导入 j.xlsx：这不是表格文件：请上传 .xlsx，或在 Excel 中“另存为”CSV "
                                   "文件"),
    (lambda p: excel_csv(p / "j.csv", [["序号", "分数"], ["1", "2"]]),
     "第 1 行：表头缺少列：编号、评委得分（该行的表头为：序号、分数）"),
])
def test_unreadable_files(app: Flask, tmp_path: Path, make, line: str) -> None:
    """A junk file and a file without the columns: exact lines, nothing loaded."""
    result = judge(app, make(tmp_path))
    assert result.exit_code == 1 and line in result.output.splitlines()
    assert scores(app)[1] is None


def test_a_round_not_voting_is_refused(app: Flask, tmp_path: Path) -> None:
    """Another month has no voting round: one line."""
    path = excel_csv(tmp_path / "j.csv", [["编号", "评委得分"], ["1", "88"]])
    result = judge(app, path, "2017-12")
    assert (result.exit_code, result.output) == (1, "错误：2017-12 不在投票阶段，不能导入评委评分\n")
