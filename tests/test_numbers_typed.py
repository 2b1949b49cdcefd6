"""A number longer than any column holds, typed after a command: each chat command answers with its
own sentence and the number typed, as for any number that is no one's (never the generic failure);
each command-line command stops with one Chinese line (never a traceback)."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from bot.services import Services
from bot.wechat.simulator import Simulator, flask_transport
from core.settings import Settings
from core.texts import t
from models import activity_rules as rules
from models.base import KEY_MAX
from tests.support import Clock
from tests.support_activities import BEFORE
from tests.support_contest import at, create_item, create_round

# Just past PostgreSQL's integer, past SQLite's 64 bits, and far past both.
NUMBERS = [str(KEY_MAX + 1), str(2**63), "9" * 40]


@pytest.fixture()
def sim(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
        clock: Clock) -> tuple[Simulator, Services]:
    """A November round of three projects open for votes; o_admin a platform admin."""
    app = app_factory(settings_factory(admins={"openids": ["o_admin"]}))
    services: Services = app.extensions["youthvoice"]
    clock.set(at("2017-11-12 09:00"))
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    return Simulator(services.settings, flask_transport(app.test_client()), clock=clock), services


@pytest.mark.parametrize("number", NUMBERS)
def test_follower_commands_say_the_number_is_no_ones(sim: tuple[Simulator, Services], number: str) -> None:
    simulator, _ = sim
    assert t("contest.refuse.no_such_entry", number=number, count=3) in simulator.text("o_f", f"投票 {number}")[1]
    assert t("contest.refuse.no_such_entry", number=number, count=3) in simulator.text("o_f", f"点赞 {number}")[1]
    not_open = t("activities.refused.not_published", id=number)
    for words in (f"活动 {number}", f"报名 {number}", f"取消报名 {number}", f"评价 {number} 5 很好"):
        assert simulator.text("o_f", words)[1].count(not_open) == 1, words


@pytest.mark.parametrize("number", NUMBERS)
def test_admin_commands_say_the_number_is_no_ones(sim: tuple[Simulator, Services], number: str) -> None:
    simulator, _ = sim
    assert t("filing.review.unknown", id=number) in simulator.text("o_admin", f"审核 {number}")[1]
    assert t("filing.review.unknown", id=number) in simulator.text("o_admin", f"通过 {number}")[1]
    assert t("activities.refused.comment_unknown", id=number) in simulator.text("o_admin", f"隐藏评论 {number}")[1]
    assert t("activities.refused.unknown", id=number) in simulator.text("o_admin", f"报名名单 {number}")[1]


@pytest.mark.parametrize("args", [["filing", "actuals", "{n}", "--participants", "3", "--reason", "补录"],
                                  ["contest", "shortlist", "2017-11", "1", "{n}"],
                                  ["push", "retry", "{n}"], ["expert", "invite", "{n}"]])
@pytest.mark.parametrize("number", [*NUMBERS, "十二"])
def test_command_line_numbers_past_the_tables_get_one_chinese_line(app: Flask, args: list[str], number: str) -> None:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=[a.format(n=number) for a in args])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines()[-1].endswith(f"应为 0 到 {KEY_MAX} 之间的整数：{number}")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("capacity", [*NUMBERS, "０", "0"])
def test_a_capacity_no_column_holds_gets_the_usage_again(sim: tuple[Simulator, Services], clock: Clock,
                                                         capacity: str) -> None:
    """发布 N with a 名额 too long for the column, or a digit that is no number, is asked again;
    the activity stays unpublished."""
    simulator, services = sim
    clock.set(BEFORE)
    with services.db.session() as s:
        item_id = create_item(s, "青春志愿行").id
    assert simulator.text("o_admin", f"发布 {item_id} {capacity}")[1] == t("activities.publish.usage")
    with services.db.session() as s:
        assert rules.published(s, item_id) is None
    reply = simulator.text("o_admin", f"发布 {item_id} 全角５０")[1]  # not a number either
    assert reply == t("activities.publish.usage")


def test_the_largest_capacity_a_column_holds_is_published(sim: tuple[Simulator, Services], clock: Clock) -> None:
    """The edge: 名额 KEY_MAX is a capacity like any other."""
    simulator, services = sim
    clock.set(BEFORE)
    with services.db.session() as s:
        item_id = create_item(s, "青春志愿行").id
    assert f"名额：{KEY_MAX}" in simulator.text("o_admin", f"发布 {item_id} {KEY_MAX}")[1]
    with services.db.session() as s:
        activity = rules.published(s, item_id)
        assert activity is not None and activity.capacity == KEY_MAX
