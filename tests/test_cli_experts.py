"""`flask expert ...`: add, invite, import, stats-import, evaluate, quarter."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.settings import Settings
from models.accounts import BindingCode
from models.experts import Expert, ExpertMonth
from models.outbox import OutboxMessage
from tests.support import TZ, Clock
from tests.support_experts import create_expert
from tests.support_sheets import excel_csv, junk, merged_xlsx


@pytest.fixture()
def cli(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
        clock: Clock) -> Callable[..., Any]:
    """Run a command on an app whose platform admin is o_admin, at 2017-12-04 09:00."""
    clock.set(dt.datetime(2017, 12, 4, 9, tzinfo=TZ))
    app = app_factory(settings_factory(admins={"openids": ["o_admin"]}))
    runner = app.test_cli_runner()

    def run(*args: str) -> Any:
        with app.app_context():  # as `flask` itself provides
            return runner.invoke(args=list(args))

    run.app = app  # type: ignore[attr-defined]
    return run


def db(cli: Any) -> Any:
    """A session on the command's database."""
    return cli.app.extensions["youthvoice"].db.session()


def outbox(cli: Any, purpose: str) -> list[OutboxMessage]:
    """Queued messages of one purpose."""
    with db(cli) as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == purpose)
                              .order_by(OutboxMessage.id)))


def stats(tmp_path: Path, month: str, rows: str) -> Path:
    """A figures file for a month."""
    path = tmp_path / f"{month}.csv"
    path.write_text("专家,答题数,互动答题数\n" + rows, encoding="utf-8")
    return path


def test_add_prints_the_id_last_and_refuses_bad_input(cli: Any) -> None:
    """The id alone on the last line; unknown fields and duplicate names fail on stderr."""
    result = cli("expert", "add", "--name", "张律师", "--field", "法律")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "1"
    assert "已登记专家：张律师（法律）" in result.output
    bad = cli("expert", "add", "--name", "李", "--field", "天文")
    assert bad.exit_code == 1 and "未知的领域：天文" in bad.output
    again = cli("expert", "add", "--name", "张律师", "--field", "心理")
    assert again.exit_code == 1 and "专家已存在" in again.output


def test_invite_prints_a_code(cli: Any) -> None:
    """A one-time expert code, alone on the last line; unknown experts fail."""
    cli("expert", "add", "--name", "张律师", "--field", "法律")
    result = cli("expert", "invite", "1")
    code = result.output.splitlines()[-1]
    with db(cli) as s:
        row = s.scalar(select(BindingCode).where(BindingCode.code == code))
        assert (row.kind, row.target_id) == ("expert", 1)
    assert cli("expert", "invite", "99").exit_code == 1


def test_import_roster(cli: Any, tmp_path: Path) -> None:
    """A roster file registers experts; a bad one reports its lines and adds nothing."""
    good = tmp_path / "r.csv"
    good.write_text("姓名,领域\n张律师,法律\n李心理,心理\n", encoding="utf-8")
    assert "新增 2 位专家" in cli("expert", "import", str(good)).output
    bad = tmp_path / "b.csv"
    bad.write_text("姓名,领域\n王,天文\n", encoding="utf-8")
    result = cli("expert", "import", str(bad))
    assert result.exit_code == 1 and "第 2 行：未知的领域“天文”" in result.output


def test_stats_import_reports_each_bad_row(cli: Any, tmp_path: Path) -> None:
    """Line numbers and reasons, nothing written, exit 1; a bad month is refused."""
    with db(cli) as s:
        create_expert(s, "张律师")
    path = stats(tmp_path, "2017-11", "张律师,4,5\n赵,1,1\n")
    result = cli("expert", "stats-import", str(path), "--month", "2017-11")
    assert result.exit_code == 1
    assert "第 2 行：互动答题数 5 大于答题数 4" in result.output
    assert "第 3 行：未登记的专家“赵”" in result.output
    with db(cli) as s:
        assert s.scalar(select(func.count(ExpertMonth.id))) == 0
    assert cli("expert", "stats-import", str(path), "--month", "2017-13").exit_code == 1


