"""The console's pages call the same domain functions as chat and CLI: decisions reach the people
concerned exactly once, voids change the board, the chart has one point per hour, all audited."""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.services import Services
from core.settings import Settings
from models.console import AuditEntry
from models.contest_close import file_digest
from models.contest_fraud import flag_bursts
from models.contest_rounds import Entry, RoundState, get_round
from models.contest_votes import Vote, VoteStatus
from models.filing import FilingItem, ReviewState
from models.orgs import Organisation
from models.outbox import Channel, OutboxMessage, Status, enqueue
from tests.support_console import cast, create_accounts, login, outbox_count, post
from tests.support_contest import at, create_item, create_round
from tests.support_filing import EXPORT_HEADERS, activity, create_filing

POINTS = re.compile(r'data-series="valid" points="([^"]+)"')


@pytest.fixture()
def settings(settings_factory: Callable[..., Settings], tmp_path: Path) -> Settings:
    """Example settings with the frozen counts under the test's own folder."""
    return settings_factory(contest={"frozen_dir": str(tmp_path / "frozen"), "burst_min_votes": 5,
                                     "burst_factor": 3.0})


@pytest.fixture()
def admin(app: Flask, services: Services, clock: Any) -> Any:
    """A logged-in admin's test client, on 2017-11-15 10:00 Beijing time."""
    clock.set(at("2017-11-15 10:00"))
    create_accounts(services)
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def _audit(services: Services, action: str) -> list[AuditEntry]:
    with services.db.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_overview_counts_the_campaign(admin: Any, services: Services) -> None:
    """Filings by state in figures and in the chart's bars, votes today, the outbox queue."""
    with services.db.session() as s:
        create_filing(s, records=[activity("甲"), activity("乙"), activity("丙")])
        item = s.scalars(select(FilingItem).order_by(FilingItem.id)).first()
        item.review_state = ReviewState.APPROVED
        row = create_round(s, services.settings, entries=2)
        cast(s, row, 1, "o_v1", at("2017-11-15 08:00"))
        cast(s, row, 1, "o_v2", at("2017-11-14 23:59"))  # yesterday
        enqueue(s, key="k1", purpose="x", openid="o_1", channel=Channel.CUSTOM, payload={"text": "hi"})
        _published_with(s, item.id, ("registered", True), ("registered", False), ("waiting", False),
                        ("walk_in", True))
    page = admin.get("/admin/").get_data(as_text=True)
    assert 'id="fig-published">1<' in page and 'id="fig-registered">2<' in page
    assert 'id="fig-checked-in">2<' in page
    assert 'id="fig-votes">1<' in page and 'id="fig-queued">1<' in page
    # the round's two approved items plus the filing's three
    assert 'id="fig-activities">5<' in page and 'id="fig-pending">2<' in page
    assert 'data-state="pending" data-count="2"' in page
    assert 'data-state="approved" data-count="3"' in page and 'data-state="rejected" data-count="0"' in page


def _published_with(s: Any, item_id: int, *people: tuple[str, bool]) -> None:
    """An activity open for registration with people in the given states (checked in or not)."""
    from models.activities import Activity, Registration
    from tests.support import create_user
    item = s.get(FilingItem, item_id)
    activity_row = Activity(item_id=item_id, org_id=item.filing.org_id, capacity=None,
                            deadline=at("2017-11-19 00:00"), starts_at=at("2017-11-20 09:00"),
                            ends_at=at("2017-11-20 12:00"), checkin_scene="in1", checkout_scene="out1",
                            published_by="cli")
    s.add(activity_row)
    s.flush()
    for n, (state, checked) in enumerate(people, start=1):
        s.add(Registration(activity_id=activity_row.id, user_id=create_user(s, f"o_reg{n}").id, name="青年",
                           state=state, ticket=n, registered_at=at("2017-11-15 09:00"),
                           checked_in_at=at("2017-11-20 09:10") if checked else None))
    s.flush()


def test_the_queue_shows_every_field_and_the_support_verdicts(admin: Any, services: Services) -> None:
    """The activity page shows the form's fields and each support's verdict with its reason."""
    with services.db.session() as s:
        item_id = create_filing(s, records=[activity("青年沙龙", scale=150, intentions=("goods", "contest"),
                                                     plan="https://example.org/plan")]).items[0].id
    page = admin.get(f"/admin/filings/{item_id}").get_data(as_text=True)
    for text in ("石龙团委", "青年沙龙", "2017-11-20", "石龙青年之家", "150", "线下活动",
                 "面向青年的交流沙龙活动", "https://example.org/plan", "文化品支持", "设计大赛", "待审核"):
        assert text in page, text
    queue = admin.get("/admin/filings").get_data(as_text=True)
    assert ("青年沙龙" in queue and "✓ 文化品支持" in queue) or "✗ 文化品支持" in queue


