"""The client for WeChat's server API: shared token, timeouts, one refresh-and-retry, typed errors."""
from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from typing import Any

import requests

from bot.store import Store
from bot.wechat.errors import TOKEN_CODES, BadData, check
from bot.wechat.token import JSON_HEADERS, TokenProvider
from bot.wechat.transport import request_json
from core.settings import Settings

log = logging.getLogger(__name__)
DUPLICATE_MASS = 45065  # a mass send with this clientmsgid exists; WeChat names its msg_id
# Since 2023-05-04 template and subscribe values are short and single-line; limits per key kind.
VALUE_LIMITS = {"thing": 20, "character_string": 32, "number": 32, "letter": 32, "symbol": 5,
                "amount": 11, "phrase": 5, "name": 10, "car_number": 8, "phone_number": 17}
DEFAULT_VALUE_LIMIT = 20
INFO_BATCH = 100  # user/info/batchget takes at most 100 openids a call


@dataclasses.dataclass(frozen=True)
class FollowerPage:
    """One page of user/get: up to 10,000 openids, and the cursor of the next page."""

    openids: list[str]
    next_openid: str
    total: int

    @property
    def is_end(self) -> bool:
        """WeChat answers past the last follower with a page without `data`."""
        return not self.openids


@dataclasses.dataclass(frozen=True)
class FollowerInfo:
    """What user/info/batchget tells about one openid (nickname and avatar are gone since 2021)."""

    openid: str
    subscribed: bool
    subscribe_time: int | None
    subscribe_scene: str
    qr_scene_str: str


@dataclasses.dataclass(frozen=True)
class PrivateTemplate:
    """A template of the account's template list, with the keys its content names."""

    template_id: str
    title: str
    content: str


def keyword_data(data: dict[str, str]) -> dict[str, dict[str, str]]:
    """Wrap template values as WeChat wants them, refusing long or multi-line ones."""
    out: dict[str, dict[str, str]] = {}
    for key, value in data.items():
        limit = VALUE_LIMITS.get(key.rstrip("0123456789"), DEFAULT_VALUE_LIMIT)
        if len(value) > limit or "\n" in value or "\r" in value:
            raise BadData(47003, f"value of {key} must be at most {limit} characters on one line")
        out[key] = {"value": value}
    return out


