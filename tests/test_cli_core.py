"""Core commands: init-db, org add/invite, chat."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from bot.app import create_app
from bot.preflight import newest_revision
from tests.support import make_settings


def test_init_db_is_idempotent(app: Flask) -> None:
    """Upgrading an up-to-date schema changes nothing and succeeds."""
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and "数据库已就绪" in result.output


def test_org_add_prints_id_last_and_invite_prints_code(app: Flask) -> None:
    """The id and the code stand alone on the last line of stdout."""
    runner = app.test_cli_runner()
    added = runner.invoke(args=["org", "add", "--name", "东城团委", "--town", "东城街道", "--kind", "town"])
    assert added.exit_code == 0 and added.output.splitlines()[-1] == "1"
    invited = runner.invoke(args=["org", "invite", "1"])
    code = invited.output.splitlines()[-1]
    assert invited.exit_code == 0 and len(code) == 8 and code.isalnum()


def test_org_add_errors_go_to_stderr(app: Flask) -> None:
    """Unknown towns, duplicates and unknown ids fail with a non-zero status."""
    runner = app.test_cli_runner()
    bad_town = runner.invoke(args=["org", "add", "--name", "X", "--town", "火星"])
    assert bad_town.exit_code == 1 and "未知的镇街" in bad_town.output
    runner.invoke(args=["org", "add", "--name", "X", "--town", "莞城"])
    duplicate = runner.invoke(args=["org", "add", "--name", "X", "--town", "莞城"])
    assert duplicate.exit_code == 1 and "组织已存在" in duplicate.output
    missing = runner.invoke(args=["org", "invite", "99"])
    assert missing.exit_code == 1 and "没有编号为 99 的组织" in missing.output


def test_chat_talks_through_the_webhook(app: Flask, services: Any) -> None:
    """The terminal chat signs messages, shows replies and records the user."""
    script = "帮助\n/click HELP\n/subscribe poster\n/image\n/openid o_second\n你好\n/quit\n"
    result = app.test_cli_runner().invoke(args=["chat", "--openid", "o_first"], input=script)
    assert result.exit_code == 0
    assert result.output.count("您可以发送以下文字") >= 3 and "欢迎关注东莞“青年之声”！" in result.output
    assert "poster" not in result.output  # the scene is never shown
    assert "暂时只能处理文字消息" in result.output and "没有理解“你好”" in result.output
    from sqlalchemy import text
    with services.db.engine.connect() as conn:
        assert set(conn.execute(text("SELECT openid FROM users")).scalars()) == {"o_first", "o_second"}


def test_an_operators_mistake_is_one_chinese_line(app: Flask, clock: Any) -> None:
    """Our own refusals carry the catalog's Chinese prefix, not click's English "Error:"."""
    import datetime as dt
    clock.set(dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC))  # already December in Shanghai
    result = app.test_cli_runner().invoke(args=["contest", "close", "2026-13"])
    assert (result.exit_code, result.stderr) == (1, "错误：月份格式应为 YYYY-MM，例如 2026-12：2026-13\n")
    missing = app.test_cli_runner().invoke(args=["org", "invite", "99"])
    assert (missing.exit_code, missing.stderr) == (1, "错误：没有编号为 99 的组织\n")


@pytest.fixture()
def unmigrated(tmp_path: Path) -> Iterator[Flask]:
    """The bot on a database nobody has run init-db on yet."""
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'new.db'}", "memory://unmigrated"))
    yield app
    app.extensions["youthvoice"].close()


@pytest.mark.parametrize("args", [["contest", "status", "2017-11"], ["org", "add", "--name", "X", "--town", "莞城"],
                                  ["expert", "evaluate", "2017-11"], ["push", "status"]])
def test_a_command_before_init_db_says_to_run_it(unmigrated: Flask, args: list[str]) -> None:
    """Typed before init-db, a command says what to do in one line, never a traceback."""
    result = unmigrated.test_cli_runner().invoke(args=args)
    head = newest_revision(unmigrated.extensions["youthvoice"].db.url)
    assert (result.exit_code, result.stderr) == (
        1, f"错误：数据库：表结构不是最新（当前 无，最新 {head}）：请运行 flask --app wsgi init-db。\n")


def test_init_db_and_check_run_before_the_schema(unmigrated: Flask) -> None:
    """The check reports the missing schema; init-db creates it, and the commands then run."""
    runner = unmigrated.test_cli_runner()
    check = runner.invoke(args=["check"])
    assert check.exit_code == 1 and "[失败] 数据库：表结构不是最新（当前 无" in check.output
    assert runner.invoke(args=["init-db"]).exit_code == 0
    result = runner.invoke(args=["contest", "status", "2017-11"])
    assert (result.exit_code, result.stderr) == (1, "错误：2017-11 没有大赛\n")


def test_a_command_with_the_database_down_says_so(tmp_path: Path) -> None:
    """Nothing listens where the database should be: one line naming the setting to check."""
    app = create_app(make_settings("postgresql+psycopg://postgres@127.0.0.1:1/none", "memory://down"))
    try:
        result = app.test_cli_runner().invoke(args=["contest", "status", "2017-11"])
    finally:
        app.extensions["youthvoice"].close()
    assert result.exit_code == 1 and result.stderr.startswith("错误：数据库：无法连接（OperationalError）")
    assert "Traceback" not in result.output
