"""`flask expert ...`: add, invite, import, stats-import, evaluate, quarter."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.settings import Settings
from models.accounts import BindingCode
from models.experts import Expert, ExpertMonth
from models.outbox import OutboxMessage
from tests.support import TZ, Clock
from tests.support_experts import create_expert


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
    assert empty.exit_code == 1 and "没有任何已评估的月份" in empty.output
    with db(cli) as s:
        create_expert(s, "张律师")
    cli("expert", "stats-import", str(stats(tmp_path, "2017-12", "张律师,4,1\n")), "--month", "2017-12")
    pending = cli("expert", "quarter", "2017-Q4")
    assert pending.exit_code == 1 and "尚未评估：2017-12" in pending.output
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