def test_evaluate_queues_each_bound_expert_once(cli: Any, tmp_path: Path) -> None:
    """Each bound expert's result is queued; evaluating again queues nothing new."""
    with db(cli) as s:
        create_expert(s, "张律师", openid="o_zhang")
        create_expert(s, "李心理", openid="o_li")
        create_expert(s, "王创业")
    path = stats(tmp_path, "2017-11", "张律师,40,32\n李心理,2,2\n王创业,10,5\n")
    assert cli("expert", "stats-import", str(path), "--month", "2017-11").exit_code == 0
    result = cli("expert", "evaluate", "2017-11")
    assert result.exit_code == 0 and "新排队通知 2 条" in result.output
    assert "1\t张律师\t法律\t答题40" in result.output
    queued = outbox(cli, "expert_month")
    assert [m.openid for m in queued] == ["o_zhang", "o_li"]
    assert queued[0].payload == {"template": "expert_month", "url": "",
                                 "data": {"thing1": "2017年11月专家月度评估",
                                          "thing2": "得分100.0 第1名/共2人",
                                          "thing3": "发送“我的排名”查看详情"}}
    assert queued[1].payload["data"]["thing2"] == "答题2条，未达评估门槛"
    assert all(len(v) <= 20 for m in queued for v in m.payload["data"].values())
    assert "新排队通知 0 条" in cli("expert", "evaluate", "2017-11").output
    assert len(outbox(cli, "expert_month")) == 2


def test_evaluate_needs_figures(cli: Any) -> None:
    """A month without figures cannot be evaluated."""
    result = cli("expert", "evaluate", "2017-10")
    assert result.exit_code == 1 and "没有导入任何专家数据" in result.output


def test_reimport_after_evaluation_warns(cli: Any, tmp_path: Path) -> None:
    """An evaluated month may be corrected, with a warning that notifications are not resent."""
    with db(cli) as s:
        create_expert(s, "张律师")
    path = stats(tmp_path, "2017-11", "张律师,40,32\n")
    cli("expert", "stats-import", str(path), "--month", "2017-11")
    cli("expert", "evaluate", "2017-11")
    result = cli("expert", "stats-import", str(path), "--month", "2017-11")
    assert result.exit_code == 0 and "已评估过" in result.output


def test_quarter_shows_before_its_end_and_chooses_after(cli: Any, tmp_path: Path) -> None:
    """Before the end: the standings, no notification. After: winners and admins told, once."""
    with db(cli) as s:
        for i, name in enumerate(["张律师", "李心理", "王创业"]):
            create_expert(s, name, openid=f"o_{i}")
    cli("expert", "stats-import", str(stats(tmp_path, "2017-11", "张律师,40,32\n李心理,3,3\n王创业,10,5\n")),
        "--month", "2017-11")
    cli("expert", "evaluate", "2017-11")
    early = cli("expert", "quarter", "2017-Q4")
    assert early.exit_code == 0 and "尚未结束" in early.output and "1\t张律师" in early.output
    assert outbox(cli, "expert_quarter") == []
    cli.app.extensions["youthvoice"].clock.set(dt.datetime(2018, 1, 2, 9, tzinfo=TZ))
    waiting = cli("expert", "quarter", "2017-Q4")
    assert waiting.exit_code == 1
    assert waiting.output == ("错误：2017-Q4 还不能评选：2017-10 尚未导入数据、2017-12 尚未导入数据。"
                              "每个月都评估后才能评选（没有数据的月份可执行 expert evaluate YYYY-MM --no-figures）。\n")
    assert outbox(cli, "expert_quarter") == []
    for month in ("2017-10", "2017-12"):
        done = cli("expert", "evaluate", month, "--no-figures")
        assert done.output == f"已记录 {month} 没有专家数据（视为已评估，不排名、不发通知）。\n"
    result = cli("expert", "quarter", "2017-Q4")
    assert result.exit_code == 0 and "优秀专家 3 位，新排队通知 4 条" in result.output
    sent = {m.openid: m.payload["data"] for m in outbox(cli, "expert_quarter")}
    assert sent["o_0"] == {"thing1": "2017年第4季度优秀专家", "thing2": "第1名 季度得分83.3"}
    assert sent["o_admin"]["thing2"] == "张律师、李心理、王创业"
    assert "新排队通知 0 条" in cli("expert", "quarter", "2017-Q4").output
    locked = cli("expert", "stats-import", str(stats(tmp_path, "2017-12", "张律师,1,1\n")),
                 "--month", "2017-12")
    assert locked.exit_code == 1 and "已评出" in locked.output


def test_quarter_waits_for_unevaluated_months(cli: Any, tmp_path: Path) -> None:
    """Imported but unevaluated months block the choice; so does a quarter with nothing evaluated."""
    cli.app.extensions["youthvoice"].clock.set(dt.datetime(2018, 1, 2, 9, tzinfo=TZ))
    empty = cli("expert", "quarter", "2017-Q4")
    assert empty.exit_code == 1
    assert "2017-Q4 还不能评选：2017-10 尚未导入数据、2017-11 尚未导入数据、2017-12 尚未导入数据。" in empty.output
    with db(cli) as s:
        create_expert(s, "张律师")
    cli("expert", "stats-import", str(stats(tmp_path, "2017-12", "张律师,4,1\n")), "--month", "2017-12")
    cli("expert", "evaluate", "2017-10", "--no-figures")
    cli("expert", "evaluate", "2017-11", "--no-figures")
    pending = cli("expert", "quarter", "2017-Q4")
    assert pending.exit_code == 1
    assert "2017-Q4 还不能评选：2017-12 已导入数据但尚未评估。" in pending.output
    assert cli("expert", "evaluate", "2017-12").exit_code == 0
    assert cli("expert", "quarter", "2017-Q4").exit_code == 0
    assert cli("expert", "quarter", "2017-Q5").exit_code == 1


