"""督导 through the webhook: binding, each town's figures, two towns, refusals, WeChat's size limit."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from bot.wechat.simulator import Simulator, flask_transport
from core.settings import Settings, SettingsError
from core.texts import t
from models.accounts import Supervisor, User
from models.contest import close_round
from models.orgs import OrgKind
from models.supervision import issue_code
from tests.support import Clock, create_org
from tests.support_contest import at, create_round
from tests.support_supervisor import NOW, create_supervisor, create_town_data

SHILONG = """【石龙】督导数据（截至 2017-11-20 10:00）
组织：共 4 个（镇街团委 1、青年之家 1、组织用户 2），已绑定管理员的 2 个
本期申报（活动期 2017-11-01 至 2017-12-31）：4 份，活动 5 个（待审核 1、已通过 3、已驳回 1）
支持资格（未驳回的活动，符合/申请）：
  文化品支持 1/1，共 15 件
  活动联动支持 1/1（其中合办 1）
  培训支持 1/1（其中课程与讲师支持 1）
  重磅活动发布 0 个，设计大赛 2 个
大赛 2017-11（投票中）：本镇街 2/3 个项目，有效票 3 票
  第1名 1号 项目1 2票
  第2名 3号 项目3 1票
未申报的组织（2 个）：石龙义工协会、石龙书法社"""


@pytest.fixture()
def world(app: Flask, settings: Settings, clock: Clock) -> Simulator:
    """The two towns' data at NOW; a simulator on the webhook."""
    clock.set(NOW)
    with app.extensions["youthvoice"].db.session() as session:
        create_town_data(session, settings)
    return Simulator(settings, flask_transport(app.test_client()), clock=clock)


def supervise(app: Flask, openid: str, *towns: str) -> None:
    """Bind a follower as supervisor of the towns, straight in the database."""
    with app.extensions["youthvoice"].db.session() as session:
        create_supervisor(session, openid, *towns)


def code_for(app: Flask, town: str) -> str:
    """A fresh binding code for the town's supervisor."""
    services = app.extensions["youthvoice"]
    with services.db.session() as session:
        return issue_code(session, town, dt.timedelta(hours=1), services.now()).code


def towns_of(app: Flask, openid: str) -> list[str]:
    """The towns bound to a follower, from the database."""
    with app.extensions["youthvoice"].db.session() as session:
        stmt = (select(Supervisor.town).join(User, User.id == Supervisor.user_id)
                .where(User.openid == openid).order_by(Supervisor.id))
        return list(session.scalars(stmt))


def test_one_town_detail_matches_the_data(app: Flask, world: Simulator) -> None:
    """Every figure of 石龙, counted from the data the helpers created."""
    supervise(app, "o_sup", "石龙")
    status, reply = world.text("o_sup", "督导")
    assert status == 200 and reply == SHILONG
    assert world.event("o_sup", "CLICK", "SUPERVISOR_DATA")[1] == SHILONG


def test_binding_through_chat_then_a_second_town(app: Flask, world: Simulator) -> None:
    """A code binds its town; a second code adds a town; a used code is refused."""
    first, second = code_for(app, "石龙"), code_for(app, "虎门")
    reply = world.text("o_new", "帮助")[1]
    assert "【督导】" not in reply and "督导专员绑定身份" in reply
    reply = world.text("o_new", f"绑定 {first.lower()}")[1]
    assert "您已成为“石龙”的督导专员" in reply and "【督导】查看所督导镇街的平台数据" in reply
    assert world.text("o_new", f"绑定 {second}")[1].startswith("绑定成功！您已成为“虎门”的督导专员")
    assert towns_of(app, "o_new") == ["石龙", "虎门"]
    assert "绑定码无效" in world.text("o_other", f"绑定 {first}")[1]
    assert towns_of(app, "o_other") == []


def test_the_newest_binding_replaces_the_town_s_supervisor(app: Flask, world: Simulator) -> None:
    """One supervisor per town: a new binding moves the town, not the old supervisor's other towns."""
    supervise(app, "o_old", "石龙", "虎门")
    world.text("o_new", f"绑定 {code_for(app, '石龙')}")
    assert towns_of(app, "o_old") == ["虎门"] and towns_of(app, "o_new") == ["石龙"]
    world.text("o_new", f"绑定 {code_for(app, '石龙')}")
    assert towns_of(app, "o_new") == ["石龙"]
    assert world.text("o_old", "督导")[1].startswith("【虎门】督导数据")


