"""The console in a real browser: Debian's Chromium, headless, driven by Playwright, against the
app served on a loopback port (one server and one browser for the whole module).

Skipped with a reason only when Chromium (or Playwright) is missing on this machine; `.ci/run`
installs Chromium and sets YOUTHVOICE_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.serving import make_server

from bot.app import create_app
from bot.db import Database
from bot.services import Services
from bot.store import connect
from models.outbox import OutboxMessage
from tests.support import Clock, create_org, make_settings, redis_url, reset_database
from tests.support_activities import publish_item, register_people
from tests.support_console import ADMIN, PASSWORD, cast, create_accounts
from tests.support_contest import at, create_item, create_round
from tests.support_filing import EXPORT_HEADERS, activity, create_filing

CHROMIUM = Path(os.environ.get("YOUTHVOICE_CHROMIUM", "/usr/bin/chromium"))
NOW = "2017-11-15 10:00"
HOURS_SO_FAR = 14 * 24 + 10  # 2017-11-01 00:00 to 11-15 10:00, Beijing time


def _browser_or_skip() -> Any:
    """Playwright's sync API, or a skip (a failure where the browser is required)."""
    why = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        why = "playwright is not installed (pip install -r requirements-dev.txt)"
    if why is None and not CHROMIUM.exists():
        why = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    if why is not None:
        if os.environ.get("YOUTHVOICE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but cannot run: {why}")
        pytest.skip(why)
    return sync_playwright


@pytest.fixture(scope="module")
def server(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services]]:
    """The bot on a loopback port, on clean backends, its clock at 2017-11-15 10:00."""
    store_url = redis_url()
    frozen = tmp_path_factory.mktemp("frozen")
    settings = make_settings(db_url, store_url, contest={"frozen_dir": str(frozen)})
    database = Database(db_url)
    reset_database(database.engine)
    database.dispose()
    store = connect(store_url, 1.0)
    store.flushdb()
    store.close()
    app = create_app(settings)
    services: Services = app.extensions["youthvoice"]
    services.clock = Clock(at(NOW))
    create_accounts(services)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", services
    httpd.shutdown()
    thread.join(5)
    services.close()


@pytest.fixture(scope="module")
def browser(server: tuple[str, Services]) -> Iterator[Any]:
    """One headless Chromium for the module."""
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any, server: tuple[str, Services]) -> Iterator[Any]:
    """A fresh browser context (no cookies), logged in as the admin through the login form."""
    base, _ = server
    context = browser.new_context(base_url=base, accept_downloads=True,
                                  viewport={"width": 390, "height": 844})  # a phone's screen
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.goto("/admin/")
    assert "/admin/login" in tab.url
    tab.fill("input[name=username]", ADMIN)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{base}/admin/")
    yield tab
    context.close()


def test_log_in_and_see_the_overview(page: Any) -> None:
    """The login form leads to 概览 with its filings chart drawn."""
    assert page.locator("h1").inner_text() == "概览"
    assert page.locator("svg.chart-states rect.bar").count() == 3


def test_approve_a_filing_and_see_the_notice_queued(page: Any, server: tuple[str, Services]) -> None:
    """Approving on the activity's page queues the organisation admin's notice in the outbox."""
    _, services = server
    with services.db.session() as s:
        create_org(s, "浏览器团委", "石龙", admins=("o_browser_admin",))
        item_id = create_filing(s, org_name="浏览器团委", admin="o_browser_admin",
                                records=[activity("浏览器沙龙")]).items[0].id
    page.goto(f"/admin/filings/{item_id}")
    page.fill("textarea[name=reason]", "材料齐全")
    page.click("#approve")
    assert "已通过" in page.locator(".flash").inner_text()
    assert "已通过：材料齐全" in page.locator("#state").inner_text()
    page.goto("/admin/push")
    row = page.locator("#outbox tr[data-purpose='filing.review']")
    assert row.count() == 1 and "o_browser_admin" in row.inner_text()
    with services.db.session() as s:
        queued = s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "filing.review")).all()
        assert [m.openid for m in queued] == ["o_browser_admin"]


def test_build_a_shortlist(page: Any, server: tuple[str, Services]) -> None:
    """Ticking two of three candidates opens December's vote with them numbered 1 and 2."""
    _, services = server
    with services.db.session() as s:
        ids = [create_item(s, f"十二月候选{i}", month="2017-12").id for i in range(1, 4)]
    page.goto("/admin/contest/2017-12")
    page.check(f"input[name=item][value='{ids[2]}']")
    page.check(f"input[name=item][value='{ids[0]}']")
    page.click("#shortlist")
    assert "入围名单已确定：2 个项目" in page.locator(".flash").inner_text()
    numbers = page.locator("#board tbody tr").evaluate_all("rows => rows.map(r => r.dataset.number)")
    assert numbers == ["1", "2"]
    assert "十二月候选1" in page.locator("#board").inner_text()


def test_void_a_vote_and_see_the_board_change(page: Any, server: tuple[str, Services]) -> None:
    """One follower's vote voided: the project's count on the board drops by one at once."""
    _, services = server
    with services.db.session() as s:
        row = create_round(s, services.settings, month="2017-11", entries=2, prefix="十一月项目")
        cast(s, row, 1, "o_cheat", at("2017-11-14 21:00"))
        cast(s, row, 1, "o_fair", at("2017-11-15 09:30"))
        cast(s, row, 2, "o_fair2", at("2017-11-15 09:40"))
    page.goto("/admin/contest/2017-11")
    votes = page.locator("#board tr[data-number='1'] td.votes")
    assert votes.inner_text() == "2"
    page.fill("#void-form input[name=openid]", "o_cheat")
    page.fill("#void-form input[name=reason]", "同一设备多个账号")
    page.click("#void")
    assert "已作废 1 票" in page.locator(".flash").inner_text()
    assert page.locator("#board tr[data-number='1'] td.votes").inner_text() == "1"


def test_the_chart_is_drawn_with_one_point_per_hour(page: Any, server: tuple[str, Services]) -> None:
    """The votes-per-hour line of project 1 has one point per hour of the window so far."""
    page.goto("/admin/contest/2017-11?entry=1")
    line = page.locator("#chart polyline[data-series=valid]")
    assert line.evaluate("el => el.points.numberOfItems") == HOURS_SO_FAR
    box = page.locator("#chart svg").bounding_box()
    assert box is not None and 300 <= box["width"] <= 390  # fits the phone's width


def test_the_download_opens_with_openpyxl(page: Any, tmp_path: Path) -> None:
    """The 申请意向表 link downloads a workbook in the form's columns."""
    page.goto("/admin/filings")
    with page.expect_download() as info:
        page.click("#export")
    assert info.value.suggested_filename == "申请意向表.xlsx"
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADERS
    assert "浏览器沙龙" in [r[2] for r in rows[1:]]


def test_the_activities_page_lists_a_published_activity(page: Any, server: tuple[str, Services]) -> None:
    """The nav entry 活动 opens the list, where a published activity shows its registrations."""
    _, services = server
    with services.db.session() as s:
        row = publish_item(s, services, name="浏览器志愿行", capacity=5)
        register_people(s, row, 2, prefix="o_browser_p")
        item_id = row.item_id
    page.click("header nav a:has-text('活动')")
    assert page.locator("h1").inner_text() == "活动"
    line = page.locator(f"#activity-{item_id}")
    assert "浏览器志愿行" in line.inner_text()
    assert line.locator("[data-figure=registered]").inner_text() == "2 / 5"
