"""Registrations racing for the last places, through the real webhook in threads (PostgreSQL)."""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from flask import Flask
from sqlalchemy import func, select

from bot.services import Services
from bot.wechat.simulator import Simulator, flask_transport
from models.activities import PendingSignup, PendingStep, Registration, RegState
from tests.support import create_user
from tests.support_activities import BEFORE, publish_item, register_people

PEOPLE = 50


@pytest.fixture()
def postgres(services: Services) -> None:
    """Only PostgreSQL has the row locks this is about (SQLite serialises whole transactions)."""
    if services.db.dialect != "postgresql":
        pytest.skip("the registration race needs PostgreSQL (TEST_DATABASE_URL)")


def test_fifty_people_for_the_last_three_places(app: Flask, services: Services, postgres: None) -> None:
    """50 confirmations at once for 3 free places: exactly 3 registered, 47 waiting at 1..47."""
    services.clock.set(BEFORE)  # type: ignore[attr-defined]
    with services.db.session() as s:
        activity = publish_item(s, services, capacity=10)
        register_people(s, activity, 7, "o_early")
        for i in range(PEOPLE):
            user = create_user(s, f"o_race{i}")
            s.add(PendingSignup(user_id=user.id, activity_id=activity.id, step=PendingStep.CONFIRM,
                                name=f"青年{i}", mobile=f"139{i:08d}", updated_at=BEFORE))
        activity_id = activity.id
    barrier = threading.Barrier(PEOPLE)
    replies: list[str] = [""] * PEOPLE

    def confirm(i: int) -> None:
        sim = Simulator(services.settings, flask_transport(app.test_client()))
        barrier.wait()
        replies[i] = sim.send(f"o_race{i}", {"MsgType": "text", "Content": "确认"})[1]

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(PEOPLE)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    kinds = Counter("ok" if "报名成功" in r else "waiting" if "候补名单" in r else r for r in replies)
    assert kinds == {"ok": 3, "waiting": 47}
    with services.db.session() as s:
        stmt = (select(Registration.state, func.count()).where(Registration.activity_id == activity_id)
                .group_by(Registration.state))
        states = {state: int(n) for state, n in s.execute(stmt).tuples()}
        tickets = s.scalars(select(Registration.ticket).where(Registration.activity_id == activity_id)
                            .order_by(Registration.ticket)).all()
    assert states == {RegState.REGISTERED: 10, RegState.WAITING: 47}
    assert tickets == list(range(1, 58))
    places = sorted(int(r.split("排第 ")[1].split(" 位")[0]) for r in replies if "候补名单" in r)
    assert places == list(range(1, 48))
