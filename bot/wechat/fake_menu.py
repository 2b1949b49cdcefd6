"""The fake's menu/create: WeChat's 3x5 limits and byte sizes, with WeChat's errcodes."""
from __future__ import annotations

from typing import Any

from bot.wechat import menu
from bot.wechat.fake_state import FakeWeChat

KEY_TYPES = frozenset(menu.KEY_TYPES)
URL_TYPES = frozenset(menu.URL_TYPES)
# WeChat's errcode per bad field, and the name byte limit, for top buttons and sub-buttons
TOP = {"type": 40017, "name": 40018, "key": 40019, "url": 40020, "name_bytes": 16}
SUB = {"type": 40024, "name": 40025, "key": 40026, "url": 40027, "name_bytes": 60}


def _size(value: Any) -> int:
    """UTF-8 byte length of a string field."""
    return len(str(value or "").encode())


def _button_error(button: dict[str, Any], codes: dict[str, int]) -> int:
    """The errcode for one leaf button, 0 when it is valid."""
    kind = button.get("type")
    if not 0 < _size(button.get("name")) <= codes["name_bytes"]:
        return codes["name"]
    if kind not in KEY_TYPES | URL_TYPES:
        return codes["type"]
    if kind in KEY_TYPES and not 0 < _size(button.get("key")) <= 128:
        return codes["key"]
    if kind in URL_TYPES and not 0 < _size(button.get("url")) <= 1024:
        return codes["url"]
    return 0


def _top_error(button: dict[str, Any]) -> int:
    """The errcode for a top button and its sub-buttons, 0 when all are valid."""
    subs = button.get("sub_button") or []
    if not subs:
        return _button_error(button, TOP)
    if not 0 < _size(button.get("name")) <= TOP["name_bytes"]:
        return TOP["name"]
    if len(subs) > 5:
        return 40023
    return next((code for sub in subs if (code := _button_error(sub, SUB))), 0)


def create_menu(fake: FakeWeChat, query: dict[str, str], body: dict[str, Any] | None) -> dict[str, Any]:
    """POST /cgi-bin/menu/create."""
    buttons = (body or {}).get("button") or []
    code = 40016 if not 0 < len(buttons) <= 3 else next(
        (c for b in buttons if (c := _top_error(b))), 0)
    if code:
        return {"errcode": code, "errmsg": "invalid menu"}
    if fake.count(f"menu:{fake.period('%Y-%m-%d')}") > 1000:
        return {"errcode": 45009, "errmsg": "reach max api daily quota limit"}
    fake.menu = body
    return {"errcode": 0, "errmsg": "ok"}
