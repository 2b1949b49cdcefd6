"""The dialog engine: drafts in SQL, global words inside a dialog, lost drafts, and what it costs."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from bot import dialog, routing
from bot.context import Ctx, Incoming, Reply
from bot.dialog import Conversation, Dialogs, Invalid, State, Step
from bot.wechat.simulator import Simulator, flask_transport
from models.accounts import BindingCode
from models.dialogs import DialogDraft, purge_expired
from tests.support import TZ, Clock, create_org, create_user

NOW = dt.datetime(2017, 11, 12, 9, 0, tzinfo=TZ)
LEAVE = "（您的"  # how the one-line mention of an open dialog begins


def parse_pick(text: str, ctx: Ctx, record: State) -> str:
    """A closed question whose choices include a global word."""
    if text not in ("甲", "规则"):
        raise Invalid("请回复 甲 或 规则。")
    return text


def submit_probe(ctx: Ctx, state: State) -> str:
    """Write a row, then fail when the draft asks for it."""
    ctx.session.add(BindingCode(code="PROBE", kind="org", target_id=0, created_at=ctx.now,
                                expires_at=ctx.now))
    if state["records"][0]["words"] == "失败":
        raise RuntimeError("the submit failed after writing")
    return "已提交"


PROBE = Conversation(
    name="probe", noun="测试", head=(),
    steps=(Step("pick", "选择", lambda ctx, state: "请回复 甲 或 规则", parse_pick),
           Step("words", "内容", lambda ctx, state: "请回复内容", lambda text, ctx, record: text,
                free_text=True)),
    max_records=lambda ctx: 1, summary_head=lambda ctx, state: "汇总",
    record_extra=lambda ctx, state, record: "", submit=submit_probe, entry_words=("试",))


def start_probe(msg: Incoming, ctx: Ctx) -> Reply:
    """试: start or resume the probe conversation."""
    assert ctx.dialogs is not None
    return ctx.dialogs.enter(ctx, PROBE, lambda: ({}, "开始测试"))


@pytest.fixture()
def probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app runs the probe conversation beside the filing, wired as bot/routing.py wires it."""
    entries = [(routing.text_is("试"), start_probe), *routing.ENTRIES]
    engine = Dialogs(conversations=(PROBE, *routing.DIALOGS.conversations.values()),
                     keywords=[p for p, _ in entries + routing.HELP + routing.KEYWORDS],
                     words=routing.WORDS)
    monkeypatch.setattr(routing, "DIALOGS", engine)
    monkeypatch.setattr(routing, "TABLE", routing.table(engine, entries))


@pytest.fixture()
def chat(app: Flask, clock: Clock) -> Iterator[Simulator]:
    """A simulator at the campaign's filing time, with an organisation admin."""
    clock.set(NOW)
    with app.extensions["youthvoice"].db.session() as session:
        create_org(session, "石龙团委", "石龙", admins=("o_admin",))
    yield Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()), clock=clock)


def say(chat: Simulator, text: str, openid: str = "o_admin") -> str:
    """Send a text and return the reply."""
    status, reply = chat.text(openid, text)
    assert status == 200
    return reply


def draft(app: Flask, openid: str = "o_admin") -> DialogDraft | None:
    """The follower's draft row as committed."""
    with app.extensions["youthvoice"].db.session() as session:
        return session.get(DialogDraft, openid)


def set_state(app: Flask, openid: str = "o_admin", **changes: Any) -> None:
    """Change a stored draft's name or state, as an older release might have left it."""
    with app.extensions["youthvoice"].db.session() as session:
        row = session.get(DialogDraft, openid)
        assert row is not None
        row.name = changes.pop("name", row.name)
        row.state = {**row.state, **changes}


def test_a_closed_question_takes_a_global_word_its_parser_accepts(probe: None, chat: Simulator) -> None:
    """规则 is one of the choices, so it answers; 排行 is none, so it is answered as 排行."""
    assert "请回复 甲 或 规则" in say(chat, "试")
    reply = say(chat, "排行")
    assert "本月的重磅项目展示还没有开始" in reply and reply.endswith("正在等待：选择。回复“继续”接着填写。）")
    assert say(chat, "规则").startswith("✓ 选择：规则\n\n")


def test_a_free_text_question_takes_only_texts_that_are_not_exactly_a_global_word(
        probe: None, chat: Simulator, app: Flask) -> None:
    """项目 3 and ？ are commands at a free-text question; 项目路演会 and 排行榜单 are answers."""
    say(chat, "试")
    say(chat, "甲")
    assert LEAVE in say(chat, "项目 3")
    assert "您正在填写中" in say(chat, "？")
    assert LEAVE in say(chat, "我的申报 12")
    assert say(chat, "排行榜单").startswith("✓ 内容：排行榜单")
    say(chat, "修改 内容")
    assert say(chat, "项目路演会").startswith("✓ 内容：项目路演会")
    row = draft(app)
    assert row is not None and row.state["records"] == [{"pick": "甲", "words": "项目路演会"}]


