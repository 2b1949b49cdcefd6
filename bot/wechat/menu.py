"""The custom menu: WeChat's limits checked locally, then the JSON that menu/create takes."""
from __future__ import annotations

from typing import Any

from core.settings import MenuButton, MenuSettings
from core.texts import t

MAX_TOP, MAX_SUB = 3, 5
TOP_NAME_BYTES, SUB_NAME_BYTES = 16, 60
KEY_BYTES, URL_BYTES = 128, 1024
KEY_TYPES = ("click", "scancode_push", "scancode_waitmsg", "pic_sysphoto",
             "pic_photo_or_album", "pic_weixin", "location_select")
URL_TYPES = ("view",)


class MenuError(ValueError):
    """The menu breaks one of WeChat's limits; the message names the button, in Chinese."""


def _size(text: str) -> int:
    """WeChat counts UTF-8 bytes."""
    return len(text.encode())


def _label(button: MenuButton, top: int, parent: MenuButton | None = None, sub: int = 0) -> str:
    """Name a button for an error: "大赛 / 排行" by name, else by position."""
    if parent is None:
        return button.name.strip() or t("menu.position", top=top)
    if not button.name.strip():
        return t("menu.position.sub", top=top, sub=sub)
    return f"{_label(parent, top)} / {button.name.strip()}"


def _check_name(button: MenuButton, label: str, limit: int) -> None:
    """A name is required and fits WeChat's byte limit."""
    if not button.name.strip():
        raise MenuError(t("menu.name_missing", button=label))
    if _size(button.name) > limit:
        raise MenuError(t("menu.name_too_long", button=label, size=_size(button.name), limit=limit))


def _leaf(button: MenuButton, label: str) -> dict[str, Any]:
    """Check a button that acts (no sub-buttons) and build its JSON."""
    if button.type not in KEY_TYPES + URL_TYPES:
        raise MenuError(t("menu.bad_type", button=label, type=button.type,
                          allowed="、".join(KEY_TYPES + URL_TYPES)))
    if button.type in URL_TYPES:
        if not button.url:
            raise MenuError(t("menu.url_missing", button=label))
        if _size(button.url) > URL_BYTES:
            raise MenuError(t("menu.url_too_long", button=label, size=_size(button.url), limit=URL_BYTES))
        return {"type": button.type, "name": button.name, "url": button.url}
    if not button.key:
        raise MenuError(t("menu.key_missing", button=label, type=button.type))
    if _size(button.key) > KEY_BYTES:
        raise MenuError(t("menu.key_too_long", button=label, size=_size(button.key), limit=KEY_BYTES))
    return {"type": button.type, "name": button.name, "key": button.key}


def _top(button: MenuButton, top: int) -> dict[str, Any]:
    """Check a top button with its sub-buttons and build its JSON."""
    label = _label(button, top)
    _check_name(button, label, TOP_NAME_BYTES)
    if not button.sub_button:
        return _leaf(button, label)
    if len(button.sub_button) > MAX_SUB:
        raise MenuError(t("menu.too_many_sub", button=label, count=len(button.sub_button), limit=MAX_SUB))
    subs = []
    for number, sub in enumerate(button.sub_button, start=1):
        sub_label = _label(sub, top, button, number)
        _check_name(sub, sub_label, SUB_NAME_BYTES)
        subs.append(_leaf(sub, sub_label))
    return {"name": button.name, "sub_button": subs}


def menu_buttons(menu: MenuSettings) -> list[dict[str, Any]]:
    """Check the configured menu against WeChat's limits; the `button` list for menu/create."""
    if not menu.button:
        raise MenuError(t("menu.empty"))
    if len(menu.button) > MAX_TOP:
        raise MenuError(t("menu.too_many_top", count=len(menu.button), limit=MAX_TOP))
    return [_top(button, number) for number, button in enumerate(menu.button, start=1)]
