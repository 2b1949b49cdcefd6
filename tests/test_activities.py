"""The activity loop's rules on the test backends: time windows, names and mobiles, places,
the support verdicts on the loop's actual numbers, and the timed duties."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.services import Services
from models import activity_jobs
from models import activity_rules as rules
from models.activities import Participant, Registration, RegState, time_window
from models.activity_figures import actual_verdicts, figures, org_figures
from models.filing import Intention
from models.outbox import OutboxMessage
from tests.support import create_user
from tests.support_activities import BEFORE, DURING, TZ, publish_item, register_people
from tests.support_contest import create_item


@pytest.mark.parametrize("text, start, end", [
    ("2017-11-10", "2017-11-10 00:00", "2017-11-11 00:00"),               # a day: open all day
    ("2017-11-10 14:00", "2017-11-10 14:00", "2017-11-10 17:00"),         # default_hours = 3
    ("2017-11-10 14:00 至 16:30", "2017-11-10 14:00", "2017-11-10 16:30"),
    ("2017-11-10 22:00", "2017-11-10 22:00", "2017-11-11 00:00"),         # never past the day
])
def test_time_window(services: Services, text: str, start: str, end: str) -> None:
    with services.db.session() as s:
        item = create_item(s, "窗口")
        item.time_text = text
        starts, ends = time_window(item, services.tz, services.settings.activities.default_hours)
    assert (f"{starts:%Y-%m-%d %H:%M}", f"{ends:%Y-%m-%d %H:%M}") == (start, end)


def test_a_range_of_days_with_an_hour_runs_to_the_last_day(services: Services) -> None:
    with services.db.session() as s:
        item = create_item(s, "多日")
        item.time_text, item.ends_on = "2017-11-10 09:00 至 2017-11-12", dt.date(2017, 11, 12)
        starts, ends = time_window(item, services.tz, 3)
    assert (f"{starts:%m-%d %H:%M}", f"{ends:%m-%d %H:%M}") == ("11-10 09:00", "11-13 00:00")


@pytest.mark.parametrize("text, expected", [
    ("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("138-0013-8000", "13800138000"),
    ("+8613800138000", "13800138000"), ("８６１３８００１３８０００", "13800138000"),
    ("19912345678", "19912345678"),
])
def test_good_mobiles(text: str, expected: str) -> None:
    assert rules.check_mobile(text) == expected


@pytest.mark.parametrize("text, code", [
    ("1380013800", "mobile_length"), ("138001380001", "mobile_length"), ("", "mobile_chars"),
    ("1380013800a", "mobile_chars"), ("12800138000", "mobile_prefix"), ("23800138000", "mobile_prefix"),
    ("10000000000", "mobile_prefix"), ("138.0013.8000", "mobile_chars"),
])
def test_bad_mobiles(text: str, code: str) -> None:
    with pytest.raises(rules.Refusal) as caught:
        rules.check_mobile(text)
    assert caught.value.code == code


@pytest.mark.parametrize("text, code", [
    ("张", "name_short"), ("", "name_short"), ("张" * 21, "name_long"), ("张3", "name_digits"),
    ("张三!", "name_symbols"), ("<script>", "name_symbols"), ("张三😀", "name_symbols"),
])
def test_bad_names(services: Services, text: str, code: str) -> None:
    with pytest.raises(rules.Refusal) as caught:
        rules.check_name(text, services.settings.activities)
    assert caught.value.code == code


def test_good_names(services: Services) -> None:
    cfg = services.settings.activities
    assert [rules.check_name(n, cfg) for n in ("张三", " 阿卜杜·热合曼 ", "Anna  Lee", "张" * 20)] == \
        ["张三", "阿卜杜·热合曼", "Anna Lee", "张" * 20]


def test_capacity_then_waiting_places_then_promotion_in_order(services: Services) -> None:
    cfg = services.settings.activities
    with services.db.session() as s:
        activity = publish_item(s, services, capacity=2)
        users = register_people(s, activity, 5)
        states = [rules.registration_of(s, activity, u).state for u in users]  # type: ignore[union-attr]
        assert states == ["registered", "registered", "waiting", "waiting", "waiting"]
        assert rules.waiting_place(s, rules.registration_of(s, activity, users[4])) == 3  # type: ignore[arg-type]
        promoted = rules.cancel(s, activity.item_id, users[0], BEFORE, cfg)
        assert promoted is not None and promoted.user_id == users[2].id
        rules.cancel(s, activity.item_id, users[3], BEFORE, cfg)           # a waiting one leaves
        promoted = rules.cancel(s, activity.item_id, users[1], BEFORE, cfg)
        assert promoted is not None and promoted.user_id == users[4].id
        assert figures(s, activity.id).registrations == 2
        assert figures(s, activity.id).waiting == 0
        keys = s.scalars(select(OutboxMessage.client_msg_id).order_by(OutboxMessage.id)).all()
    assert len(keys) == 2 and all(k.startswith("act.promoted:") for k in keys)


def test_a_second_scan_and_a_second_rating_change_nothing_but_the_score(services: Services) -> None:
    cfg = services.settings.activities
    with services.db.session() as s:
        activity = publish_item(s, services)
        (user,) = register_people(s, activity, 1)
        assert rules.scan(s, activity.checkin_scene, user, DURING, cfg).code == "checked_in"
        again = rules.scan(s, "qrscene_" + activity.checkin_scene, user, DURING + dt.timedelta(hours=1), cfg)
        assert (again.code, again.at) == ("already_in", DURING)
        assert rules.rate(s, activity.item_id, user, 5, "好", DURING, cfg) is False
        assert rules.rate(s, activity.item_id, user, 2, "", DURING, cfg) is True
        loop = figures(s, activity.id)
    assert (loop.participants, loop.ratings, loop.score_total, loop.comments) == (1, 1, 2, 0)


def test_the_scan_window_edges(services: Services) -> None:
    cfg = services.settings.activities                   # margin 60 minutes; the day 11-10
    with services.db.session() as s:
        activity = publish_item(s, services)
        users = register_people(s, activity, 4)
        edges = [dt.datetime(2017, 11, 9, 22, 59, tzinfo=TZ), dt.datetime(2017, 11, 9, 23, 0, tzinfo=TZ),
                 dt.datetime(2017, 11, 11, 0, 59, tzinfo=TZ), dt.datetime(2017, 11, 11, 1, 0, tzinfo=TZ)]
        outcomes = []
        for user, when in zip(users, edges, strict=True):
            try:
                outcomes.append(rules.scan(s, activity.checkin_scene, user, when, cfg).code)
            except rules.Refusal as exc:
                outcomes.append(exc.code)
    assert outcomes == ["scan_outside", "checked_in", "checked_in", "scan_outside"]


def test_scene_strings_are_short_random_and_not_the_id(services: Services) -> None:
    with services.db.session() as s:
        activity = publish_item(s, services)
        scenes = {activity.checkin_scene, activity.checkout_scene, rules.scene_token()}
    assert len(scenes) == 3
    assert all(rules.is_scene(x) and 16 <= len(x) <= 32 and str(activity.item_id) != x[4:] for x in scenes)


# --- the support rules applied again on the loop's numbers -----------------------------------------

def _verdict(services: Services, registrations: int, intention: Intention, checked_in: int = 0,
             now: dt.datetime = BEFORE) -> tuple[bool, str, int]:
    """Register (and check in) people, then read the intention's verdict on the actual numbers."""
    with services.db.session() as s:
        activity = publish_item(s, services, intentions=(intention,))
        users = register_people(s, activity, registrations)
        for user in users[:checked_in]:
            rules.scan(s, activity.checkin_scene, user, DURING, services.settings.activities)
        _, verdicts = actual_verdicts(s, activity, services.settings.support, now)
    (result,) = verdicts
    return result.eligible, result.level, result.quantity


