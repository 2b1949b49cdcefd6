"""Several senders, killed senders: every message reaches WeChat once, none is missing."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.push.sender import Sender
from bot.services import Services
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from models.outbox import Status
from tests.support_push import push_services, push_settings, queue_templates, rows, template_calls, template_msgids

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def settings(settings_factory: Callable[..., Settings], fake_wechat: FakeWeChat) -> Settings:
    """Settings at the fake."""
    return push_settings(settings_factory, fake_wechat, push={"batch_size": 5})


def _all_sent(services: Services, count: int) -> None:
    got = rows(services)
    assert len(got) == count and {r.status for r in got.values()} == {Status.SENT}


def test_a_sender_stopped_after_claiming_is_taken_over_after_its_lease(
        settings, app_factory, fake_wechat, clock) -> None:
    """Rows claimed by a sender that died stay untouched until the lease ends, then go out once."""
    services = push_services(app_factory, settings)
    keys = queue_templates(services, 8)
    dead = Sender(services).claim_batch()                    # claimed, then the sender died
    assert len(dead) == 5
    assert Sender(services).run().counts["sent"] == 3        # the others go; the claimed wait
    clock.advance(dt.timedelta(seconds=settings.push.lease_seconds - 1))
    assert Sender(services).run().counts["sent"] == 0
    clock.advance(dt.timedelta(seconds=2))
    assert Sender(services).run().counts["sent"] == 5
    _all_sent(services, 8)
    assert template_calls(fake_wechat) == {k: 1 for k in keys}


def test_a_killed_sender_process_is_made_good(settings, app_factory, fake_wechat, clock) -> None:
    """SIGKILL in the middle of a run: the restarted sender sends the rest; WeChat delivers each once."""
    services = push_services(app_factory, settings, now=None)
    keys = queue_templates(services, 12)
    fake_wechat.latency = 0.15
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.push_child", settings.database.url, settings.redis.url,
         fake_wechat.url], cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while len(fake_wechat.sent("message/template/send")) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    fake_wechat.latency = 0.0
    stuck = [r for r in rows(services).values() if r.status == Status.SENDING]
    assert stuck, "the child was killed with messages in flight"
    Sender(services).run()
    clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.push.lease_seconds + 1))
    Sender(services).run()
    _all_sent(services, 12)
    msgids = template_msgids(fake_wechat)
    assert sorted(msgids) == sorted(keys)
    assert all(len(ids) == 1 for ids in msgids.values())     # a re-send was deduped by client_msg_id
    assert len(set().union(*msgids.values())) == 12


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="several senders at once need PostgreSQL (SQLite is for one process)")
def test_two_senders_at_once_send_each_message_once(settings, app_factory, fake_wechat) -> None:
    """Two senders with their own connections race over 40 messages: each goes out exactly once."""
    first = push_services(app_factory, settings)
    second: Services = app_factory(settings).extensions["youthvoice"]
    keys = queue_templates(first, 40)
    fake_wechat.latency = 0.01
    barrier = threading.Barrier(2)
    reports = []

    def run(svc: Services) -> None:
        barrier.wait()
        reports.append(Sender(svc).run())

    threads = [threading.Thread(target=run, args=(svc,)) for svc in (first, second)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(r.counts["sent"] for r in reports) == 40
    assert all(r.counts["sent"] > 0 for r in reports)
    assert template_calls(fake_wechat) == {k: 1 for k in keys}
    _all_sent(first, 40)
