"""The welcome never shows a raw QR scene; the scene is recorded as WeChat names it."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.wechat.simulator import Simulator
from core.texts import t
from models.accounts import User


def _user(services: Any, openid: str) -> User:
    """The follower's row."""
    with services.db.session() as s:
        return s.scalars(select(User).where(User.openid == openid)).one()


@pytest.mark.parametrize("scene", ["abc", "town_poster_3", "<b>&]]>", "s" * 100])
def test_a_qr_follow_gets_the_plain_welcome(sim: Simulator, services: Any, scene: str) -> None:
    status, reply = sim.event("o_qr", "subscribe", f"qrscene_{scene}")

    assert status == 200
    assert reply.startswith("欢迎关注东莞“青年之声”！\n") and scene not in reply
    assert reply == sim.event("o_plain", "subscribe")[1]
    user = _user(services, "o_qr")
    assert (user.subscribe_scene, user.qr_scene_str) == ("ADD_SCENE_QR_CODE", scene[:64])


def test_a_scan_by_a_follower_says_nothing_and_keeps_the_follow_scene(sim: Simulator,
                                                                     services: Any) -> None:
    sim.event("o_qr", "subscribe", "qrscene_poster")
    assert sim.event("o_qr", "SCAN", "abc") == (200, "")
    assert _user(services, "o_qr").qr_scene_str == "poster"


def test_the_catalog_has_no_welcome_naming_a_scene() -> None:
    assert "{scene}" not in t("welcome", help="")