def test_the_draft_rolls_back_with_a_failed_message(probe: None, chat: Simulator, app: Flask) -> None:
    """A submit that fails after writing leaves neither its row nor a dropped draft."""
    say(chat, "试")
    say(chat, "甲")
    assert say(chat, "失败").startswith("✓ 内容：失败\n\n汇总")
    before = draft(app)
    assert before is not None and before.state["at"] == "summary"
    assert "系统开小差了" in say(chat, "确认")
    after = draft(app)
    assert after is not None and after.state == before.state and after.updated_at == before.updated_at
    with app.extensions["youthvoice"].db.session() as session:
        assert session.scalar(select(func.count()).select_from(BindingCode)) == 0


def test_submit_and_the_dropped_draft_commit_together(probe: None, chat: Simulator, app: Flask) -> None:
    """确认 writes the submit's row and drops the draft in one transaction."""
    for text in ("试", "甲", "好的"):
        say(chat, text)
    assert say(chat, "确认") == "已提交"
    assert draft(app) is None
    with app.extensions["youthvoice"].db.session() as session:
        assert session.scalar(select(func.count()).select_from(BindingCode)) == 1


def test_a_conversation_of_one_record_goes_from_its_last_question_to_the_summary(
        probe: None, chat: Simulator) -> None:
    """With one record at most, "add another?" is never asked; 上一步 from the summary is its last question."""
    say(chat, "试")
    say(chat, "甲")
    reply = say(chat, "好的")
    assert reply.startswith("✓ 内容：好的\n\n汇总\n【测试1】\n1. 选择：甲\n2. 内容：好的")
    assert "再添加" not in reply
    assert say(chat, "上一步") == "（测试1 · 第 2/2 项）\n请回复内容\n当前内容：好的（重新填写即可修改）"


def test_another_conversation_open_resumes_it(probe: None, chat: Simulator) -> None:
    """申报 with the probe open resumes the probe rather than overwriting it."""
    say(chat, "试")
    reply = say(chat, "申报")
    assert reply == "接着上次的填写：\n（测试1 · 第 1/2 项）\n请回复 甲 或 规则"


@pytest.mark.parametrize("changes", [
    {"at": "s:gone"},                 # a step that no longer exists
    {"v": 0},                         # an older version of the conversation
    {"records": [{"venue": "石龙"}]},  # a field that no longer exists
    {"back": "summary"},              # the shape of an older release
], ids=["step", "version", "field", "shape"])
def test_a_draft_that_no_longer_fits_is_announced_and_dropped(chat: Simulator, app: Flask,
                                                              changes: dict[str, Any]) -> None:
    """After an upgrade that changed the conversation, the follower is told, not shown the menu."""
    say(chat, "申报")
    set_state(app, **changes)
    reply = say(chat, "石龙")
    assert reply == ("系统已更新，您未完成的活动填写无法接着填写，已清除，抱歉给您带来不便。\n"
                     "发送“申报”可重新开始填写。")
    assert draft(app) is None
    assert "没有理解“石龙”" in say(chat, "石龙")


def test_a_draft_of_a_conversation_the_app_no_longer_has(chat: Simulator, app: Flask) -> None:
    """An unknown conversation's draft: told once, with 帮助; a global word is answered after it."""
    say(chat, "申报")
    set_state(app, name="retired")
    reply = say(chat, "帮助")
    assert reply.startswith("系统已更新，您未完成的填写无法接着填写，已清除，抱歉给您带来不便。\n"
                            "发送“帮助”查看可用功能。\n\n您可以发送以下文字")
    assert draft(app) is None
    assert say(chat, "帮助").startswith("您可以发送以下文字")


def test_a_lost_draft_is_told_with_a_refusal_too(chat: Simulator, app: Flask) -> None:
    """A global word whose answer is a refusal (no round yet) still comes after the notice."""
    say(chat, "申报")
    set_state(app, at="s:gone")
    reply = say(chat, "排行")
    assert reply.startswith("系统已更新，您未完成的活动填写无法接着填写")
    assert reply.endswith("\n\n本月的重磅项目展示还没有开始，敬请期待。")


def test_an_expired_draft_is_announced_before_a_global_word(chat: Simulator, app: Flask,
                                                            clock: Clock) -> None:
    """Past draft_ttl_days on the bot's clock the draft is gone, and 帮助 says so first."""
    say(chat, "申报")
    days = app.extensions["youthvoice"].settings.dialog.draft_ttl_days
    clock.advance(dt.timedelta(days=days, seconds=1))
    reply = say(chat, "帮助")
    assert reply.startswith(f"您有一份未完成的活动填写超过 {days} 天没有继续，已经失效")
    assert "您可以发送以下文字" in reply and "您正在填写中" not in reply
    assert draft(app) is None