def test_binding_code_makes_an_expert(cli: Any) -> None:
    """The code from `expert invite` binds the follower who sends it."""
    from bot.wechat.simulator import Simulator, flask_transport

    cli("expert", "add", "--name", "张律师", "--field", "法律")
    code = cli("expert", "invite", "1").output.splitlines()[-1]
    app = cli.app
    sim = Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()))
    status, reply = sim.send("o_zhang", {"MsgType": "text", "Content": f"绑定 {code.lower()}",
                                         "MsgId": 1})
    assert status == 200 and "专家服务联盟·法律（张律师）" in reply
    with db(cli) as s:
        assert s.scalar(select(Expert.user_id).where(Expert.name == "张律师")) is not None


def test_first_import_says_imported_and_a_second_says_replaced(cli: Any, tmp_path: Path) -> None:
    """No "replaced" on a month that held nothing; the count of replaced rows when it did."""
    with db(cli) as s:
        create_expert(s, "张律师")
        create_expert(s, "李心理")
    path = stats(tmp_path, "2017-11", "张律师,40,32\n李心理,3,3\n")
    first = cli("expert", "stats-import", str(path), "--month", "2017-11")
    assert (first.exit_code, first.output) == (0, "已导入 2017-11 的 2 位专家数据。\n")
    smaller = stats(tmp_path, "2017-11", "张律师,41,32\n")
    second = cli("expert", "stats-import", str(smaller), "--month", "2017-11")
    assert second.output == "已导入 2017-11 的 1 位专家数据，替换了该月原有的 2 条数据。\n"


def test_months_that_have_not_ended_are_refused(cli: Any, tmp_path: Path) -> None:
    """On 2017-12-04: 2018-01 is refused outright; 2017-12 only with --partial, never evaluated."""
    with db(cli) as s:
        create_expert(s, "张律师", openid="o_zhang")
    future = cli("expert", "stats-import", str(stats(tmp_path, "2018-01", "张律师,40,32\n")),
                 "--month", "2018-01")
    assert (future.exit_code, future.output) == (
        1, "错误：2018-01 还没有结束（今天是 2017-12-04），不能导入或评估该月的数据。\n")
    path = stats(tmp_path, "2017-12", "张律师,40,32\n")
    running = cli("expert", "stats-import", str(path), "--month", "2017-12")
    assert (running.exit_code, running.output) == (
        1, "错误：2017-12 尚未结束（2018-01-01 起才算结束），不能导入该月的数据；如只想先核对不完整的数据，请加 "
           "--partial。\n")
    partial = cli("expert", "stats-import", str(path), "--month", "2017-12", "--partial")
    assert partial.exit_code == 0
    assert partial.output == ("已导入 2017-12 的 1 位专家数据。\n注意：2017-12 尚未结束，这些是不完整的数据，仅供核对，"
                              "不能评估；2018-01-01 之后请重新导入完整数据，再执行 expert evaluate。\n")
    early = cli("expert", "evaluate", "2017-12")
    assert (early.exit_code, early.output) == (
        1, "错误：2017-12 尚未结束，不能评估；请在 2018-01-01 之后（导入完整数据后）再评估。\n")
    assert cli("expert", "evaluate", "2017-12", "--no-figures").exit_code == 1
    assert cli("expert", "evaluate", "2018-01").exit_code == 1
    clock = cli.app.extensions["youthvoice"].clock
    clock.set(dt.datetime(2017, 12, 31, 23, 59, tzinfo=TZ))  # the last minute is still December
    assert cli("expert", "evaluate", "2017-12").exit_code == 1
    clock.set(dt.datetime(2018, 1, 1, 0, 0, tzinfo=TZ))
    stale = cli("expert", "evaluate", "2017-12")
    assert (stale.exit_code, stale.output) == (
        1, "错误：2017-12 的数据是在月末之前导入的（--partial，不完整），不能评估；请重新导入该月的完整数据后再评估。"
           "\n")
    assert cli("expert", "stats-import", str(path), "--month", "2017-12").exit_code == 0
    assert cli("expert", "evaluate", "2017-12").exit_code == 0
    assert len(outbox(cli, "expert_month")) == 1


