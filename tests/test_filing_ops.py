"""Writing filings exactly once, reviewing, and the summary's size."""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import dialog
from bot.services import Services
from bot.wechat.protocol import MAX_TEXT_BYTES
from handlers.filing import FILING
from models.accounts import User
from models.filing import Filing, FilingItem, FilingReview, ReviewState
from models.filing_ops import ReviewConflict, ReviewError, review_item, submit_filing
from models.outbox import OutboxMessage
from tests.support import TZ, create_org, create_user, make_settings
from tests.support_filing import activity, create_filing

NOW = dt.datetime(2017, 11, 12, 9, 0, tzinfo=TZ)


def count(services: Services, model: Any) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_same_token_writes_once(services: Services) -> None:
    """A second submit of the same draft returns the first filing."""
    token = uuid.uuid4().hex
    with services.db.session() as s:
        org = create_org(s, admins=("o_admin_1",))
        user = create_user(s, "o_admin_1")
        first, created = submit_filing(s, token=token, org_id=org.id, user=user,
                                       records=[activity(), activity("第二个")], now=NOW)
        again, created_again = submit_filing(s, token=token, org_id=org.id, user=user,
                                             records=[activity()], now=NOW)
        assert (created, created_again, again.id) == (True, False, first.id)
        assert [i.seq for i in first.items] == [1, 2]
    assert count(services, Filing) == 1 and count(services, FilingItem) == 2


def test_concurrent_twins_write_once(services: Services) -> None:
    """Two transactions racing on one draft token: the loser finds the winner's filing."""
    token = uuid.uuid4().hex
    with services.db.session() as s:
        org_id, user_id = create_org(s, admins=("o_admin_1",)).id, create_user(s, "o_admin_1").id
    first = services.db.sessions()
    user = first.get(User, user_id)
    winner, _ = submit_filing(first, token=token, org_id=org_id, user=user, records=[activity()], now=NOW)
    outcome: dict[str, Any] = {}

    def twin() -> None:
        with services.db.session() as s:
            filing, created = submit_filing(s, token=token, org_id=org_id, user=s.get(User, user_id),
                                            records=[activity()], now=NOW)
            outcome.update(id=filing.id, created=created)

    thread = threading.Thread(target=twin)
    thread.start()
    thread.join(0.5)  # the twin now waits on the winner's uncommitted row (or lock)
    first.commit()
    first.close()
    thread.join(10)
    assert outcome == {"id": winner.id, "created": False}
    assert count(services, Filing) == 1


def test_review_needs_reason_and_a_known_activity(services: Services) -> None:
    """A rejection without a reason, or an unknown activity, is refused and records nothing."""
    with services.db.session() as s:
        item = create_filing(s).items[0]
        with pytest.raises(ReviewError):
            review_item(s, item.id, ReviewState.REJECTED, "", "o_city", NOW, "review_result")
        with pytest.raises(ReviewError):
            review_item(s, 999, ReviewState.APPROVED, "", "o_city", NOW, "review_result")
    assert count(services, FilingReview) == 0 and count(services, OutboxMessage) == 0


def test_review_history_same_decision_and_explicit_change(services: Services) -> None:
    """The same decision again keeps the first comment and queues nothing; a flip needs `change`."""
    later = NOW + dt.timedelta(hours=2)
    with services.db.session() as s:
        item_id = create_filing(s).items[0].id
        assert review_item(s, item_id, ReviewState.APPROVED, "很好", "o_city", NOW, "review_result")[1]
        assert not review_item(s, item_id, ReviewState.APPROVED, "另一条", "o_b", later, "review_result")[1]
        with pytest.raises(ReviewConflict) as caught:
            review_item(s, item_id, ReviewState.REJECTED, "规模太小", "o_b", later, "review_result")
        assert (caught.value.current.decision, caught.value.current.decided_at) == ("approved", NOW)
        item = s.get(FilingItem, item_id)
        assert (item.review_state, item.review_reason, item.reviewed_by) == ("approved", "很好", "o_city")
    assert count(services, OutboxMessage) == 1
    long_reason = "理由" * 30
    with services.db.session() as s:
        _, changed = review_item(s, item_id, ReviewState.REJECTED, long_reason, "o_b", later,
                                 "review_result", change=True)
        _, again = review_item(s, item_id, ReviewState.REJECTED, "又一次", "o_b", later,
                               "review_result", change=True)
        assert (changed, again) == (True, False)
    with services.db.session() as s:
        history = [(r.decision, r.comment, r.reviewer, r.decided_at, r.changed)
                   for r in s.scalars(select(FilingReview).order_by(FilingReview.id))]
        assert history == [("approved", "很好", "o_city", NOW, False),
                           ("rejected", long_reason, "o_b", later, True)]
        messages = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [m.payload["data"]["phrase2"] for m in messages] == ["已通过", "改为已驳回"]
        assert all(len(v) <= 20 and "\n" not in v for m in messages for v in m.payload["data"].values())


def test_a_decision_made_before_the_history_existed(services: Services) -> None:
    """An item approved without a history row is still 'already approved', and a flip still explicit."""
    with services.db.session() as s:
        item = create_filing(s).items[0]
        item.review_state, item.reviewed_by, item.reviewed_at = ReviewState.APPROVED, "o_old", NOW
        s.flush()
        assert not review_item(s, item.id, ReviewState.APPROVED, "", "o_city", NOW, "review_result")[1]
        with pytest.raises(ReviewConflict):
            review_item(s, item.id, ReviewState.REJECTED, "理由", "o_city", NOW, "review_result")
    assert count(services, OutboxMessage) == 0


@dataclasses.dataclass
class FakeCtx:
    """The summary reads only settings."""

    settings: Any


@pytest.mark.parametrize(("shown", "end"), [("2017-11-20 14:00 至 2017-12-31", "2017-12-31"),
                                           ("2017-11-20 14:00 至 17:00", "2017-11-20")])  # + weekday
def test_worst_case_summary_fits_one_reply(shown: str, end: str) -> None:
    """The most a summary can hold (limits from settings) still fits WeChat's 2048 bytes."""
    settings = make_settings("sqlite://", "memory://summary")
    limits = settings.filing
    record = activity("名" * limits.name_max_chars, scale={"low": limits.scale_max - 1, "high": limits.scale_max},
                      intentions=("contest", "heavy", "goods", "linkage", "training"),
                      location="地" * limits.location_max_chars,
                      description="简" * limits.description_max_chars,
                      plan="https://example.org/" + "p" * 200)
    record["time"].update(text=shown, end=end)
    state = {"head": {"org": {"id": 1, "name": "组" * 100}}, "records": [record] * limits.max_activities}
    text = dialog.summary(FILING, FakeCtx(settings), state)  # type: ignore[arg-type]
    assert "【活动3】" in text and text.endswith("“取消”放弃。")
    assert len(text.encode()) <= MAX_TEXT_BYTES