class WeChatClient:
    """Calls WeChat's server API for one account; safe to share between threads."""

    def __init__(self, settings: Settings, store: Store,
                 http: requests.Session | None = None) -> None:
        self.wx = settings.wechat
        self.http = http or requests.Session()
        self.tokens = TokenProvider(self.wx, store, self.http)

    def get_token(self) -> str:
        """The shared access token (fetched by one process when none is stored)."""
        return self.tokens.get()

    def post(self, path: str, body: dict[str, Any],
             accept: frozenset[int] = frozenset()) -> dict[str, Any]:
        """POST JSON to /cgi-bin/<path>; on a refused token refresh once, centrally, and retry once."""
        return self._call(path, lambda token: self._post_once(path, body, token), accept)

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """GET /cgi-bin/<path>, with the same single refresh-and-retry as post."""
        return self._call(path, lambda token: self._get_once(path, params or {}, token))

    def list_followers(self, next_openid: str = "") -> FollowerPage:
        """One page of the account's followers (user/get), starting after next_openid."""
        payload = self.get("user/get", {"next_openid": next_openid} if next_openid else {})
        data = payload.get("data") or {}
        return FollowerPage(openids=[str(o) for o in data.get("openid") or []],
                            next_openid=str(payload.get("next_openid") or ""),
                            total=int(payload.get("total") or 0))

    def followers_info(self, openids: list[str]) -> list[FollowerInfo]:
        """Follow time and scene of up to 100 openids (user/info/batchget)."""
        if len(openids) > INFO_BATCH:
            raise ValueError(f"user/info/batchget takes at most {INFO_BATCH} openids")
        body = {"user_list": [{"openid": openid, "lang": "zh_CN"} for openid in openids]}
        return [_follower_info(item)
                for item in self.post("user/info/batchget", body).get("user_info_list") or []]

    def private_templates(self) -> list[PrivateTemplate]:
        """The account's template list (template/get_all_private_template)."""
        items = self.get("template/get_all_private_template").get("template_list") or []
        return [PrivateTemplate(str(i.get("template_id") or ""), str(i.get("title") or ""),
                                str(i.get("content") or "")) for i in items]

    def create_menu(self, buttons: list[dict[str, Any]]) -> None:
        """Install the custom menu."""
        self.post("menu/create", {"button": buttons})

    def send_template(self, openid: str, template_id: str, data: dict[str, str], url: str = "",
                      client_msg_id: str = "") -> int:
        """Send a template message; client_msg_id makes a resend within 10 minutes a no-op."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id,
                                "data": keyword_data(data)}
        if url:
            body["url"] = url
        if client_msg_id:
            body["client_msg_id"] = client_msg_id
        return int(self.post("message/template/send", body).get("msgid") or 0)

    def send_custom_text(self, openid: str, text: str) -> None:
        """Send a customer-service text (only within the user's interaction window)."""
        self.post("message/custom/send",
                  {"touser": openid, "msgtype": "text", "text": {"content": text}})

    def send_subscribe(self, openid: str, template_id: str, data: dict[str, str],
                       page: str = "") -> None:
        """Send a subscribe notification the user opted in to."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id,
                                "data": keyword_data(data)}
        if page:
            body["page"] = page
        self.post("message/subscribe/bizsend", body)

    def mass_send_text(self, text: str, client_msg_id: str = "") -> int:
        """Send a text to every follower; returns WeChat's msg_id (the same one for a resend)."""
        body: dict[str, Any] = {"filter": {"is_to_all": True}, "msgtype": "text",
                                "text": {"content": text}}
        if client_msg_id:
            body["clientmsgid"] = client_msg_id
        payload = self.post("message/mass/sendall", body, accept=frozenset({DUPLICATE_MASS}))
        return int(payload.get("msg_id") or 0)

    def create_qrcode(self, scene_str: str, expire_seconds: int) -> dict[str, Any]:
        """A temporary parametric QR code carrying scene_str: {"ticket", "expire_seconds", "url"}."""
        return self.post("qrcode/create", {"expire_seconds": expire_seconds,
                                           "action_name": "QR_STR_SCENE",
                                           "action_info": {"scene": {"scene_str": scene_str}}})

    def close(self) -> None:
        """Release the HTTP connections."""
        self.http.close()

    def _call(self, path: str, once: Callable[[str], dict[str, Any]],
              accept: frozenset[int] = frozenset()) -> dict[str, Any]:
        """Run one call with the shared token; a refused token is refreshed once and retried once."""
        token = self.tokens.get()
        payload: dict[str, Any] = once(token)
        if _code(payload) in TOKEN_CODES:
            log.info("wechat %s: token refused (%s); refreshing once", path, _code(payload))
            payload = once(self.tokens.refresh(token))
        return payload if _code(payload) in accept else check(payload)

    def _get_once(self, path: str, params: dict[str, str], token: str) -> dict[str, Any]:
        """One GET with the given token."""
        url = f"{self.wx.api_base_url.rstrip('/')}/cgi-bin/{path}"
        return request_json(self.http, "GET", url, self.wx.api_timeout_seconds,
                            params={**params, "access_token": token})

    def _post_once(self, path: str, body: dict[str, Any], token: str) -> dict[str, Any]:
        """One POST with the given token; Chinese is sent as UTF-8, not \\u escapes."""
        url = f"{self.wx.api_base_url.rstrip('/')}/cgi-bin/{path}"
        data = json.dumps(body, ensure_ascii=False).encode()
        return request_json(self.http, "POST", url, self.wx.api_timeout_seconds,
                            params={"access_token": token}, data=data, headers=JSON_HEADERS)


def _follower_info(item: dict[str, Any]) -> FollowerInfo:
    """Read one user_info_list item; an unfollower's item has only subscribe=0 and openid."""
    stamp = item.get("subscribe_time")
    return FollowerInfo(openid=str(item.get("openid") or ""),
                        subscribed=bool(item.get("subscribe")),
                        subscribe_time=int(stamp) if stamp else None,
                        subscribe_scene=str(item.get("subscribe_scene") or ""),
                        qr_scene_str=str(item.get("qr_scene_str") or ""))


def _code(payload: dict[str, Any]) -> int:
    """The answer's errcode, 0 when absent."""
    return int(payload.get("errcode") or 0)