def test_a_draft_at_exactly_its_days_is_kept(chat: Simulator, app: Flask, clock: Clock) -> None:
    """The edge: untouched for exactly draft_ttl_days, the draft is still open."""
    say(chat, "申报")
    clock.advance(dt.timedelta(days=app.extensions["youthvoice"].settings.dialog.draft_ttl_days))
    assert "✓ 镇街：石龙" in say(chat, "是")


def test_purge_expired_deletes_only_drafts_past_their_days(app: Flask) -> None:
    """Drafts untouched longer than the days go; the others stay."""
    with app.extensions["youthvoice"].db.session() as session:
        for openid, age in (("o_old", 8), ("o_edge", 7), ("o_new", 1)):
            create_user(session, openid)
            session.add(DialogDraft(openid=openid, name="filing", state={},
                                    updated_at=NOW - dt.timedelta(days=age)))
    with app.extensions["youthvoice"].db.session() as session:
        assert purge_expired(session, NOW, dt.timedelta(days=7)) == 1
    with app.extensions["youthvoice"].db.session() as session:
        assert sorted(session.scalars(select(DialogDraft.openid))) == ["o_edge", "o_new"]


class Statements:
    """The SQL statements that read or write the drafts' table itself (the follower's query only
    asks whether a draft exists, with their roles)."""

    def __init__(self, app: Flask) -> None:
        self.seen: list[str] = []
        for engine in app.extensions["youthvoice"].db.engines:
            event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "dialog_drafts" in statement and " users" not in statement:
            self.seen.append(statement.split()[0].upper())

    def take(self) -> list[str]:
        """The statements since the last call."""
        seen, self.seen = self.seen, []
        return seen


def test_what_the_draft_costs_a_message(chat: Simulator, app: Flask) -> None:
    """Events never read it; a text from someone with no draft neither (the follower's query says
    there is none); with one, a text reads it once; an answer writes it once."""
    sql = Statements(app)
    chat.event("o_admin", "CLICK", "CONTEST_RANK")
    chat.event("o_admin", "subscribe")
    assert sql.take() == []
    say(chat, "排行")
    assert sql.take() == []
    say(chat, "你好")
    assert sql.take() == []
    say(chat, "申报")
    assert sql.take() == ["INSERT"]
    say(chat, "排行")
    # A read-only word tried without the exactly-once gate finds the open draft (so its reply
    # mentions the dialog) and is handled again through the gate: the draft is read twice.
    assert sql.take() == ["SELECT", "SELECT"]
    say(chat, "是")
    assert sql.take() == ["SELECT", "UPDATE"]
    say(chat, "取消")
    assert sql.take() == ["SELECT", "DELETE"]


def test_the_engine_has_no_registry_filled_on_import() -> None:
    """The conversations are the ones bot/routing.py lists, and nothing else."""
    assert list(routing.DIALOGS.conversations) == ["filing"]
    assert not hasattr(dialog, "DIALOGS") and not hasattr(dialog, "register")


def test_a_global_word_routes_to_its_own_handler_unless_a_draft_is_open(chat: Simulator, app: Flask) -> None:
    """Without a draft 排行 routes to the leaderboard itself (a read-only reply); with one, a wrapper."""
    from handlers import contest

    services = app.extensions["youthvoice"]
    rank = Incoming(openid="o_admin", type="text", create_time=0, text="排行")

    def routed() -> object:
        with services.db.session() as session:
            user = create_user(session, "o_admin")
            ctx = Ctx(opener=lambda: session, user=user, roles=frozenset(), settings=services.settings,
                      store=services.store, now=NOW, services=services, dialogs=routing.DIALOGS)
            return routing.route(rank, ctx)

    assert routed() is contest.leaderboard
    say(chat, "申报")
    assert routed() is not contest.leaderboard


def test_the_purge_job_deletes_expired_drafts(app: Flask) -> None:
    """The daily job deletes what draft_ttl_days no longer keeps, on the clock it is given."""
    from scheduler.dialogs import purge_drafts
    from scheduler.jobs import resolve

    services = app.extensions["youthvoice"]
    days = services.settings.dialog.draft_ttl_days
    with services.db.session() as session:
        for openid, age in (("o_old", days + 1), ("o_new", days - 1)):
            create_user(session, openid)
            session.add(DialogDraft(openid=openid, name="filing", state={},
                                    updated_at=NOW - dt.timedelta(days=age)))
    assert resolve("scheduler.dialogs:purge_drafts") is purge_drafts
    purge_drafts(services, NOW)
    with services.db.session() as session:
        assert list(session.scalars(select(DialogDraft.openid))) == ["o_new"]
