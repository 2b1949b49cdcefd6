"""The fake's message APIs: template, customer-service, subscribe notification, mass send."""
from __future__ import annotations

from typing import Any

from bot.wechat.api import DEFAULT_VALUE_LIMIT, VALUE_LIMITS
from bot.wechat.fake_state import FakeWeChat, Window

Answer = dict[str, Any]
OK: Answer = {"errcode": 0, "errmsg": "ok"}
IDEMPOTENT_SECONDS = 600  # client_msg_id makes a template resend a no-op for 10 minutes
MASS_BUDGET = {"service": ("%Y-%m", 4), "subscription": ("%Y-%m-%d", 1)}


def _error(code: int, message: str) -> Answer:
    """An error answer."""
    return {"errcode": code, "errmsg": message}


def _bad_data(data: Any) -> bool:
    """Whether keyword data breaks the value rules (short, one line, {"value": ...})."""
    if not isinstance(data, dict) or not data:
        return True
    for key, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        limit = VALUE_LIMITS.get(key.rstrip("0123456789"), DEFAULT_VALUE_LIMIT)
        if not isinstance(value, str) or len(value) > limit or "\n" in value or "\r" in value:
            return True
    return False


def _keyword_error(fake: FakeWeChat, body: Answer) -> Answer | None:
    """Checks shared by template and subscribe sends."""
    if fake.templates is not None and body.get("template_id") not in fake.templates:
        return _error(40037, "invalid template_id")
    if _bad_data(body.get("data")):
        return _error(47003, "argument invalid! data.value invalid")
    return None


def template_send(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """POST /cgi-bin/message/template/send."""
    body = body or {}
    if fake.account_type != "service":
        return _error(48001, "api unauthorized")
    error = _keyword_error(fake, body)
    if error:
        return error
    if body.get("touser") in fake.unfollowed:
        return _error(43004, "require subscribe")
    seen = fake.client_msg_ids.get(body.get("client_msg_id") or "")
    if seen and fake.now() - seen[1] < IDEMPOTENT_SECONDS:
        return {**OK, "msgid": seen[0]}
    if fake.count(f"template:{fake.period('%Y-%m-%d')}") > fake.template_quota:
        return _error(45009, "reach max api daily quota limit")
    msgid = next(fake.ids)
    if body.get("client_msg_id"):
        fake.client_msg_ids[body["client_msg_id"]] = (msgid, fake.now())
    return {**OK, "msgid": msgid}


def _window(fake: FakeWeChat, openid: str) -> Window | None:
    """The user's open window; without news of them, one opens unless windows are strict."""
    window = fake.windows.get(openid)
    if window is None and not fake.strict_windows:
        fake.interacted(openid)
        window = fake.windows[openid]
    if window is None or fake.now() > window.opened_at + window.seconds:
        return None
    return window


def custom_send(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """POST /cgi-bin/message/custom/send."""
    body = body or {}
    openid = body.get("touser") or ""
    if openid in fake.unfollowed:
        return _error(43004, "require subscribe")
    if body.get("msgtype") == "text" and not (body.get("text") or {}).get("content"):
        return _error(47003, "argument invalid! text.content")
    window = _window(fake, openid)
    if window is None:
        return _error(45015, "response out of time limit or subscription is canceled")
    if window.used >= window.limit:
        return _error(45047, "out of response count limit")
    window.used += 1
    return OK


def subscribe_send(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """POST /cgi-bin/message/subscribe/bizsend."""
    body = body or {}
    error = _keyword_error(fake, body)
    if error:
        return error
    if body.get("touser") in fake.refusers:
        return _error(43101, "user refuse to accept the msg")
    return {**OK, "msgid": next(fake.ids)}


def mass_send(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """POST /cgi-bin/message/mass/sendall: a monthly (service) or daily (subscription) budget."""
    body = body or {}
    client_id = body.get("clientmsgid") or ""
    if client_id in fake.mass_ids:
        return {**_error(45065, "clientmsgid exist"), "msg_id": fake.mass_ids[client_id]}
    if body.get("msgtype") == "text" and not (body.get("text") or {}).get("content"):
        return _error(47003, "argument invalid! text.content")
    fmt, budget = MASS_BUDGET[fake.account_type]
    if fake.count(f"mass:{fake.period(fmt)}") > budget:
        return _error(45028, "has no masssend quota")
    msg_id = next(fake.ids)
    if client_id:
        fake.mass_ids[client_id] = msg_id
    return {**OK, "msg_id": msg_id, "msg_data_id": msg_id}


def private_templates(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """GET /cgi-bin/template/get_all_private_template: the account's template list."""
    if fake.account_type != "service":
        return _error(48001, "api unauthorized")
    return {"template_list": [dict(item) for item in fake.template_list.values()]}
