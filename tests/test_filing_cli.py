"""`filing export | review | actuals`, through the real command line."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.services import Services
from models.filing import FilingItem, FilingReview
from models.outbox import OutboxMessage
from tests.support import TZ, Clock
from tests.support_filing import FORM, activity, create_filing


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
    assert result.exit_code == 0
    assert result.output.strip() == "活动 1“青年创业沙龙”：已通过，已通知组织管理员"
    result = run(app, "filing", "actuals", "1", "--participants", "90", "--registrations", "60",
                 "--reason", "纸质签到表")
    assert result.exit_code == 0
    assert "✗ 文化品支持：实际参与 90 人" in result.output and "实际报名 60 人" in result.output
    assert run(app, "filing", "actuals", "1").exit_code == 1
    with services.db.session() as s:
        item = s.get(FilingItem, 1)
        assert (item.review_state, item.actual_participants, item.actual_registrations) == (
            "approved", 90, 60)
        outbox = s.scalars(select(OutboxMessage)).all()
        assert [m.payload["template"] for m in outbox] == ["review_result"]
        assert outbox[0].payload["data"]["thing1"] == "青年创业沙龙"


def test_review_again_and_change(app: Flask, services: Services, filed: None, clock: Clock) -> None:
    """The same decision is 'already'; another needs --change and is notified once."""
    clock.set(dt.datetime(2017, 11, 12, 9, 0, tzinfo=TZ))
    assert run(app, "filing", "review", "1", "--approve", "--reason", "很好").exit_code == 0
    again = run(app, "filing", "review", "1", "--approve", "--reason", "再次")
    assert again.exit_code == 0
    assert again.output.strip() == "活动 1“青年创业沙龙”已于 2017-11-12 09:00 通过（未变化，未重复通知）"
    flip = run(app, "filing", "review", "1", "--reject", "--reason", "时间冲突")
    assert flip.exit_code == 1
    assert "错误：活动 1 已于 2017-11-12 09:00 通过；如确要改为驳回，请加 --change" in flip.output
    assert "Traceback" not in flip.output
    changed = run(app, "filing", "review", "1", "--reject", "--reason", "时间冲突", "--change")
    assert changed.output.strip() == "活动 1“青年创业沙龙”：由已通过改为已驳回，已通知组织管理员"
    assert run(app, "filing", "review", "1", "--reject", "--reason", "x", "--change").exit_code == 0
    with services.db.session() as s:
        decisions = [(r.decision, r.comment) for r in s.scalars(select(FilingReview).order_by(FilingReview.id))]
        assert decisions == [("approved", "很好"), ("rejected", "时间冲突")]
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert s.get(FilingItem, 1).review_reason == "时间冲突"


def test_registrations_zero_on_a_planned_3000(app: Flask, services: Services) -> None:
    """--registrations 0 stays registrations: co-hosting (planned 3000) stays, goods and the post go."""
    with services.db.session() as s:
        create_filing(s, records=[activity("万人长跑", scale=3000,
                                           intentions=("goods", "linkage", "training"))])
    result = run(app, "filing", "actuals", "1", "--registrations", "0", "--reason", "补录")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "活动 1 已记录实际人数（参与 -，报名 0，互动用户 -；预计规模 3000），重新核定："
    assert lines[1] == "✗ 文化品支持：实际报名 0 人，未超过 100 人：暂不符合文化品支持（需超过 100 人）"
    assert lines[2].startswith("✓ 活动联动支持：预计规模 3000 人，超过 200 人：可申请")
    assert lines[2].endswith("；实际报名 0 人，未超过 50 人：暂不能推荐至“青春东莞”汇总推文或文末海报（需报名超过 50 "
                             "人）")
    assert lines[3].startswith("✓ 培训支持：预计规模 3000 人，达到 50 人")
    result = run(app, "filing", "actuals", "1", "--interactions", "420", "--reason", "补录")
    assert "✓ 文化品支持：实际互动用户 420 人，超过 100 人：可申请文化品约 30 份" in result.output
    with services.db.session() as s:
        item = s.get(FilingItem, 1)
        assert (item.scale, item.actual_participants, item.actual_registrations,
                item.actual_interactions) == (3000, None, 0, 420)


def test_export_creates_a_missing_folder(app: Flask, filed: None, tmp_path: Path) -> None:
    """--out into folders that do not exist yet: they are made and the file written."""
    out = tmp_path / "新建" / "十一月" / "form.xlsx"
    result = run(app, "filing", "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"已导出 3 个活动到 {out}"
    assert load_workbook(out).active.max_row == 4


def test_export_unwritable_place_is_one_line(app: Flask, filed: None, tmp_path: Path) -> None:
    """A folder that cannot be made (a file is in the way): one line on stderr, exit 1."""
    (tmp_path / "blocker").write_text("x")
    result = run(app, "filing", "export", "--out", str(tmp_path / "blocker" / "form.csv"))
    assert (result.exit_code, result.output) == (
        1, f"错误：无法写入 {tmp_path / 'blocker' / 'form.csv'}：路径中有一段是文件而不是文件夹\n")


def test_export_below_a_file_is_one_chinese_line(app: Flask, filed: None, tmp_path: Path) -> None:
    """A folder path running through a file: the reason in Chinese, not the system's English."""
    (tmp_path / "blocker").write_text("x")
    out = tmp_path / "blocker" / "sub" / "form.xlsx"
    result = run(app, "filing", "export", "--out", str(out))
    assert (result.exit_code, result.output) == (1, f"错误：无法写入 {out}：路径中有一段是文件而不是文件夹\n")


def test_export_keeps_a_scale_range(app: Flask, services: Services, tmp_path: Path) -> None:
    """A range filed as 150-200 stays the range in the form; a single scale stays a number."""
    with services.db.session() as s:
        create_filing(s, records=[activity("范围", scale={"low": 150, "high": 200}), activity("单个")])
    out = tmp_path / "form.xlsx"
    assert run(app, "filing", "export", "--out", str(out)).exit_code == 0
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert [r[5] for r in rows[1:]] == ["150-200", 150]

