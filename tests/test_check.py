"""`flask --app wsgi check`: one line per check, each failure explained, exit 0 only when all pass."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from click.testing import Result
from flask import Flask

from bot.db import alembic_config
from bot.preflight import eviction_policy, policy_check, read_policy, template_keys
from bot.services import Services
from bot.store import connect
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings


def newest_revision() -> str:
    """The head of the migrations' chain (not the highest file name: revisions land out of order)."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


RESULT_FIELDS = {"project": "thing1", "result": "thing2", "month": "time3"}


def templates(**ids: str) -> dict[str, Any]:
    """A [push.templates] override giving these templates ids (the others stay unconfigured)."""
    fields = {"contest_result": RESULT_FIELDS,
              "results_ready": {"title": "thing1", "winners": "thing2", "month": "time3"}}
    return {"templates": {name: {"template_id": tid, "url": "", "fields": fields[name]}
                          for name, tid in ids.items()}}


@pytest.fixture()
def check_settings(settings_factory: Callable[..., Settings],
                   fake_wechat: FakeWeChat) -> Callable[..., Settings]:
    """Settings at the fake with both result templates configured, plus overrides."""
    def build(wechat: dict[str, Any] | None = None, **overrides: Any) -> Settings:
        overrides.setdefault("push", templates(contest_result="T_RESULT", results_ready="T_READY"))
        return settings_factory(wechat={**fake_wechat.override["wechat"], **(wechat or {})},
                                **overrides)
    fake_wechat.add_template("T_RESULT", "评选结果通知", ["thing1", "thing2", "time3"])
    fake_wechat.add_template("T_READY", "结果公布提醒", ["thing1", "thing2", "time3", "thing4"])
    return build


def run_check(app_factory: Callable[[Settings], Flask], settings: Settings) -> Result:
    """Run `check` in an app built on these settings."""
    app = app_factory(settings)
    with app.app_context():
        return app.test_cli_runner().invoke(args=["check"])


def lines(result: Result) -> dict[str, str]:
    """The check lines by label ("[通过] 数据库：..." -> {"数据库": "[通过] 数据库：..."})."""
    out = {}
    for line in result.stdout.strip().splitlines():
        if line.startswith("["):
            out[line.split("] ", 1)[1].split("：", 1)[0]] = line
    return out


def test_everything_passes_against_the_fake(app_factory: Callable[[Settings], Flask],
                                            check_settings: Callable[..., Settings]) -> None:
    result = run_check(app_factory, check_settings())

    assert result.exit_code == 0, result.output
    got = lines(result)
    assert list(got) == ["设置", "数据库", "Redis", "微信凭据", "模板 contest_result",
                         "模板 results_ready", "菜单"]
    assert all(line.startswith("[通过] ") for line in got.values())
    assert got["数据库"] == f"[通过] 数据库：可以连接，已迁移到最新版本 {newest_revision()}。"
    assert got["微信凭据"] == "[通过] 微信凭据：AppID wx2c2769f8efd9abc2 可以获取 access token。"
    assert got["模板 contest_result"] == (
        "[通过] 模板 contest_result：存在（评选结果通知），字段 thing1、thing2、time3 齐全。")
    assert got["菜单"] == "[通过] 菜单：符合微信限制（3 个一级菜单，10 个子菜单）。"
    assert result.stdout.strip().splitlines()[-1] == "全部 7 项检查通过，可以上线。"


def test_no_configured_template_is_one_passing_line(app_factory: Callable[[Settings], Flask],
                                                    check_settings: Callable[..., Settings],
                                                    fake_wechat: FakeWeChat) -> None:
    result = run_check(app_factory, check_settings(push=templates()))

    assert result.exit_code == 0, result.output
    assert lines(result)["模板消息"] == (
        "[通过] 模板消息：设置中没有配置模板（template_id 都为空），不会发送模板消息。")
    assert fake_wechat.calls_to("template/get_all_private_template") == []


CREDENTIALS = [
    ({"app_id": "wx_not_this_one"}, None,
     "AppID 不正确（错误码 40013）：请核对设置 [wechat] app_id 与公众平台“设置与开发 → 基本配置”中的开发者ID(AppID)。"),
    ({"app_secret": "not-the-secret"}, None,
     ("AppSecret 不正确（错误码 40125）：请核对设置 [wechat] app_secret；忘记时可在公众平台“基本配置”重置，"
      "重置后旧密钥立即失效。")),
    ({}, "no whitelist",
     ("本服务器的 IP 不在公众平台的 IP 白名单中（错误码 40164）：请在“设置与开发 → 基本配置 → IP白名单”中加入"
      "本服务器的出口 IP（invalid ip 127.0.0.1, not in whitelist）。")),
]


