"""`filing export | review | actuals`, through the real command line."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.services import Services
from models.filing import FilingItem
from models.outbox import OutboxMessage
from tests.support_filing import activity, create_filing

FORM = ["序号", "镇街", "活动名称", "活动时间", "活动地点", "活动规模", "活动类型", "活动简介", "申请意向"]


def run(app: Flask, *args: str) -> object:
    """Invoke a command in the app's context, as `flask --app wsgi` does."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture()
def filed(services: Services) -> None:
    """Two organisations' filings: three activities in November and December."""
    with services.db.session() as s:
        create_filing(s, records=[
            activity("青年创业沙龙", scale=250, intentions=("contest", "goods", "linkage"),
                     plan="https://example.org/plan"),
            activity("志愿培训", day="2017-12-05", scale=40, intentions=("training",))])
        create_filing(s, "南城团委", "o_admin_2", [activity("南城话题", scale=101,
                                                             intentions=("goods",), town="南城")])


def test_export_xlsx_reads_back(app: Flask, filed: None, tmp_path: Path) -> None:
    """The form's columns in order, then ours; one row per activity; readable widths."""
    out = tmp_path / "form.xlsx"
    result = run(app, "filing", "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:9]) == FORM
    assert list(rows[0][9:13]) == ["组织", "申报时间", "审核状态", "符合条件"]
    assert [r[0] for r in rows[1:]] == [1, 2, 3]
    first = rows[1]
    assert first[1:7] == ("石龙", "青年创业沙龙", "2017-11-20", "石龙青年之家", 250, "线下活动")
    assert "方案：https://example.org/plan" in first[7]
    assert first[8] == "设计大赛、文化品支持、活动联动支持"
    assert (first[9], first[10], first[11]) == ("石龙团委", "2017-11-12 09:00", "待审核")
    assert "约 25 份" in first[12] and "联合主办" in first[12]
    assert "约 10 份" in rows[3][12]
    assert sheet.column_dimensions["H"].width >= 30 and sheet.column_dimensions["A"].width <= 8


def test_export_month_and_csv(app: Flask, filed: None, tmp_path: Path) -> None:
    """--month keeps that month's activities; .csv by extension, with a BOM for Excel."""
    out = tmp_path / "form.csv"
    assert run(app, "filing", "export", "--out", str(out), "--month", "2017-12").exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:9] == FORM
    assert [r[2] for r in rows[1:]] == ["志愿培训"]
    assert "培训支持：可申请技能培训" in rows[1][12]


@pytest.mark.parametrize("args", [["--out", "x.pdf"], ["--out", "x.xlsx", "--month", "2017-13"],
                                  ["--out", "x.xlsx", "--month", "201711"]])
def test_export_refuses_bad_options(app: Flask, args: list[str]) -> None:
    """Unknown formats and malformed months fail with exit status 1."""
    assert run(app, "filing", "export", *args).exit_code == 1


def test_review_notifies_and_actuals_reapply(app: Flask, services: Services, filed: None) -> None:
    """Review queues a template per admin; actuals make the rules run on real numbers."""
    assert run(app, "filing", "review", "1", "--reject").exit_code == 1       # a reason is needed
    assert run(app, "filing", "review", "99", "--approve").exit_code == 1
    result = run(app, "filing", "review", "1", "--approve", "--reason", "很好")
    assert result.exit_code == 0 and "已通过" in result.output
    result = run(app, "filing", "actuals", "1", "--participants", "90", "--registrations", "60")
    assert result.exit_code == 0
    assert "✗ 文化品支持" in result.output and "实际报名 60 人" in result.output
    assert run(app, "filing", "actuals", "1").exit_code == 1
    with services.db.session() as s:
        item = s.get(FilingItem, 1)
        assert (item.review_state, item.actual_participants, item.actual_registrations) == (
            "approved", 90, 60)
        outbox = s.scalars(select(OutboxMessage)).all()
        assert [m.payload["template"] for m in outbox] == ["review_result"]
        assert outbox[0].payload["data"]["thing1"] == "青年创业沙龙"
