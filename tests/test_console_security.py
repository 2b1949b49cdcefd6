"""The console's refusals: no session, wrong role, missing CSRF, throttling, bad uploads, escaping,
weak secret keys; and `console add-user`."""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from bot.services import Services
from core.settings import Settings, SettingsError
from models.console import AuditEntry, ConsoleUser, LoginFailure
from models.filing import FilingItem, ReviewState
from models.orgs import Organisation
from tests.support import create_org
from tests.support_console import (
    ADMIN,
    PASSWORD,
    VIEWER,
    create_accounts,
    login,
    outbox_count,
    post,
    token,
)
from tests.support_filing import create_filing

T0 = dt.datetime(2017, 11, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PAGES = ["/admin/", "/admin/filings", "/admin/filings/1", "/admin/export/filings.xlsx", "/admin/orgs",
         "/admin/contest", "/admin/contest/2017-11", "/admin/contest/2017-11/close", "/admin/push",
         "/admin/experts", "/admin/supervision", "/admin/audit"]


@pytest.fixture()
def console(app: Flask, services: Services, clock: Any) -> Any:
    """A test client of the bot with one admin and one viewer account, at a fixed time."""
    clock.set(T0)
    create_accounts(services)
    return app.test_client()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_without_a_session_redirects_to_login(console: Any, path: str) -> None:
    """Anything under /admin/ without a session goes to /admin/login, naming the page asked for."""
    response = console.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_a_post_without_a_session_changes_nothing(console: Any, services: Services) -> None:
    """A review posted without a session is redirected and nobody is told anything."""
    with services.db.session() as s:
        item_id = create_filing(s).items[0].id
    response = post(console, f"/admin/filings/{item_id}/review", {"decision": "approved"})
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    with services.db.session() as s:
        assert s.get(FilingItem, item_id).review_state == ReviewState.PENDING
    assert outbox_count(services, "filing.review") == 0


def test_login_sets_a_hardened_cookie_and_goes_where_asked(console: Any) -> None:
    """A right password: a new session cookie (HttpOnly, SameSite, path /admin), then the page."""
    console.get("/admin/filings")
    page = console.get("/admin/login").get_data(as_text=True)
    assert 'name="username"' in page and 'name="password"' in page and 'name="csrf_token"' in page
    response = console.post("/admin/login?next=/admin/filings",
                            data={"username": ADMIN, "password": PASSWORD, "csrf_token": token(console)})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/filings"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie
    assert console.get("/admin/").status_code == 200


def test_login_never_redirects_off_the_console(console: Any) -> None:
    """A `next` pointing elsewhere is ignored."""
    response = console.post("/admin/login?next=//evil.example/x",
                            data={"username": ADMIN, "password": PASSWORD, "csrf_token": token(console)})
    assert response.headers["Location"] == "/admin/"


def test_the_cookie_is_secure_when_the_site_is_https(app_factory: Callable[[Settings], Flask],
                                                     settings_factory: Callable[..., Settings]) -> None:
    """[console] https = true marks the session cookie Secure."""
    app = app_factory(settings_factory(console={"https": True}))
    create_accounts(app.extensions["youthvoice"])
    client = app.test_client()
    response = login(client, **{"wsgi.url_scheme": "https"})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_and_unknown_account_get_the_same_answer(console: Any, services: Services) -> None:
    """Both are refused with 401 and counted; nothing tells which names exist."""
    wrong = login(console, ADMIN, "nope")
    unknown = login(console, "nobody", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不正确" in wrong.get_data(as_text=True)
    assert "用户名或密码不正确" in unknown.get_data(as_text=True)
    with services.db.session() as s:
        assert len(s.scalars(select(LoginFailure)).all()) == 2


def test_login_without_csrf_token_is_refused(console: Any, services: Services) -> None:
    """The login form needs its csrf_token, even with the right password."""
    response = console.post("/admin/login", data={"username": ADMIN, "password": PASSWORD})
    assert response.status_code == 400
    assert console.get("/admin/").status_code == 302


def test_a_change_without_csrf_token_is_refused(console: Any, services: Services) -> None:
    """A logged-in admin's review without the token: 400, no decision, no message."""
    with services.db.session() as s:
        item_id = create_filing(s).items[0].id
    login(console)
    response = console.post(f"/admin/filings/{item_id}/review", data={"decision": "approved"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    with services.db.session() as s:
        assert s.get(FilingItem, item_id).review_state == ReviewState.PENDING
    assert outbox_count(services, "filing.review") == 0


def test_an_account_waits_after_five_failures(console: Any, clock: Any) -> None:
    """The 6th try within the window is refused even with the right password, until it passes."""
    for _ in range(4):
        assert login(console, ADMIN, "wrong").status_code == 401
    assert login(console, ADMIN, PASSWORD).status_code == 302  # 4 failures: still allowed
    console.post("/admin/logout", data={"csrf_token": token(console)})
    for _ in range(5):
        assert login(console, ADMIN, "wrong").status_code == 401
    refused = login(console, ADMIN, PASSWORD)
    assert refused.status_code == 429 and "尝试次数过多" in refused.get_data(as_text=True)
    clock.advance(dt.timedelta(minutes=14, seconds=59))
    assert login(console, ADMIN, PASSWORD).status_code == 429
    clock.advance(dt.timedelta(seconds=2))
    assert login(console, ADMIN, PASSWORD).status_code == 302


def test_an_address_waits_after_twenty_failures(console: Any) -> None:
    """Twenty failures from one address, over any names, lock that address but not another."""
    for n in range(20):
        assert login(console, f"guess{n}", "wrong", REMOTE_ADDR="10.0.0.9").status_code == 401
    assert login(console, VIEWER, PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 429
    assert login(console, VIEWER, PASSWORD, REMOTE_ADDR="10.0.0.8").status_code == 302


def test_a_viewer_sees_everything_and_changes_nothing(console: Any, services: Services) -> None:
    """Every page answers a viewer; a review, an import, a void are refused with 403."""
    with services.db.session() as s:
        item_id = create_filing(s).items[0].id
    login(console, VIEWER)
    for path in PAGES:
        path = path.replace("/filings/1", f"/filings/{item_id}")
        assert console.get(path).status_code == 200, path
    page = console.get(f"/admin/filings/{item_id}").get_data(as_text=True)
    assert "只读账号" in page and 'id="approve"' not in page
    for path, data in ((f"/admin/filings/{item_id}/review", {"decision": "approved"}),
                       ("/admin/orgs/add", {"name": "新组织", "town": "石龙"}),
                       ("/admin/contest/2017-11/void", {"entry": "1", "reason": "x"})):
        response = post(console, path, data)
        assert response.status_code == 403, path
        assert "只读账号" in response.get_data(as_text=True)
    with services.db.session() as s:
        assert s.get(FilingItem, item_id).review_state == ReviewState.PENDING
        assert s.scalar(select(Organisation).where(Organisation.name == "新组织")) is None
    assert outbox_count(services, "filing.review") == 0
    assert console.post("/admin/logout", data={"csrf_token": token(console)}).status_code == 302
    assert console.get("/admin/").status_code == 302


def test_an_upload_too_large_is_refused(app_factory: Callable[[Settings], Flask],
                                        settings_factory: Callable[..., Settings]) -> None:
    """Over [console] upload_max_bytes: 413 with a Chinese explanation, nothing imported."""
    app = app_factory(settings_factory(console={"upload_max_bytes": 2048}))
    services = app.extensions["youthvoice"]
    create_accounts(services)
    client = app.test_client()
    login(client)
    big = io.BytesIO(b"\xe5\x90\x8d\xe7\xa7\xb0,\xe9\x95\x87\xe8\xa1\x97\n" + b"x" * 4096)
    response = post(client, "/admin/orgs/import", {"file": (big, "orgs.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 413
    assert "文件太大" in response.get_data(as_text=True)
    with services.db.session() as s:
        assert s.scalars(select(Organisation)).all() == []


@pytest.mark.parametrize("name,content,message", [
    ("orgs.txt", b"name,town\n", "不是电子表格"),
    ("orgs.exe", b"MZ\x90\x00", "不是电子表格"),
    ("orgs.xlsx", b"this is not a zip file", "不是可读取的 Excel 工作簿"),
    ("orgs.xlsx", b"PK\x03\x04 a zip in name only", "不是可读取的 Excel 工作簿"),
    ("orgs.csv", b"\x00\x01\x02\x03binary", "这不是表格文件"),
    ("orgs.csv", b"", "文件是空的"),
])
def test_an_upload_that_is_not_a_spreadsheet_is_refused(console: Any, services: Services, name: str,
                                                        content: bytes, message: str) -> None:
    """A file of another kind, or a broken workbook: 400 with the reason, nothing imported."""
    login(console)
    response = post(console, "/admin/orgs/import", {"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with services.db.session() as s:
        assert s.scalars(select(Organisation)).all() == []


def test_an_org_import_shows_every_bad_row_and_imports_none(console: Any, services: Services) -> None:
    """Two bad lines among good ones: both named with their line numbers, no organisation added."""
    login(console)
    csv = "名称,镇街,类型\n石龙团委,石龙,镇街团委\n火星团委,火星,镇街团委\n南城青年之家,南城,青年之家\n,东城,\n"
    response = post(console, "/admin/orgs/import", {"file": (io.BytesIO(csv.encode()), "orgs.csv")},
                    content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 3 行" in page and "第 5 行" in page and "第 2 行" not in page and "第 4 行" not in page
    with services.db.session() as s:
        assert s.scalars(select(Organisation)).all() == []


def test_a_script_tag_in_a_name_is_shown_as_text(console: Any, services: Services) -> None:
    """An organisation or activity named <script> is escaped on every page that shows it."""
    name = "<script>alert(1)</script>"
    with services.db.session() as s:
        create_org(s, name, "石龙", admins=("o_x",))
        from tests.support_filing import activity
        item_id = create_filing(s, org_name=name, admin="o_x", records=[activity(name=name)]).items[0].id
    login(console)
    for path in ("/admin/orgs", "/admin/filings", f"/admin/filings/{item_id}"):
        page = console.get(path).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
        assert name not in page, path


@pytest.mark.parametrize("key", ["", "change-me-example-console-secret-key", "too-short"])
def test_a_weak_secret_key_stops_start_up_outside_the_quick_start(
        app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings], key: str,
        tmp_path: Any) -> None:
    """On a real store (not memory://) an empty, example or short key refuses to start the app."""
    settings = settings_factory(console={"secret_key": key}, redis={"url": "redis://127.0.0.1:1/0"})
    with pytest.raises(SettingsError, match=re.escape("console.secret_key")):
        app_factory(settings)


def test_the_quick_start_runs_without_a_key_of_its_own(app_factory: Callable[[Settings], Flask],
                                                      settings_factory: Callable[..., Settings],
                                                      tmp_path: Any) -> None:
    """SQLite with memory:// and the example key: the console starts with a random per-process key."""
    settings = settings_factory(console={"secret_key": "change-me-example-console-secret-key"},
                                database={"url": f"sqlite:///{tmp_path}/q.db"},
                                redis={"url": "memory://quick"})
    app = app_factory(settings)
    assert app.secret_key and app.secret_key != "change-me-example-console-secret-key"
    assert app.test_client().get("/admin/login").status_code == 200


def test_a_disabled_console_is_not_served(app_factory: Callable[[Settings], Flask],
                                          settings_factory: Callable[..., Settings]) -> None:
    """[console] enabled = false: no /admin/ at all, and no key is needed."""
    settings = settings_factory(console={"enabled": False, "secret_key": "",})
    client = app_factory(settings).test_client()
    assert client.get("/admin/login").status_code == 404


@pytest.mark.parametrize("key,value", [("max_failures_per_account", 0), ("lock_minutes", 0),
                                       ("upload_max_bytes", 10)])
def test_console_numbers_that_disable_a_protection_stop_start_up(
        app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
        key: str, value: int) -> None:
    """A throttle of 0 or an upload limit of a few bytes is a mistake: start-up names the key."""
    with pytest.raises(SettingsError, match=f"console.{key}"):
        app_factory(settings_factory(console={key: value}))


def test_add_user_reads_the_password_from_standard_input(app: Flask, services: Services) -> None:
    """The password comes from stdin and is stored hashed (scrypt); the id is the last line."""
    result = app.test_cli_runner().invoke(args=["console", "add-user", "alice", "--role", "viewer"],
                                          input="s3cret-pass\n")
    assert result.exit_code == 0, result.output
    with services.db.session() as s:
        user = s.scalar(select(ConsoleUser).where(ConsoleUser.username == "alice"))
        assert user is not None and user.role == "viewer"
        assert user.password_hash.startswith("scrypt:") and "s3cret-pass" not in user.password_hash
        assert result.output.strip().splitlines()[-1] == str(user.id)
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "user.add")) is not None
    client = app.test_client()
    assert login(client, "alice", "s3cret-pass").status_code == 302


def test_add_user_generates_a_password_printed_once(app: Flask) -> None:
    """--generate prints a random password once; it logs in."""
    result = app.test_cli_runner().invoke(args=["console", "add-user", "bob", "--role", "admin",
                                                "--generate"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "只显示这一次" in x)
    password = line.rsplit("：", 1)[1]
    assert len(password) == 16
    assert login(app.test_client(), "bob", password).status_code == 302


@pytest.mark.parametrize("args,stdin,message", [
    (["carol", "--role", "admin"], "short\n", "密码至少 8 个字符"),
    (["carol", "--role", "admin"], "", "密码至少 8 个字符"),
    (["car ol", "--role", "admin"], "long-enough\n", "用户名须为"),
    (["carol", "--role", "boss"], "long-enough\n", "boss"),
])
def test_add_user_refuses_bad_input_with_one_line(app: Flask, args: list[str], stdin: str,
                                                   message: str) -> None:
    """A short password, a name with a space, an unknown role: non-zero exit, no traceback."""
    result = app.test_cli_runner().invoke(args=["console", "add-user", *args], input=stdin)
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output


def test_add_user_refuses_a_taken_name(app: Flask) -> None:
    """The same name twice: the second fails and says so."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["console", "add-user", "dave", "--role", "admin"],
                         input="long-enough\n").exit_code == 0
    again = runner.invoke(args=["console", "add-user", "dave", "--role", "viewer"], input="other-pass\n")
    assert again.exit_code == 1 and "已存在" in again.output


def test_an_import_without_a_file_says_so(console: Any) -> None:
    """The form posted with no file chosen: 400 and the reason."""
    login(console)
    response = post(console, "/admin/orgs/import", content_type="multipart/form-data")
    assert response.status_code == 400 and "请选择要上传的文件" in response.get_data(as_text=True)
