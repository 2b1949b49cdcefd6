"""`flask --app wsgi menu create`: WeChat's menu limits checked locally, a valid menu sent once."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result
from flask import Flask

from bot.wechat.errors import BadMenu
from bot.wechat.fake_state import FakeWeChat
from bot.wechat.menu import MenuError, menu_buttons
from core.settings import Settings
from tests.support_wechat import create_services, fake_settings


def click(name: str, key: str = "K") -> dict[str, str]:
    """A click button."""
    return {"type": "click", "name": name, "key": key}


def top(name: str, *subs: dict[str, str]) -> dict[str, Any]:
    """A top button with sub-buttons."""
    return {"name": name, "sub_button": list(subs)}


def run_menu_create(app_factory: Callable[[Settings], Flask], settings: Settings) -> Result:
    """Run the command in an app built on these settings (the flask command pushes a context)."""
    app = app_factory(settings)
    with app.app_context():
        return app.test_cli_runner().invoke(args=["menu", "create"])


@pytest.fixture()
def menu_settings(settings_factory: Callable[..., Settings],
                  fake_wechat: FakeWeChat) -> Callable[[list[dict[str, Any]]], Settings]:
    """Settings at the fake with a given menu."""
    return lambda buttons: settings_factory(menu={"button": buttons}, **fake_wechat.override)


def test_the_example_menu_is_installed_once(app_factory: Callable[[Settings], Flask],
                                            settings_factory: Callable[..., Settings],
                                            fake_wechat: FakeWeChat) -> None:
    settings = fake_settings(settings_factory, fake_wechat)
    result = run_menu_create(app_factory, settings)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "菜单已安装：3 个一级菜单，10 个子菜单。"
    (call,) = fake_wechat.sent("menu/create")
    assert call.body == {"button": menu_buttons(settings.menu)}
    assert call.body["button"][1] == top("设计大赛", click("本月项目", "CONTEST_LIST"),
                                         click("如何点赞", "CONTEST_VOTE_HELP"),
                                         click("排行榜", "CONTEST_RANK"))
    assert "填写申报".encode() in call.raw


def test_leaf_top_buttons_and_view_buttons_are_built(
        menu_settings: Callable[[list[dict[str, Any]]], Settings]) -> None:
    view = {"type": "view", "name": "官网", "url": "https://example.org"}
    settings = menu_settings([click("帮助", "HELP"), view, top("更多", click("排行"))])
    assert menu_buttons(settings.menu) == [click("帮助", "HELP"), view, top("更多", click("排行"))]


FIVE = [click(f"子{i}", f"K{i}") for i in range(5)]
BAD_MENUS = [
    ("four top buttons", [click("一"), click("二"), click("三"), click("四")],
     "一级菜单有 4 个，微信最多允许 3 个"),
    ("six sub-buttons", [top("大赛", *FIVE, click("第六", "K6"))], "菜单“大赛”有 6 个子菜单"),
    ("long key", [top("大赛", click("排行", "K" * 129))], "“大赛 / 排行”的 key 有 129 字节"),
    ("missing key", [top("大赛", {"type": "click", "name": "排行"})],
     "菜单“大赛 / 排行”是 click 类型，必须填写 key"),
    ("missing url", [{"type": "view", "name": "官网"}], "菜单“官网”是 view 类型，必须填写 url"),
    ("long url", [{"type": "view", "name": "官网", "url": "https://x/" + "a" * 1015}],
     "url 有 1025 字节"),
    ("top name of 6 characters", [top("青年之声大赛", click("排行"))], "名称有 18 字节，微信最多允许 16"),
    ("sub name over 60 bytes", [top("大赛", click("排" * 21))], "名称有 63 字节，微信最多允许 60"),
    ("blank sub name", [top("大赛", click("排行"), click("  "))],
     "第 1 个一级菜单的第 2 个子菜单没有名称"),
    ("empty top name", [click(""), click("帮助")], "第 1 个一级菜单没有名称"),
    ("unknown type", [top("大赛", {"type": "miniprogram", "name": "小程序", "key": "K"})],
     "类型“miniprogram”不受支持"),
    ("leaf top without type", [{"name": "帮助", "key": "HELP"}], "类型“”不受支持"),
    ("empty menu", [], "菜单为空"),
]


@pytest.mark.parametrize(("case", "buttons", "message"), BAD_MENUS, ids=[c[0] for c in BAD_MENUS])
def test_menus_over_the_limits_are_refused_before_sending(
        app_factory: Callable[[Settings], Flask], fake_wechat: FakeWeChat,
        menu_settings: Callable[[list[dict[str, Any]]], Settings], case: str,
        buttons: list[dict[str, Any]], message: str) -> None:
    result = run_menu_create(app_factory, menu_settings(buttons))
    assert result.exit_code == 1
    assert message in result.stderr
    assert fake_wechat.calls == []


@pytest.mark.parametrize("buttons", [
    [click("一"), click("二"), click("三")],
    [top("大赛", *FIVE)],
    [top("大赛", click("排行", "K" * 128))],
    [top("青年之声", click("排" * 20))],
    [{"type": "view", "name": "官网", "url": "https://x/" + "a" * 1014}],
], ids=["three top", "five subs", "key of 128 bytes", "names at the byte limits", "url of 1024"])
def test_menus_at_the_limits_are_accepted_here_and_by_wechat(
        app_factory: Callable[[Settings], Flask], fake_wechat: FakeWeChat,
        menu_settings: Callable[[list[dict[str, Any]]], Settings],
        buttons: list[dict[str, Any]]) -> None:
    result = run_menu_create(app_factory, menu_settings(buttons))
    assert result.exit_code == 0, result.output
    assert fake_wechat.menu == {"button": buttons}


def test_menu_error_is_a_value_error_naming_the_button(
        menu_settings: Callable[[list[dict[str, Any]]], Settings]) -> None:
    with pytest.raises(MenuError, match="大赛"):
        menu_buttons(menu_settings([top("大赛", *FIVE, click("六"))]).menu)


def test_wechat_refusing_the_menu_is_a_clean_failure(
        app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
        fake_wechat: FakeWeChat) -> None:
    fake_wechat.inject("menu/create", errcode=40018)
    result = run_menu_create(app_factory, fake_settings(settings_factory, fake_wechat))
    assert result.exit_code == 1
    assert "错误码 40018" in result.stderr
    assert fake_wechat.menu is None


def test_unreachable_wechat_is_a_clean_failure(
        app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
        fake_wechat: FakeWeChat) -> None:
    fake_wechat.inject("menu/create", delay=1.0)
    settings = fake_settings(settings_factory, fake_wechat, api_timeout_seconds=0.3)
    result = run_menu_create(app_factory, settings)
    assert result.exit_code == 1
    assert "无法连接微信接口" in result.stderr


@pytest.mark.parametrize(("buttons", "code"), [
    ([click("一"), click("二"), click("三"), click("四")], 40016),
    ([top("大赛", *FIVE, click("六"))], 40023),
    ([top("大赛", click("排行", "K" * 129))], 40026),
    ([click("青年之声大赛")], 40018),
    ([{"type": "view", "name": "官网"}], 40020),
    ([top("大赛", {"type": "nope", "name": "x"})], 40024),
])
def test_the_fake_refuses_what_wechat_refuses(
        app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
        fake_wechat: FakeWeChat, buttons: list[dict[str, Any]], code: int) -> None:
    api = create_services(app_factory, fake_settings(settings_factory, fake_wechat)).api
    with pytest.raises(BadMenu) as caught:
        api.create_menu(buttons)
    assert caught.value.code == code
    assert fake_wechat.menu is None
