"""The fake's parametric QR codes: POST /cgi-bin/qrcode/create, as WeChat answers it."""
from __future__ import annotations

import secrets
from typing import Any

from bot.wechat.fake_state import FakeWeChat

Answer = dict[str, Any]
TEMPORARY = {"QR_SCENE": "scene_id", "QR_STR_SCENE": "scene_str"}
PERMANENT = {"QR_LIMIT_SCENE": "scene_id", "QR_LIMIT_STR_SCENE": "scene_str"}
MAX_EXPIRE = 2_592_000      # 30 days: WeChat's longest temporary code
DEFAULT_EXPIRE = 30
SCENE_STR_MAX = 64


def _scene(body: Answer, field: str) -> Any:
    """The scene value of action_info, or None."""
    info = body.get("action_info")
    scene = info.get("scene") if isinstance(info, dict) else None
    return scene.get(field) if isinstance(scene, dict) else None


def _valid(value: Any, field: str) -> bool:
    """scene_str: 1 to 64 characters; scene_id: a positive 32-bit integer."""
    if field == "scene_str":
        return isinstance(value, str) and 0 < len(value) <= SCENE_STR_MAX
    return isinstance(value, int) and 0 < value < 2**32


def create_qrcode(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """Issue a ticket for the code; a temporary code's life is capped at 30 days."""
    body = body or {}
    action = body.get("action_name")
    field = TEMPORARY.get(str(action)) or PERMANENT.get(str(action))
    if field is None:
        return {"errcode": 40097, "errmsg": "invalid args: action_name"}
    value = _scene(body, field)
    if not _valid(value, field):
        return {"errcode": 40097, "errmsg": f"invalid args: {field}"}
    ticket = "gQ" + secrets.token_urlsafe(24)
    answer: Answer = {"ticket": ticket, "url": f"http://weixin.qq.com/q/{secrets.token_urlsafe(16)}"}
    if action in TEMPORARY:
        expire = body.get("expire_seconds", DEFAULT_EXPIRE)
        answer["expire_seconds"] = min(int(expire), MAX_EXPIRE) if isinstance(expire, int) else DEFAULT_EXPIRE
    with fake.mutex:
        fake.qrcodes[ticket] = {"scene": value, **answer}
    return answer