def test_two_towns_summary_then_each_town(app: Flask, world: Simulator) -> None:
    """Several towns: one line each and how to ask; 督导 TOWN gives that town's detail."""
    supervise(app, "o_sup", "石龙", "虎门")
    reply = world.text("o_sup", "督导")[1]
    assert reply.splitlines() == [
        "您督导 2 个镇街（截至 2017-11-20 10:00）：",
        "【石龙】组织 4 个（已绑定 2）· 本期活动 5 个（待审核 1）· 大赛 2 个项目 3 票 · 未申报 2 个",
        "【虎门】组织 2 个（已绑定 1）· 本期活动 1 个（待审核 0）· 大赛 1 个项目 1 票 · 未申报 1 个",
        "发送“督导 镇街名”查看详情，例如：督导 石龙"]
    assert world.event("o_sup", "CLICK", "SUPERVISOR_DATA")[1] == reply
    assert world.text("o_sup", "督导 石龙镇")[1] == SHILONG
    humen = world.text("o_sup", "督导虎门")[1].splitlines()
    assert humen[1] == "组织：共 2 个（镇街团委 1、青年之家 1），已绑定管理员的 1 个"
    assert humen[2].endswith("1 份，活动 1 个（待审核 0、已通过 1、已驳回 0）")
    assert humen[-3:] == ["大赛 2017-11（投票中）：本镇街 1/3 个项目，有效票 1 票",
                          "  第2名 2号 项目2 1票", "未申报的组织（1 个）：虎门青年之家"]


def test_other_towns_and_unknown_towns_are_refused(app: Flask, world: Simulator) -> None:
    """督导 of a town not supervised, or of no town at all, names the supervised ones."""
    supervise(app, "o_sup", "石龙", "虎门")
    assert world.text("o_sup", "督导 长安")[1] == t("supervisor.not_yours", town="长安", towns="石龙、虎门")
    assert world.text("o_sup", "督导 火星")[1] == t("supervisor.unknown_town", text="火星", towns="石龙、虎门")


def test_a_non_supervisor_is_told_how_to_bind(app: Flask, world: Simulator) -> None:
    """Youth and organisation admins get the binding hint, never a town's figures."""
    for openid in ("o_youth", "o_a1"):
        assert world.text(openid, "督导")[1] == t("supervisor.not_bound")
        assert world.text(openid, "督导 石龙")[1] == t("supervisor.not_bound")
        assert world.event(openid, "CLICK", "SUPERVISOR_DATA")[1] == t("supervisor.not_bound")


def test_a_closed_round_shows_the_final_votes(app: Flask, world: Simulator, settings: Settings,
                                              clock: Clock, tmp_path: object) -> None:
    """After the close the figures are the frozen results, and the state says so."""
    supervise(app, "o_sup", "石龙")
    clock.set(at("2017-12-02 09:00"))
    c = dataclasses.replace(settings.contest, frozen_dir=str(tmp_path))
    with app.extensions["youthvoice"].db.session() as session:
        close_round(session, "2017-11", c, clock().astimezone(dt.UTC), "test")
    reply = world.text("o_sup", "督导")[1]
    assert "大赛 2017-11（已截止）：本镇街 2/3 个项目，有效票 3 票\n  第1名 1号 项目1 2票" in reply


def test_an_empty_town(app: Flask, settings: Settings, clock: Clock) -> None:
    """No organisations, no filings, no round: every line says so."""
    clock.set(NOW)
    supervise(app, "o_sup", "长安")
    sim = Simulator(settings, flask_transport(app.test_client()), clock=clock)
    lines = sim.text("o_sup", "督导")[1].splitlines()
    assert lines[1] == t("supervisor.orgs.none")
    assert lines[2].endswith("0 份，活动 0 个（待审核 0、已通过 0、已驳回 0）")
    assert "  文化品支持 0/0，共 0 件" in lines
    assert lines[-2:] == [t("supervisor.contest.none"), t("supervisor.unfiled.none")]


def test_long_lists_are_capped_to_fit_wechat(settings_factory: Callable[..., Settings],
                                             app_factory: Callable[[Settings], Flask],
                                             clock: Clock) -> None:
    """Many unfiled organisations with long names: the settings' caps keep the reply whole."""
    settings = settings_factory(supervisor={"unfiled_shown": 3, "name_chars": 6},
                                contest={"shortlist_size": 40})
    big = app_factory(settings)
    clock.set(NOW)
    with big.extensions["youthvoice"].db.session() as session:
        for i in range(40):
            create_org(session, f"石龙第{i:02d}号青年志愿服务队与社区共建联盟", "石龙", OrgKind.ORG)
        create_supervisor(session, "o_sup", "石龙")
        create_round(session, settings, "2017-11", entries=8, orgs=("石龙第00号青年志愿服务队与社区共建联盟",))
    sim = Simulator(settings, flask_transport(big.test_client()), clock=clock)
    reply = sim.text("o_sup", "督导")[1]
    assert len(reply.encode()) <= 2048 and not reply.endswith("…")
    assert reply.splitlines()[-1] == "未申报的组织（39 个）：石龙第01…、石龙第02…、石龙第03… 等"
    assert "  ……另有 3 个项目" in reply and "本镇街 8/8 个项目" in reply


@pytest.mark.parametrize("overrides, key", [({"unfiled_shown": 0}, "unfiled_shown"),
                                            ({"entries_shown": 0}, "entries_shown"),
                                            ({"name_chars": 3}, "name_chars"),
                                            ({"name_chars": "16"}, "name_chars")])
def test_bad_supervisor_settings_stop_start_up(settings_factory: Callable[..., Settings],
                                               overrides: dict, key: str) -> None:
    """A malformed [supervisor] key is named."""
    with pytest.raises(SettingsError, match=f"supervisor.{key}"):
        settings_factory(supervisor=overrides)