def test_no_figures_is_refused_for_a_month_with_figures(cli: Any, tmp_path: Path) -> None:
    """--no-figures only records a month that truly has no data."""
    with db(cli) as s:
        create_expert(s, "张律师")
    cli("expert", "stats-import", str(stats(tmp_path, "2017-11", "张律师,40,32\n")), "--month", "2017-11")
    result = cli("expert", "evaluate", "2017-11", "--no-figures")
    assert (result.exit_code, result.output) == (
        1, "错误：2017-11 已导入专家数据，请直接执行 expert evaluate 2017-11，不要加 --no-figures。\n")


@pytest.mark.parametrize("name", ["", "   ", "\u3000", "a" * 51, "张\n律师"])
def test_add_refuses_blank_and_long_names(cli: Any, name: str) -> None:
    """Empty, blank (either width of space), over 50 characters, or with a line break."""
    result = cli("expert", "add", "--name", name, "--field", "法律")
    assert result.exit_code == 1
    assert result.output == f"错误：专家姓名不能为空，且不超过 50 个字（收到：“{name}”）\n"
    with db(cli) as s:
        assert s.scalar(select(func.count(Expert.id))) == 0


def test_add_trims_names_and_checks_field_and_platform_id(cli: Any) -> None:
    """A name with spaces around it is stored trimmed; a field not in the data file and an
    over-long platform id are refused with one line."""
    assert cli("expert", "add", "--name", "　张律师 ", "--field", "法律").exit_code == 0
    with db(cli) as s:
        assert s.scalar(select(Expert.name)) == "张律师"
    bad = cli("expert", "add", "--name", "李", "--field", "")
    assert bad.output == "错误：未知的领域：（可选：法律、心理、创业、公益、婚恋、就业、教育、健康）\n"
    long_id = cli("expert", "add", "--name", "李", "--field", "心理", "--platform-id", "P" * 65)
    assert (long_id.exit_code, long_id.output) == (1, "错误：平台ID不超过 64 个字符\n")
    assert cli("expert", "add", "--name", "李", "--field", "心理", "--platform-id", "P" * 64).exit_code == 0


def test_import_error_lines_exactly(cli: Any, tmp_path: Path) -> None:
    """Every importer's lines: bad rows of a GBK roster, a junk file, a CSV named .xlsx."""
    roster = excel_csv(tmp_path / "专家名单.csv", [["姓名", "领域", "单位"], ["张律师", "法律", "律协"],
                                               ["王", "天文", ""], ["", "心理", ""], ["张律师", "心理", ""]])
    result = cli("expert", "import", str(roster))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "错误：导入失败，没有写入任何数据。请修改以下 3 处后重新导入：",
        "第 3 行：未知的领域“天文”（可选：法律、心理、创业、公益、婚恋、就业、教育、健康）",
        "第 4 行：专家姓名不能为空，且不超过 50 个字",
        "第 5 行：与第 2 行重复"]
    junk_result = cli("expert", "stats-import", str(junk(tmp_path / "m.xlsx")), "--month", "2017-11")
    assert junk_result.output == ("错误：无法导入 m.xlsx：这不是表格文件：请上传 .xlsx，"
                                  "或在 Excel 中“另存为”CSV 文件\n")
    named = excel_csv(tmp_path / "名单.xlsx", [["姓名", "领域"], ["张律师", "法律"]])
    assert cli("expert", "import", str(named)).output == "导入完成：新增 1 位专家，更新 0 位。\n"
    header = cli("expert", "stats-import", str(named), "--month", "2017-11")
    assert header.output == ("错误：导入失败，没有写入任何数据。请修改以下 1 处后重新导入：\n"
                             "第 1 行：表头缺少列：答题数、互动答题数（该行的表头为：姓名、领域）\n")
    figures = merged_xlsx(tmp_path / "十一月.csv", "2017年11月专家数据", ["专家", "答题数", "互动答题数"],
                          [["张律师", 40, 32]])
    assert cli("expert", "stats-import", str(figures), "--month", "2017-11").output == \
        "已导入 2017-11 的 1 位专家数据。\n"


@pytest.mark.parametrize(("now", "example"), [
    (dt.datetime(2026, 12, 1, 9, tzinfo=TZ), "2026-Q4"),
    (dt.datetime(2027, 1, 1, 0, 0, tzinfo=TZ), "2027-Q1"),
])
def test_a_bad_quarter_is_shown_the_current_quarter(cli: Any, clock: Clock, now: dt.datetime,
                                                    example: str) -> None:
    """The example an operator can copy is today's quarter, not one from 2017."""
    clock.set(now)
    result = cli("expert", "quarter", "2026-Q5")
    assert (result.exit_code, result.output) == (1, f"错误：季度格式应为 YYYY-QN，例如 {example}：2026-Q5\n")