@pytest.mark.parametrize("registrations, eligible, quantity", [(100, False, 0), (101, True, 10)])
def test_goods_on_actual_registrations_at_the_threshold(services: Services, registrations: int,
                                                        eligible: bool, quantity: int) -> None:
    assert _verdict(services, registrations, Intention.GOODS) == (eligible, "", quantity)


@pytest.mark.parametrize("checked_in, level", [(49, "basic"), (50, "lecturer")])
def test_training_on_actual_participants_once_it_began(services: Services, checked_in: int,
                                                      level: str) -> None:
    """120 registered; once the activity began, the participants decide the lecturer support."""
    assert _verdict(services, 120, Intention.TRAINING, checked_in, DURING)[:2] == (True, level)


def test_training_before_it_began_previews_on_the_plan(services: Services) -> None:
    """Nobody could have checked in yet: the planned scale (120) stands in for participants."""
    assert _verdict(services, 10, Intention.TRAINING)[:2] == (True, "lecturer")


@pytest.mark.parametrize("registrations, level", [(50, ""), (51, "promo")])
def test_linkage_promo_on_actual_registrations_at_the_threshold(services: Services, registrations: int,
                                                                level: str) -> None:
    eligible, got, _ = _verdict(services, registrations, Intention.LINKAGE)
    assert (eligible, got) == (bool(level), level)


