"""`filing actuals` as a logged manual correction of the loop's numbers: a reason is required,
who/when/before/after are kept, `activity status` and 我的申报 N show it as 人工修正, the support
rules use it while it stands, and clearing it gives the figure back to the loop."""
from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from bot.db import alembic_config
from bot.services import Services
from bot.wechat.simulator import Simulator, flask_transport
from core.settings import Settings
from models.corrections import Correction
from models.filing import FilingItem, Intention
from tests.support import create_org
from tests.support_activities import BEFORE, publish_item, register_people
from tests.test_filing_migration import ITEM, ROWS

CORRECTED = "人工修正：报名 150（报名签到记录 5），张三 于 2017-11-05 09:00，原因：纸质报名表补录"


@pytest.fixture()
def cli_app(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
            clock: object) -> Flask:
    """The bot, the clock five days before the activity of 2017-11-10."""
    app = app_factory(settings_factory())
    app.extensions["youthvoice"].clock.set(BEFORE)
    return app


def run(app: Flask, *args: str) -> Result:
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _published(app: Flask, registrations: int = 5) -> int:
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_org(s, "石龙团委", admins=("o_admin",))
        activity = publish_item(s, services, intentions=(Intention.GOODS,))
        register_people(s, activity, registrations)
        return activity.item_id


def _log(app: Flask) -> list[tuple[str, int | None, int | None, int | None, str, str]]:
    with app.extensions["youthvoice"].db.session() as s:
        return [(r.figure, r.before, r.after, r.loop, r.reason, r.by)
                for r in s.scalars(select(Correction).order_by(Correction.id))]


def test_a_correction_needs_a_reason_and_changes_nothing_without_one(cli_app: Flask) -> None:
    item_id = _published(cli_app)
    for reason in ((), ("--reason", "  ")):
        result = run(cli_app, "filing", "actuals", str(item_id), "--registrations", "150", *reason)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "请用 --reason 写明修正原因" in result.output
    with cli_app.extensions["youthvoice"].db.session() as s:
        item = s.get(FilingItem, item_id)
        assert item is not None and item.actual_registrations is None
        assert s.scalar(select(func.count()).select_from(Correction)) == 0


def test_bad_correction_commands_exit_1_with_one_line(cli_app: Flask) -> None:
    item_id = _published(cli_app)
    nothing = run(cli_app, "filing", "actuals", str(item_id), "--reason", "x")
    assert nothing.exit_code == 1 and "请至少指定" in nothing.output
    both = run(cli_app, "filing", "actuals", str(item_id), "--registrations", "3", "--clear",
               "registrations", "--reason", "x")
    assert both.exit_code == 1 and "同一项不能既修正又撤销" in both.output
    unknown = run(cli_app, "filing", "actuals", "99", "--registrations", "3", "--reason", "x")
    assert unknown.exit_code == 1 and "没有编号为 99 的活动" in unknown.output
    assert _log(cli_app) == []


def test_a_correction_is_logged_shown_and_wins_until_cleared(cli_app: Flask) -> None:
    item_id = _published(cli_app)
    result = run(cli_app, "filing", "actuals", str(item_id), "--registrations", "150",
                 "--reason", "纸质报名表补录", "--by", "张三")
    assert result.exit_code == 0, result.output
    assert "✓ 文化品支持：实际报名 150 人，超过 100 人：可申请文化品约 15 份" in result.output
    assert result.output.strip().splitlines()[-2:] == [
        f"活动 {item_id} 已记录人工修正（张三，原因：纸质报名表补录）：", "  报名：5 → 150"]
    status = run(cli_app, "activity", "status", str(item_id))
    assert CORRECTED in status.output and "报名 5" in status.output
    again = run(cli_app, "filing", "actuals", str(item_id), "--registrations", "101", "--reason", "核对后")
    assert "  报名：150 → 101" in again.output
    cleared = run(cli_app, "filing", "actuals", str(item_id), "--clear", "registrations",
                  "--reason", "以扫码记录为准")
    assert cleared.exit_code == 0, cleared.output
    assert "  报名：101 → -（撤销修正，恢复为报名签到记录）" in cleared.output
    assert "✗ 文化品支持：实际报名 5 人" in cleared.output
    assert "人工修正" not in run(cli_app, "activity", "status", str(item_id)).output
    me = getpass.getuser()
    assert _log(cli_app) == [("registrations", 5, 150, 5, "纸质报名表补录", "张三"),
                             ("registrations", 150, 101, 5, "核对后", me),
                             ("registrations", 101, None, 5, "以扫码记录为准", me)]


def test_my_filing_shows_the_correction_beside_the_loop(cli_app: Flask) -> None:
    item_id = _published(cli_app)
    run(cli_app, "filing", "actuals", str(item_id), "--registrations", "150",
        "--reason", "纸质报名表补录", "--by", "张三")
    sim = Simulator(cli_app.extensions["youthvoice"].settings, flask_transport(cli_app.test_client()))
    status, reply = sim.send("o_admin", {"MsgType": "text", "Content": f"我的申报 {item_id}"})
    assert status == 200
    lines = reply.splitlines()
    assert lines[-3:] == ["计划 120 人｜实际：报名 5，签到 0，评价 0 条（平均 - 分）", CORRECTED,
                          "按实际人数核定：文化品支持✓约15份"]


def test_figures_typed_before_the_log_become_its_first_entries(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = alembic_config(url)
    before = ScriptDirectory.from_config(cfg).get_revision("0019").down_revision
    command.upgrade(cfg, str(before))
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for row in ROWS:
            conn.execute(sa.text(row))
        for i in (1, 2):
            conn.execute(sa.text(ITEM.format(id=i, state="approved", reason="NULL", by="NULL", at="NULL")))
        conn.execute(sa.text("UPDATE filing_items SET actual_registrations = 60, actual_participants = 40 "
                             "WHERE id = 1"))
    command.upgrade(cfg, "0019")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT item_id, figure, before, after, reason, by "
                                    "FROM actual_corrections ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, "participants", None, 40, "修正记录建立前手工录入", "-"),
                                       (1, "registrations", None, 60, "修正记录建立前手工录入", "-")]
    command.downgrade(cfg, str(before))
    assert "actual_corrections" not in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_the_clock_of_the_log_is_the_bots(cli_app: Flask) -> None:
    item_id = _published(cli_app)
    cli_app.extensions["youthvoice"].clock.set(BEFORE + dt.timedelta(hours=1))
    run(cli_app, "filing", "actuals", str(item_id), "--participants", "7", "--reason", "补录")
    with cli_app.extensions["youthvoice"].db.session() as s:
        at = s.scalar(select(Correction.at))
    assert at == BEFORE + dt.timedelta(hours=1)
