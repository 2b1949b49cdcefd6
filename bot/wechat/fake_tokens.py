"""The fake's token endpoints: classic `token` and `stable_token`, with WeChat's invalidation."""
from __future__ import annotations

from typing import Any

from bot.wechat.fake_state import OVERLAP_SECONDS, FakeWeChat

Answer = dict[str, Any]


def _credentials(fake: FakeWeChat, grant: Any, appid: Any, secret: Any) -> Answer | None:
    """An error answer for bad credentials, or None."""
    if grant != "client_credential":
        return {"errcode": 40002, "errmsg": "invalid grant_type"}
    if fake.app_id is not None and appid != fake.app_id:
        return {"errcode": 40013, "errmsg": "invalid appid"}
    if fake.app_secret is not None and secret != fake.app_secret:
        return {"errcode": 40125, "errmsg": "invalid appsecret"}
    if not fake.ip_whitelisted:
        return {"errcode": 40164, "errmsg": "invalid ip 127.0.0.1, not in whitelist"}
    return None


def _answer(fake: FakeWeChat, token: str) -> Answer:
    """A token answer with the seconds it has left."""
    left = round(fake.tokens[token].valid_until - fake.now())
    return {"access_token": token, "expires_in": left}


def classic_token(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """GET /cgi-bin/token: always a new token; the previous one works 5 more minutes."""
    error = _credentials(fake, query.get("grant_type"), query.get("appid"), query.get("secret"))
    if error:
        return error
    previous = fake.tokens.get(fake.current.get("token", ""))
    if previous is not None:
        previous.valid_until = min(previous.valid_until, fake.now() + OVERLAP_SECONDS)
        previous.superseded = True
    return _answer(fake, fake.issue("token"))


def stable_token(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """POST /cgi-bin/stable_token: the same token while valid; force_refresh kills the old one."""
    body = body or {}
    error = _credentials(fake, body.get("grant_type"), body.get("appid"), body.get("secret"))
    if error:
        return error
    current = fake.current.get("stable_token", "")
    if not body.get("force_refresh") and current and fake.check_token(current) == 0:
        return _answer(fake, current)
    if body.get("force_refresh"):
        if fake.count(f"force:{fake.period('%Y-%m-%d')}") > fake.force_quota:
            return {"errcode": 45009, "errmsg": "reach max api daily quota limit"}
        if current in fake.tokens:
            fake.revoke(current)
    return _answer(fake, fake.issue("stable_token"))
