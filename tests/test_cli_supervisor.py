"""`flask supervisor ...`: invite, list."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.settings import Settings
from models.accounts import BindingCode
from tests.support import TZ, Clock
from tests.support_supervisor import create_supervisor


@pytest.fixture()
def cli(app_factory: Callable[[Settings], Flask], settings: Settings, clock: Clock) -> Callable[..., Any]:
    """Run a command at 2017-12-01 09:00."""
    clock.set(dt.datetime(2017, 12, 1, 9, tzinfo=TZ))
    app = app_factory(settings)
    runner = app.test_cli_runner()

    def run(*args: str) -> Any:
        with app.app_context():  # as `flask` itself provides
            return runner.invoke(args=list(args))

    run.app = app  # type: ignore[attr-defined]
    return run


def codes(cli: Any) -> list[BindingCode]:
    """Every binding code issued."""
    with cli.app.extensions["youthvoice"].db.session() as s:
        return list(s.scalars(select(BindingCode).order_by(BindingCode.id)))


def test_invite_prints_the_code_last_and_the_code_carries_the_town(cli: Any) -> None:
    """石龙镇 resolves to 石龙; the code is alone on the last line; a second town gets its own code."""
    first = cli("supervisor", "invite", "--town", "石龙镇")
    assert first.exit_code == 0, first.output
    code = first.output.splitlines()[-1]
    assert "石龙督导专员的绑定码有效期至 2017-12-04 09:00" in first.output and f"绑定 {code}" in first.output
    second = cli("supervisor", "invite", "--town", "虎门")
    rows = codes(cli)
    assert [(r.code, r.kind, r.target_text) for r in rows] == [
        (code, "supervisor", "石龙"), (second.output.splitlines()[-1], "supervisor", "虎门")]


@pytest.mark.parametrize("town", ["火星", "", "石"])
def test_invite_refuses_an_unknown_town(cli: Any, town: str) -> None:
    """An unknown (or ambiguous) town fails on stderr with exit 1 and issues nothing."""
    result = cli("supervisor", "invite", "--town", town)
    assert result.exit_code == 1
    assert f"未知的镇街：{town}" in result.stderr and result.stdout == ""
    assert codes(cli) == []


def test_list_names_each_town_s_supervisor(cli: Any) -> None:
    """Every town in the data file's order, its supervisor's openid or （未安排）, then the total."""
    with cli.app.extensions["youthvoice"].db.session() as s:
        create_supervisor(s, "o_sup_a", "石龙", "虎门")
        create_supervisor(s, "o_sup_b", "莞城")
    result = cli("supervisor", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "莞城\to_sup_b" and "石龙\to_sup_a" in lines and "虎门\to_sup_a" in lines
    assert "南城\t（未安排）" in lines and len(lines) == 36
    assert lines[-1] == "共 3/35 个镇街已安排督导专员。"