def test_a_manual_correction_wins_over_the_loop(services: Services) -> None:
    with services.db.session() as s:
        activity = publish_item(s, services, intentions=(Intention.GOODS,))
        register_people(s, activity, 5)
        activity.item.actual_registrations = 150
        _, (result,) = actual_verdicts(s, activity, services.settings.support, BEFORE)
    assert (result.eligible, result.quantity) == (True, 15)


def test_org_figures_sum_activities(services: Services) -> None:
    with services.db.session() as s:
        first = publish_item(s, services, "一", capacity=2)
        second = publish_item(s, services, "二")
        register_people(s, first, 3, "o_a")
        register_people(s, second, 4, "o_b")
        total = org_figures(s, first.org_id)
    assert (total.registrations, total.waiting, total.votes) == (6, 1, 0)


# --- timed duties -----------------------------------------------------------------------------------

def test_reminders_go_once_and_not_to_those_who_cancelled(services: Services) -> None:
    cfg = services.settings.activities                   # 24 hours before 2017-11-10 00:00
    with services.db.session() as s:
        activity = publish_item(s, services)
        users = register_people(s, activity, 3)
        rules.cancel(s, activity.item_id, users[1], BEFORE, cfg)
        early = dt.datetime(2017, 11, 8, 23, 59, tzinfo=TZ)
        assert activity_jobs.send_reminders(s, early, cfg, services.tz) == 0
        due = dt.datetime(2017, 11, 9, 0, 0, tzinfo=TZ)
        assert activity_jobs.send_reminders(s, due, cfg, services.tz) == 2
        assert activity_jobs.send_reminders(s, due + dt.timedelta(hours=1), cfg, services.tz) == 0
        sent = s.scalars(select(OutboxMessage.openid).where(OutboxMessage.purpose == "activity.reminder")
                         .order_by(OutboxMessage.openid)).all()
        channel = s.scalar(select(OutboxMessage.channel).limit(1))
    assert sent == ["o_p0", "o_p2"]
    assert channel == "template"  # they never wrote to the account: no customer-service window


def test_participants_are_invited_to_rate_once(services: Services) -> None:
    cfg = services.settings.activities
    with services.db.session() as s:
        activity = publish_item(s, services)
        users = register_people(s, activity, 3)
        rules.scan(s, activity.checkin_scene, users[0], DURING, cfg)
        users[0].last_message_at = DURING
        end = dt.datetime(2017, 11, 11, 0, 0, tzinfo=TZ)
        assert activity_jobs.invite_ratings(s, end - dt.timedelta(minutes=1), cfg, services.tz) == 0
        assert activity_jobs.invite_ratings(s, end, cfg, services.tz) == 1
        assert activity_jobs.invite_ratings(s, end + dt.timedelta(hours=1), cfg, services.tz) == 0
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "activity.rate"))
    assert row is not None and (row.openid, row.channel) == ("o_p0", "custom")
    assert "评价 1 分数 评论" in row.payload["text"]