@pytest.mark.parametrize(("wechat", "ip", "sentence"), CREDENTIALS)
def test_refused_credentials_are_explained(app_factory: Callable[[Settings], Flask],
                                           check_settings: Callable[..., Settings],
                                           fake_wechat: FakeWeChat, wechat: dict[str, str],
                                           ip: str | None, sentence: str) -> None:
    fake_wechat.ip_whitelisted = ip is None

    result = run_check(app_factory, check_settings(wechat=wechat))

    assert result.exit_code == 1
    got = lines(result)
    assert got["微信凭据"] == f"[失败] 微信凭据：{sentence}"
    assert got["模板消息"] == "[失败] 模板消息：没有 access token，无法核对模板：请先解决上面的微信凭据问题。"
    assert result.stderr.strip().splitlines()[-1] == (
        "错误：2 项检查未通过（共 6 项），请按上面的提示处理后重新运行 flask --app wsgi check。")


def test_an_unreachable_wechat_is_a_failure(app_factory: Callable[[Settings], Flask],
                                            check_settings: Callable[..., Settings]) -> None:
    result = run_check(app_factory, check_settings(wechat={"api_base_url": "http://127.0.0.1:9"}))

    assert result.exit_code == 1
    assert lines(result)["微信凭据"] == (
        "[失败] 微信凭据：无法连接微信接口（ConnectionError，接口 http://127.0.0.1:9/cgi-bin/stable_token）："
        "请检查本服务器能否访问 [wechat] api_base_url。")


def test_a_template_missing_from_the_account(app_factory: Callable[[Settings], Flask],
                                             check_settings: Callable[..., Settings]) -> None:
    settings = check_settings(push=templates(contest_result="T_RESULT", results_ready="T_GONE"))

    result = run_check(app_factory, settings)

    assert result.exit_code == 1
    got = lines(result)
    assert got["模板 contest_result"].startswith("[通过] ")
    assert got["模板 results_ready"] == (
        "[失败] 模板 results_ready：公众号的模板列表中没有 T_GONE：请在公众平台“广告与服务 → 模板消息”中添加该模板，"
        "或改正 [push.templates.results_ready] template_id。")


def test_a_template_without_a_mapped_field(app_factory: Callable[[Settings], Flask],
                                           check_settings: Callable[..., Settings],
                                           fake_wechat: FakeWeChat) -> None:
    fake_wechat.add_template("T_RESULT", "评选结果通知", ["thing1", "time3"])

    result = run_check(app_factory, check_settings())

    assert result.exit_code == 1
    assert lines(result)["模板 contest_result"] == (
        "[失败] 模板 contest_result：模板没有字段 thing2（模板的字段：thing1、time3）："
        "请按模板内容改正 [push.templates.contest_result] fields。")


def test_a_subscription_account_has_no_template_list(app_factory: Callable[[Settings], Flask],
                                                     check_settings: Callable[..., Settings],
                                                     fake_wechat: FakeWeChat) -> None:
    fake_wechat.account_type = "subscription"

    result = run_check(app_factory, check_settings())

    assert result.exit_code == 1
    assert lines(result)["模板消息"] == (
        "[失败] 模板消息：无法读取公众号的模板列表（错误码 48001：api unauthorized）：请确认公众号是已认证的服务号。")


def test_a_menu_over_the_limits(app_factory: Callable[[Settings], Flask],
                                check_settings: Callable[..., Settings]) -> None:
    buttons = [{"type": "click", "name": n, "key": "K"} for n in ("一", "二", "三", "四")]

    result = run_check(app_factory, check_settings(menu={"button": buttons}))

    assert result.exit_code == 1
    assert lines(result)["菜单"] == (
        "[失败] 菜单：一级菜单有 4 个，微信最多允许 3 个。请改正设置中的 [[menu.button]]。")


def test_empty_credentials_fail_the_settings_line(app_factory: Callable[[Settings], Flask],
                                                  check_settings: Callable[..., Settings]) -> None:
    result = run_check(app_factory, check_settings(wechat={"app_secret": " "}))

    assert result.exit_code == 1
    assert lines(result)["设置"] == (
        "[失败] 设置：[wechat] app_secret 为空：请在 config.toml 中填写公众平台“设置与开发 → 基本配置”里的值。")
    assert lines(result)["微信凭据"] == (
        "[失败] 微信凭据：未检查：[wechat] app_id 或 app_secret 为空，填写后再运行本检查（见“设置”一行）。")


