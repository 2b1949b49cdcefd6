"""Template payloads -> what WeChat takes: the configured id, mapped field keys, short values."""
from __future__ import annotations

import dataclasses
import re
from typing import Any

from bot.wechat.api import VALUE_LIMITS
from core.settings import PushSettings

NOT_CONFIGURED = -3   # our code: the message names a template the settings do not configure
ELLIPSIS = "…"
BREAKS = re.compile(r"\s*[\r\n]+\s*")


class TemplateNotConfigured(LookupError):
    """The payload names a template without a template_id in [push.templates]."""


@dataclasses.dataclass(frozen=True)
class Rendered:
    """A template message ready for the API."""

    template_id: str
    data: dict[str, str]
    url: str


def limit_for(key: str, cap: int) -> int:
    """The most characters WeChat takes in a value of this key (thing1 -> 20, phrase2 -> 5)."""
    kind = key.rstrip("0123456789")
    return min(cap, VALUE_LIMITS.get(kind, cap))


def cut(value: object, limit: int) -> str:
    """One line of at most `limit` characters; a cut value ends with an ellipsis."""
    text = BREAKS.sub(" ", str(value)).strip()
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + ELLIPSIS if limit > 0 else ""


def render(settings: PushSettings, payload: dict[str, Any]) -> Rendered:
    """Map our field names to the template's keys and cut every value to WeChat's limits."""
    name = str(payload.get("template") or "")
    template = settings.templates.get(name)
    if template is None or not template.template_id:
        raise TemplateNotConfigured(name)
    data: dict[str, str] = {}
    for field, value in (payload.get("data") or {}).items():
        key = template.fields.get(field, field)
        data[key] = cut(value, limit_for(key, settings.template_value_max))
    return Rendered(template.template_id, data, str(payload.get("url") or template.url))


def configured(settings: PushSettings, name: str) -> bool:
    """Whether a template name has a template_id."""
    template = settings.templates.get(name)
    return bool(template and template.template_id)


def field_named(errmsg: str, data: dict[str, str]) -> str:
    """The field a 47003 complains of: from WeChat's message, else the first value over its limit."""
    match = re.search(r"data\.(\w+)", errmsg or "")
    if match and match.group(1) != "value":
        return match.group(1)
    for key, value in data.items():
        if not value or len(value) > VALUE_LIMITS.get(key.rstrip("0123456789"), 20):
            return key
    return "、".join(data) or "?"