def test_mobiles_are_erased_the_days_after(services: Services) -> None:
    cfg = services.settings.activities                   # erase_days = 30 after 2017-11-11 00:00
    with services.db.session() as s:
        activity = publish_item(s, services)
        users = register_people(s, activity, 2)
        rules.remember(s, users[0], "青年0", "13800000000", BEFORE)
        s.add(Participant(user_id=create_user(s, "o_other").id, name="别人", mobile="13900000000",
                          updated_at=dt.datetime(2017, 12, 20, tzinfo=TZ)))
        cutoff = dt.datetime(2017, 12, 11, 0, 0, tzinfo=TZ)
        assert activity_jobs.erase_mobiles(s, cutoff - dt.timedelta(minutes=1), cfg) == 0
        assert s.scalar(select(func.count()).where(Registration.mobile.is_not(None))) == 2
        assert activity_jobs.erase_mobiles(s, cutoff, cfg) == 1
        assert activity_jobs.erase_mobiles(s, cutoff, cfg) == 0
        left = s.scalar(select(func.count()).where(Registration.mobile.is_not(None)))
        kept = s.scalars(select(Participant.mobile).order_by(Participant.id)).all()
        names = s.scalars(select(Registration.name).order_by(Registration.id)).all()
    assert left == 0 and names == ["青年0", "青年1"]
    assert kept == [None, "13900000000"]


def test_walk_ins_keep_their_remembered_name_and_mobile(services: Services) -> None:
    with services.db.session() as s:
        activity = publish_item(s, services)
        user = create_user(s, "o_walk")
        rules.remember(s, user, "走进来", "13800000009", BEFORE)
        stranger = create_user(s, "o_new")
        done = rules.scan(s, activity.checkin_scene, user, DURING, services.settings.activities)
        rules.scan(s, activity.checkin_scene, stranger, DURING, services.settings.activities)
        row = rules.registration_of(s, activity, user)
        unknown = rules.registration_of(s, activity, stranger)
    assert done.code == "walked_in" and row is not None and unknown is not None
    assert (row.state, row.name, row.mobile) == (RegState.WALK_IN, "走进来", "13800000009")
    assert (unknown.state, unknown.name, unknown.mobile) == (RegState.WALK_IN, "", None)


def test_a_cancelled_registrant_walking_in_keeps_the_details_given(services: Services) -> None:
    with services.db.session() as s:
        activity = publish_item(s, services)
        (user,) = register_people(s, activity, 1)
        rules.cancel(s, activity.item_id, user, BEFORE, services.settings.activities)
        rules.scan(s, activity.checkin_scene, user, DURING, services.settings.activities)
        row = rules.registration_of(s, activity, user)
    assert row is not None
    assert (row.state, row.name, row.mobile) == (RegState.WALK_IN, "青年0", "13800000000")


def test_the_registered_jobs_run_the_duties(services: Services) -> None:
    """The scheduler's shells: reminders, invitations, erasure, each idempotent."""
    from scheduler.jobs import JOBS, resolve

    with services.db.session() as s:
        activity = publish_item(s, services)
        (user,) = register_people(s, activity, 1)
        rules.scan(s, activity.checkin_scene, user, DURING, services.settings.activities)
    day_before = dt.datetime(2017, 11, 9, 9, 0, tzinfo=TZ)
    for _ in range(2):
        resolve(JOBS["activity_reminders"])(services, day_before)
        resolve(JOBS["activity_rate_invites"])(services, dt.datetime(2017, 11, 11, 9, 0, tzinfo=TZ))
        resolve(JOBS["activity_erase"])(services, dt.datetime(2017, 12, 12, 0, 0, tzinfo=TZ))
    with services.db.session() as s:
        purposes = s.scalars(select(OutboxMessage.purpose).order_by(OutboxMessage.id)).all()
        mobiles = s.scalars(select(Registration.mobile)).all()
    assert purposes == ["activity.reminder", "activity.rate"]
    assert mobiles == [None]


def test_the_erasure_forgets_stale_half_answered_registrations(services: Services) -> None:
    from models.activities import PendingSignup, PendingStep

    cfg = services.settings.activities
    with services.db.session() as s:
        activity = publish_item(s, services)
        old, fresh = create_user(s, "o_old"), create_user(s, "o_fresh")
        at = BEFORE - dt.timedelta(minutes=cfg.pending_minutes)
        for user, updated in ((old, at), (fresh, at + dt.timedelta(minutes=1))):
            s.add(PendingSignup(user_id=user.id, activity_id=activity.id, step=PendingStep.CONFIRM,
                                name="某人", mobile="13800000000", updated_at=updated))
        s.flush()
        activity_jobs.erase_mobiles(s, BEFORE, cfg)
        left = s.scalars(select(PendingSignup.user_id)).all()
    assert left == [fresh.id]