def test_approving_tells_the_admins_once_and_is_audited(admin: Any, services: Services) -> None:
    """Approve: two admins, two template messages; the same decision again tells nobody twice."""
    with services.db.session() as s:
        from tests.support import create_org
        create_org(s, "石龙团委", "石龙", admins=("o_a1", "o_a2"))
        item_id = create_filing(s, admin="o_a1").items[0].id
    response = post(admin, f"/admin/filings/{item_id}/review", {"decision": "approved", "reason": "很好"})
    assert response.status_code == 302
    assert outbox_count(services, "filing.review") == 2
    post(admin, f"/admin/filings/{item_id}/review", {"decision": "approved", "reason": "很好"})
    assert outbox_count(services, "filing.review") == 2
    with services.db.session() as s:
        item = s.get(FilingItem, item_id)
        assert (item.review_state, item.review_reason, item.reviewed_by) == ("approved", "很好", "console:boss")
    [entry] = _audit(services, "filing.review")
    assert entry.before == {"state": "pending", "reason": None}
    assert entry.after == {"state": "approved", "reason": "很好"} and entry.actor == "console:boss"
    page = admin.get(f"/admin/filings/{item_id}").get_data(as_text=True)
    assert "console:boss · 已通过：很好" in page


def test_changing_a_decision_needs_the_change_box(admin: Any, services: Services) -> None:
    """Reject after approve: refused with the decision in force; ticked: recorded, told again."""
    with services.db.session() as s:
        item_id = create_filing(s, admin="o_a1").items[0].id
    post(admin, f"/admin/filings/{item_id}/review", {"decision": "approved"})
    page = post(admin, f"/admin/filings/{item_id}/review", {"decision": "rejected", "reason": "规模不符"},
                follow_redirects=True).get_data(as_text=True)
    assert "已于 2017-11-15 10:00 已通过" in page and "勾选“改变已有的审核结果”" in page
    assert outbox_count(services, "filing.review") == 1
    page = post(admin, f"/admin/filings/{item_id}/review",
                {"decision": "rejected", "reason": "规模不符", "change": "1"},
                follow_redirects=True).get_data(as_text=True)
    assert outbox_count(services, "filing.review") == 2
    assert "console:boss · 已通过" in page and "console:boss · 改为已驳回：规模不符" in page
    with services.db.session() as s:
        assert s.get(FilingItem, item_id).review_state == ReviewState.REJECTED
    assert [e.after["state"] for e in _audit(services, "filing.review")] == ["approved", "rejected"]


def test_the_history_shows_decisions_made_in_chat_or_cli(admin: Any, services: Services) -> None:
    """A decision recorded by the CLI's path appears in the console's history too."""
    from models.filing_ops import review_item
    with services.db.session() as s:
        item_id = create_filing(s).items[0].id
        review_item(s, item_id, ReviewState.APPROVED, "", "cli", at("2017-11-14 09:00"), "tpl")
    page = admin.get(f"/admin/filings/{item_id}").get_data(as_text=True)
    assert "2017-11-14 09:00 · cli · 已通过" in page


@pytest.mark.parametrize("data,message", [({"decision": "rejected", "reason": "  "}, "驳回须写明理由"),
                                          ({"decision": "maybe"}, "请选择"),
                                          ({"decision": "approved", "reason": "长" * 201}, "最多 200 个字")])
