"""Followers, roles, binding codes and help for each role."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.wechat.simulator import Simulator
from models.accounts import BindingCode, User, new_code
from models.orgs import OrgAdmin
from tests.support import Clock, create_org

NOW = dt.datetime(2017, 11, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _invite(services: Any, ttl_hours: int = 72) -> str:
    with services.db.session() as s:
        org = create_org(s)
        return new_code(s, "org", org.id, dt.timedelta(hours=ttl_hours), services.clock()).code


def test_binding_code_makes_an_org_admin_once(sim: Simulator, services: Any, clock: Clock) -> None:
    """A code binds one user; a second use by anyone fails; help then shows the admin's words."""
    clock.set(NOW)
    code = _invite(services)
    assert "绑定成功" in sim.text("o_admin", f"绑定 {code.lower()}")[1]
    assert "【申报】" in sim.text("o_admin", "帮助")[1]
    assert "无效、已使用或已过期" in sim.text("o_other", f"绑定 {code}")[1]
    with services.db.session() as s:
        assert len(s.scalars(select(OrgAdmin)).all()) == 1


def test_binding_code_expires(sim: Simulator, services: Any, clock: Clock) -> None:
    """A code past its expiry fails; one second before, it works."""
    clock.set(NOW)
    expired, fresh = _invite(services, 1), None
    with services.db.session() as s:
        fresh = new_code(s, "org", s.scalars(select(BindingCode)).first().target_id, dt.timedelta(hours=1), NOW).code
    clock.set(NOW + dt.timedelta(hours=1))
    assert "已过期" in sim.text("o_late", f"绑定 {expired}")[1]
    clock.set(NOW + dt.timedelta(minutes=59, seconds=59))
    assert "绑定成功" in sim.text("o_early", f"绑定 {fresh}")[1]


def test_wrong_attempts_are_limited_per_hour(sim: Simulator, services: Any, clock: Clock) -> None:
    """After the allowed failures even a right code is refused until the hour passes."""
    clock.set(NOW)
    code = _invite(services)
    limit = services.settings.accounts.binding_max_failures_per_hour
    for left in range(limit - 1, -1, -1):
        assert f"还可尝试 {left} 次" in sim.text("o_guess", "绑定 WRONGONE")[1]
    assert "错误次数过多" in sim.text("o_guess", f"绑定 {code}")[1]
    services.store.delete(services.store.key("bindfail", "o_guess"))  # what the hour's expiry does
    assert "绑定成功" in sim.text("o_guess", f"绑定 {code}")[1]


def test_subscribe_and_unsubscribe_are_recorded(sim: Simulator, services: Any, clock: Clock) -> None:
    """Times and scene are kept; a text updates the last message time (48-hour window)."""
    clock.set(NOW)
    sim.event("o_f", "subscribe", "qrscene_town_poster")
    clock.advance(dt.timedelta(minutes=5))
    sim.text("o_f", "你好")
    clock.advance(dt.timedelta(days=1))
    sim.event("o_f", "unsubscribe")
    with services.db.session() as s:
        user = s.scalar(select(User).where(User.openid == "o_f"))
        assert (user.subscribe_scene, user.qr_scene_str) == ("ADD_SCENE_QR_CODE", "town_poster")
        assert not user.subscribed
        assert user.subscribed_at == NOW and user.last_message_at == NOW + dt.timedelta(minutes=5)
        assert user.unsubscribed_at == NOW + dt.timedelta(days=1, minutes=5)


def test_platform_admin_help(app_factory: Any, settings_factory: Any) -> None:
    """Admins named in the settings see the admin words."""
    from bot.wechat.simulator import flask_transport

    app = app_factory(settings_factory(admins={"openids": ["o_boss"]}))
    sim = Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()))
    assert "【审核】" in sim.text("o_boss", "帮助")[1]
    assert "【审核】" not in sim.text("o_nobody", "帮助")[1]


def test_last_message_time_is_written_at_most_once_a_minute(sim: Simulator, services: Any, clock: Clock) -> None:
    """Within touch_interval_seconds a text leaves the time alone; after it (or if the clock went back) it moves."""
    def last() -> dt.datetime:
        with services.db.session() as s:
            return s.scalar(select(User.last_message_at).where(User.openid == "o_t"))

    clock.set(NOW)
    sim.text("o_t", "帮助")
    clock.advance(dt.timedelta(seconds=59))
    sim.text("o_t", "帮助")
    assert last() == NOW
    clock.advance(dt.timedelta(seconds=1))
    sim.text("o_t", "帮助")
    assert last() == NOW + dt.timedelta(seconds=60)
    clock.set(NOW)
    sim.text("o_t", "帮助")
    assert last() == NOW