def test_a_database_without_the_schema(app_factory: Callable[[Settings], Flask],
                                       check_settings: Callable[..., Settings],
                                       tmp_path: Path) -> None:
    settings = check_settings(database={"url": f"sqlite:///{tmp_path}/empty.db"})

    result = run_check(app_factory, settings)

    assert result.exit_code == 1
    assert lines(result)["数据库"] == (
        f"[失败] 数据库：表结构不是最新（当前 无，最新 {newest_revision()}）：请运行 flask --app wsgi init-db。")


def test_an_unreachable_database(app_factory: Callable[[Settings], Flask],
                                 check_settings: Callable[..., Settings]) -> None:
    settings = check_settings(database={"url": "postgresql+psycopg://nobody@127.0.0.1:9/none"})

    result = run_check(app_factory, settings)

    assert result.exit_code == 1
    assert lines(result)["数据库"] == (
        "[失败] 数据库：无法连接（OperationalError）：请检查 [database] url（或环境变量 DATABASE_URL）"
        "以及数据库是否在运行。")


def test_an_unreachable_redis(app_factory: Callable[[Settings], Flask],
                              check_settings: Callable[..., Settings]) -> None:
    result = run_check(app_factory, check_settings(redis={"url": "redis://127.0.0.1:9/0",
                                                          "socket_timeout_seconds": 0.2}))

    assert result.exit_code == 1
    got = lines(result)
    assert got["Redis"] == ("[失败] Redis：无法连接（ConnectionError）：请检查 [redis] url（或环境变量 REDIS_URL）"
                            "以及 Redis 是否在运行。")
    assert got["微信凭据"] == ("[通过] 微信凭据：AppID wx2c2769f8efd9abc2 可以获取 access token"
                           "（Redis 不可用，token 未保存）。")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("config", "info", "policy"), [
    ({"maxmemory-policy": "noeviction"}, None, "noeviction"),
    ({"maxmemory-policy": b"allkeys-lru"}, None, "allkeys-lru"),
    (None, {"maxmemory_policy": "volatile-lru", "used_memory": 1}, "volatile-lru"),
    ({}, {"maxmemory_policy": "allkeys-random"}, "allkeys-random"),
    (None, {"used_memory": 1}, ""),
])
def test_the_policy_is_read_from_config_else_info(config: dict[str, Any] | None,
                                                  info: dict[str, Any] | None, policy: str) -> None:
    assert eviction_policy(config, info) == policy


def test_only_noeviction_passes() -> None:
    assert policy_check("noeviction").ok
    evicts = policy_check("allkeys-lru")
    assert not evicts.ok and evicts.line() == (
        "[失败] Redis：maxmemory-policy 为 allkeys-lru：内存紧张时 Redis 会删除键，消息去重、用户锁和 access token "
        "可能丢失，导致重复回复或反复刷新 token。请设置 maxmemory-policy noeviction（redis.conf 或云服务的参数设置）。")
    unknown = policy_check("")
    assert not unknown.ok and "读不到 maxmemory-policy" in unknown.detail


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs the real Redis")
def test_the_real_servers_policy_is_read_both_ways() -> None:
    client = connect(os.environ["TEST_REDIS_URL"], 1.0)
    try:
        by_config = read_policy(client)
        assert by_config == eviction_policy(None, client.info("memory"))
        assert by_config == client.config_get("maxmemory-policy")["maxmemory-policy"]
        assert by_config != ""
    finally:
        client.close()


def test_memory_store_passes_with_a_note(services: Services) -> None:
    from bot.preflight import check_store
    if not services.settings.redis.url.startswith("memory://"):
        pytest.skip("the suite runs on Redis")
    assert check_store(services).line() == (
        "[通过] Redis：使用进程内存储 memory://，只能单进程运行（gunicorn 多进程或多台服务器请改用 Redis）。")


def test_template_keys_are_read_from_the_content() -> None:
    content = "项目：{{thing1.DATA}}\n结果：{{ thing2.DATA }}\n时间：{{time3.DATA}}\n{{first.DATA}}"
    assert template_keys(content) == ["thing1", "thing2", "time3", "first"]
    assert template_keys("没有字段") == []