def test_a_bad_decision_is_refused_and_changes_nothing(admin: Any, services: Services, data: dict[str, str],
                                                       message: str) -> None:
    """A rejection without reason, an unknown decision, a reason too long: the reason is shown."""
    with services.db.session() as s:
        item_id = create_filing(s).items[0].id
    response = post(admin, f"/admin/filings/{item_id}/review", data, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    with services.db.session() as s:
        assert s.get(FilingItem, item_id).review_state == ReviewState.PENDING
    assert outbox_count(services, "filing.review") == 0


def test_reviewing_a_missing_activity_is_404(admin: Any) -> None:
    """No such activity: 404, not a traceback."""
    assert post(admin, "/admin/filings/999/review", {"decision": "approved"}).status_code == 404
    assert admin.get("/admin/filings/999").status_code == 404
    past = "9" * 23  # past what the tables hold: no page either, never the driver's overflow
    for path in (f"/admin/filings/{past}", f"/admin/activities/{past}", f"/admin/activities/{past}/export.xlsx"):
        assert admin.get(path).status_code == 404, path
    assert post(admin, f"/admin/filings/{past}/review", {"decision": "approved"}).status_code == 404


def test_the_export_is_the_filing_export(admin: Any, services: Services) -> None:
    """The download is the 申请意向表 in the form's columns, one row per activity; ?month filters."""
    with services.db.session() as s:
        create_filing(s, records=[activity("十一月", day="2017-11-20"), activity("十二月", day="2017-12-02")])
    response = admin.get("/admin/export/filings.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADERS and [r[2] for r in rows[1:]] == ["十一月", "十二月"]
    one = load_workbook(io.BytesIO(admin.get("/admin/export/filings.xlsx?month=2017-12").data)).active
    assert [r[2] for r in list(one.iter_rows(values_only=True))[1:]] == ["十二月"]
    assert admin.get("/admin/export/filings.xlsx?month=2017-13").status_code == 400


def test_the_shortlist_numbers_the_ticked_candidates(admin: Any, services: Services) -> None:
    """Ticked candidates, an order typed first: numbered 1..N, voting window from the settings."""
    with services.db.session() as s:
        ids = [create_item(s, f"候选{i}").id for i in range(1, 5)]
    response = post(admin, "/admin/contest/2017-11/shortlist",
                    {"item": [str(ids[0]), str(ids[2])], "order": str(ids[3])})
    assert response.status_code == 302
    with services.db.session() as s:
        row = get_round(s, "2017-11")
        assert row is not None and row.state == RoundState.VOTING
        entries = s.scalars(select(Entry).where(Entry.round_id == row.id).order_by(Entry.number)).all()
        assert [(e.number, e.item_id) for e in entries] == [(1, ids[3]), (2, ids[0]), (3, ids[2])]
        assert row.opens_at == at("2017-11-01 00:00") and row.closes_at == at("2017-12-01 00:00")
    [entry] = _audit(services, "contest.shortlist")
    assert entry.after["items"] == [ids[3], ids[0], ids[2]]


def test_a_shortlist_over_the_size_is_refused(admin: Any, services: Services,
                                             settings_factory: Callable[..., Settings]) -> None:
    """31 candidates when 30 are allowed: the domain's refusal is shown, no round opens."""
    with services.db.session() as s:
        ids = [create_item(s, f"候选{i}").id for i in range(1, 32)]
    response = post(admin, "/admin/contest/2017-11/shortlist", {"item": [str(i) for i in ids]},
                    follow_redirects=True)
    assert "入围项目数应为 1 至 30 个，实际 31 个" in response.get_data(as_text=True)
    with services.db.session() as s:
        assert get_round(s, "2017-11") is None or get_round(s, "2017-11").state == RoundState.SHORTLISTING


def test_voiding_a_project_in_a_span_changes_the_board(admin: Any, services: Services) -> None:
    """Votes for 1 between 09:00 and 10:00 are voided; 1 falls behind 2; the log says why."""
    with services.db.session() as s:
        row = create_round(s, services.settings, entries=2)
        for n in range(4):
            cast(s, row, 1, f"o_b{n}", at(f"2017-11-15 09:{10 + n}"))
        cast(s, row, 1, "o_early", at("2017-11-15 08:30"))
        cast(s, row, 2, "o_c1", at("2017-11-15 08:00"))
        cast(s, row, 2, "o_c2", at("2017-11-15 08:05"))
    board = admin.get("/admin/contest/2017-11").get_data(as_text=True)
    assert re.search(r'data-number="1"><td>1</td>.*?class="votes">5<', board, re.DOTALL)
    response = post(admin, "/admin/contest/2017-11/void",
                    {"entry": "1", "since": "2017-11-15T09:00", "until": "2017-11-15T10:00",
                     "reason": "集中刷票"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已作废 4 票" in page
    assert re.search(r'data-number="2"><td>1</td>.*?class="votes">2<', page, re.DOTALL)
    assert re.search(r'data-number="1"><td>2</td>.*?class="votes">1<', page, re.DOTALL)
    with services.db.session() as s:
        assert s.scalar(select(Entry.valid_votes).where(Entry.number == 1)) == 1
        voided = s.scalars(select(Vote).where(Vote.status == VoteStatus.VOID)).all()
        assert {v.openid for v in voided} == {"o_b0", "o_b1", "o_b2", "o_b3"}
        assert {v.void_reason for v in voided} == {"集中刷票"} and voided[0].voided_by == "console:boss"
    [entry] = _audit(services, "contest.void")
    assert entry.before == {"valid": 7} and entry.after["voided"] == 4 and entry.after["valid"] == 3


@pytest.mark.parametrize("data,message", [
    ({"reason": "x"}, "二者选其一"), ({"entry": "1", "openid": "o_1", "reason": "x"}, "二者选其一"),
    ({"entry": "1"}, "作废须写明原因"), ({"entry": "9", "reason": "x"}, "9"),
    ({"entry": "1", "since": "2017-11-15T10:00", "until": "2017-11-15T09:00", "reason": "x"}, "须晚于"),
    ({"entry": "1", "since": "yesterday", "reason": "x"}, "无法识别的时间"),
])
def test_a_bad_void_is_refused(admin: Any, services: Services, data: dict[str, str], message: str) -> None:
    """Neither or both of follower and project, no reason, an unknown project, a reversed span."""
    with services.db.session() as s:
        row = create_round(s, services.settings, entries=2)
        cast(s, row, 1, "o_1", at("2017-11-15 09:00"))
    page = post(admin, "/admin/contest/2017-11/void", data, follow_redirects=True).get_data(as_text=True)
    assert message in page
    with services.db.session() as s:
        assert s.scalar(select(Vote.status)) == VoteStatus.VALID


def test_voiding_a_follower_and_blacklisting_them(admin: Any, services: Services) -> None:
    """By openid: every valid vote of that follower; the blacklist lists them, audited."""
    with services.db.session() as s:
        row = create_round(s, services.settings, entries=2)
        cast(s, row, 1, "o_bad", at("2017-11-15 09:00"))
        cast(s, row, 2, "o_bad", at("2017-11-15 09:01"))
        cast(s, row, 2, "o_good", at("2017-11-15 09:02"))
    page = post(admin, "/admin/contest/2017-11/void", {"openid": "o_bad", "reason": "小号"},
                follow_redirects=True).get_data(as_text=True)
    assert "已作废 2 票" in page
    post(admin, "/admin/contest/blacklist", {"openid": "o_bad", "reason": "小号"})
    assert "o_bad" in admin.get("/admin/contest").get_data(as_text=True)
    again = post(admin, "/admin/contest/blacklist", {"openid": "o_bad"}, follow_redirects=True)
    assert "已在黑名单中" in again.get_data(as_text=True)
    post(admin, "/admin/contest/blacklist", {"openid": "o_bad", "action": "remove"})
    assert len(_audit(services, "contest.blacklist.add")) == 1
    assert len(_audit(services, "contest.blacklist.remove")) == 1


def test_the_chart_has_one_point_per_hour_and_marks_the_flag(admin: Any, services: Services, clock: Any) -> None:
    """A window open since 11-15 00:00, now 10:00: ten points; a burst at 09:xx is flagged there."""
    with services.db.session() as s:
        row = create_round(s, services.settings, entries=2, first="2017-11-15", last="2017-11-20")
        cast(s, row, 1, "o_base", at("2017-11-15 02:30"))
        for n in range(6):
            cast(s, row, 1, f"o_burst{n}", at(f"2017-11-15 09:5{n}"))
        entry_id = s.scalar(select(Entry.id).where(Entry.number == 1))
        assert flag_bursts(s, at("2017-11-15 09:56"), services.settings.contest, []) == [entry_id]
    page = admin.get("/admin/contest/2017-11?entry=1").get_data(as_text=True)
    points = POINTS.search(page)
    assert points is not None
    pairs = points.group(1).split()
    assert len(pairs) == 10
    heights = [float(p.split(",")[1]) for p in pairs]
    assert heights[9] == min(heights) and heights[2] < heights[0]  # the burst hour is the peak
    assert page.count('<g class="flag">') == 1
    assert "5 分钟内 5 票" in page and "此前 24 小时共 2 票" in page  # 02:30 and 09:50, before the window
    clock.set(at("2017-11-21 12:00"))  # after the window: its whole length, 6 days
    later = POINTS.search(admin.get("/admin/contest/2017-11?entry=1").get_data(as_text=True))
    assert later is not None and len(later.group(1).split()) == 6 * 24


def test_close_says_what_will_happen_then_freezes_the_count(admin: Any, services: Services,
                                                           clock: Any) -> None:
    """The confirmation names the consequences; without the typed month nothing happens; then the
    frozen file's SHA-256 is shown and checks out; announcing queues each admin once."""
    with services.db.session() as s:
        from tests.support import create_org
        create_org(s, "石龙团委", "石龙", admins=("o_a1",))
        row = create_round(s, services.settings, entries=2)
        cast(s, row, 2, "o_v", at("2017-11-15 09:00"))
    clock.set(at("2017-12-01 09:00"))
    confirm = admin.get("/admin/contest/2017-11/close").get_data(as_text=True)
    assert "2 个项目按 1 张有效票排名" in confirm and "不能撤销" in confirm and "SHA-256" in confirm
    post(admin, "/admin/contest/2017-11/close", {"confirm": "2017-10"})
    with services.db.session() as s:
        assert get_round(s, "2017-11").state == RoundState.VOTING
    page = post(admin, "/admin/contest/2017-11/close", {"confirm": "2017-11"},
                follow_redirects=True).get_data(as_text=True)
    with services.db.session() as s:
        row = get_round(s, "2017-11")
        assert row.state == RoundState.CLOSED and row.frozen_sha256 in page
        assert file_digest(row.frozen_path) == row.frozen_sha256
    assert "计票文件校验一致" in page
    frozen = admin.get("/admin/contest/2017-11/frozen.json")
    assert frozen.status_code == 200 and file_digest(row.frozen_path) == __import__("hashlib").sha256(
        frozen.data).hexdigest()
    announce = admin.get("/admin/contest/2017-11/announce").get_data(as_text=True)
    assert "共发出 2 条模板消息" in announce
    post(admin, "/admin/contest/2017-11/announce", {"confirm": "2017-11"})
    post(admin, "/admin/contest/2017-11/announce", {"confirm": "2017-11"})
    assert outbox_count(services, "contest.result") == 2  # two entries, one admin, once each
    with services.db.session() as s:
        assert get_round(s, "2017-11").state == RoundState.ANNOUNCED
    assert len(_audit(services, "contest.close")) == 1


def test_a_void_after_the_close_is_refused(admin: Any, services: Services, clock: Any) -> None:
    """A closed round's count is frozen: the console says so and voids nothing."""
    with services.db.session() as s:
        row = create_round(s, services.settings, entries=1)
        cast(s, row, 1, "o_v", at("2017-11-15 09:00"))
    clock.set(at("2017-12-01 09:00"))
    post(admin, "/admin/contest/2017-11/close", {"confirm": "2017-11"})
    page = post(admin, "/admin/contest/2017-11/void", {"entry": "1", "reason": "x"},
                follow_redirects=True).get_data(as_text=True)
    assert "计票已冻结" in page
    with services.db.session() as s:
        assert s.scalar(select(Vote.status)) == VoteStatus.VALID


def test_push_lists_failures_with_their_meaning_and_retries(admin: Any, services: Services) -> None:
    """A failed template (43004: not a follower) is explained; retry queues it again, audited."""
    with services.db.session() as s:
        row = enqueue(s, key="f1", purpose="filing.review", openid="o_1", channel=Channel.TEMPLATE,
                      payload={"template": "x", "data": {}})
        row.status, row.last_error_code, row.last_error, row.attempts = Status.FAILED, 43004, "require subscribe", 3
        row_id = row.id
    page = admin.get("/admin/push").get_data(as_text=True)
    assert "43004" in page and "require subscribe" in page
    assert 'data-state="failed" data-channel="template"><a' in page
    post(admin, "/admin/push/retry", {"id": str(row_id)})
    with services.db.session() as s:
        assert s.get(OutboxMessage, row_id).status == Status.QUEUED
    [entry] = _audit(services, "push.retry")
    assert entry.before == {str(row_id): "failed"} and entry.after["requeued"] == 1
    again = post(admin, "/admin/push/retry", {"id": [str(row_id), "999"]}, follow_redirects=True)
    page = again.get_data(as_text=True)
    assert "没有消息被重新排队" in page and "没有编号为 999 的消息" in page
    assert f"消息 {row_id} 的状态是“排队中”" in page
    assert len(_audit(services, "push.retry")) == 1


def test_orgs_add_and_invite(admin: Any, services: Services) -> None:
    """Add an organisation, then a one-time code shown once (and not written to the audit log)."""
    post(admin, "/admin/orgs/add", {"name": "  东城  团委 ", "town": "东城", "kind": "town"})
    with services.db.session() as s:
        org = s.scalar(select(Organisation))
        assert (org.name, org.town, org.kind) == ("东城 团委", "东城", "town")
        org_id = org.id
    page = post(admin, f"/admin/orgs/{org_id}/invite").get_data(as_text=True)
    code = re.search(r'<p class="big"><code>([^<]+)</code>', page)
    assert code is not None and f"绑定 {code.group(1)}" in page
    [entry] = _audit(services, "org.invite")
    assert code.group(1) not in str(entry.after)
    dup = post(admin, "/admin/orgs/add", {"name": "东城 团委", "town": "东城"}, follow_redirects=True)
    assert "组织已存在" in dup.get_data(as_text=True)
    bad = post(admin, "/admin/orgs/add", {"name": "某组织", "town": "火星"}, follow_redirects=True)
    assert "未知的镇街：火星" in bad.get_data(as_text=True)


def test_orgs_import_a_workbook(admin: Any, services: Services) -> None:
    """A good .xlsx: every row imported and the count said."""
    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "镇街", "类型"])
    sheet.append(["虎门团委", "虎门", "镇街团委"])
    sheet.append(["长安青年之家", "长安", "青年之家"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    page = post(admin, "/admin/orgs/import", {"file": (data, "orgs.xlsx")},
                content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "已导入 2 个组织" in page
    with services.db.session() as s:
        assert sorted(o.name for o in s.scalars(select(Organisation))) == sorted(["虎门团委", "长安青年之家"])


def test_expert_figures_with_bad_rows_import_nothing(admin: Any, services: Services) -> None:
    """Every bad row is listed; a good upload then replaces the month and can be evaluated."""
    with services.db.session() as s:
        from tests.support_experts import create_expert
        create_expert(s, "张律师")
        create_expert(s, "李老师", "心理")
    bad = "专家,答题数,互动答题数\n张律师,10,20\n王某,5,1\n李老师,abc,1\n"
    page = post(admin, "/admin/experts/stats", {"month": "2017-10", "file": (io.BytesIO(bad.encode()), "m.csv")},
                content_type="multipart/form-data").get_data(as_text=True)
    assert "第 2 行" in page and "第 3 行" in page and "第 4 行" in page
    good = "专家,答题数,互动答题数\n张律师,40,20\n李老师,30,10\n"
    page = post(admin, "/admin/experts/stats", {"month": "2017-10", "file": (io.BytesIO(good.encode()), "m.csv")},
                content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "张律师" in page and "李老师" in page
    page = post(admin, "/admin/experts/evaluate", {"month": "2017-10"}, follow_redirects=True).get_data(as_text=True)
    assert "2017-10 已评价" in page
    assert len(_audit(services, "expert.evaluate")) == 1


def test_supervision_lists_towns_and_issues_a_code(admin: Any, services: Services) -> None:
    """Every town is listed; a code for one town is shown once."""
    page = admin.get("/admin/supervision").get_data(as_text=True)
    assert "莞城" in page and "高埗" in page
    page = post(admin, "/admin/supervision/invite", {"town": "石龙"}).get_data(as_text=True)
    assert "石龙 督导专员的一次性绑定码" in page
    unknown = post(admin, "/admin/supervision/invite", {"town": "火星"}, follow_redirects=True)
    assert "火星" in unknown.get_data(as_text=True)


def test_the_audit_page_shows_who_did_what(admin: Any, services: Services) -> None:
    """Every change so far, in words, with its before and after."""
    with services.db.session() as s:
        item_id = create_filing(s).items[0].id
    post(admin, f"/admin/filings/{item_id}/review", {"decision": "rejected", "reason": "时间不在活动期内"})
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "审核活动" in page and "console:boss" in page and f"filing:{item_id}" in page
    assert "时间不在活动期内" in page and "登录" in page


def test_a_quarter_still_running_is_not_chosen(admin: Any, services: Services) -> None:
    """Choosing 2017-Q4 on 11-15 is refused with the domain's reason; a typo names the format."""
    page = post(admin, "/admin/experts/quarter", {"quarter": "2017-Q4"}, follow_redirects=True)
    assert "2017-Q4 尚未结束" in page.get_data(as_text=True) and len(_audit(services, "expert.quarter")) == 0
    typo = post(admin, "/admin/experts/quarter", {"quarter": "2017Q4"}, follow_redirects=True)
    assert "季度格式应为 YYYY-QN，例如 2017-Q4：2017Q4" in typo.get_data(as_text=True)
