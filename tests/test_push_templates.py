"""Template values: WeChat's limits per key kind, one line, our names mapped to the template's keys."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bot.push.templates import TemplateNotConfigured, cut, field_named, limit_for, render
from core.settings import PushSettings, TemplateSettings


@hsettings(max_examples=60)
@given(st.text(max_size=60), st.integers(min_value=1, max_value=32))
def test_cut_gives_one_line_within_the_limit(value: str, limit: int) -> None:
    """Any value becomes one line of at most `limit` characters; short one-liners stay as they are."""
    out = cut(value, limit)
    assert len(out) <= limit and "\n" not in out and "\r" not in out
    if len(value) <= limit and value == value.strip() and not any(c in value for c in "\r\n"):
        assert out == value


TEN = "一二三四五六七八九十"


@pytest.mark.parametrize(("value", "expected"), [(TEN * 2, TEN * 2),
                                                 (TEN * 2 + "多", TEN + TEN[:9] + "…"),
                                                 ("第一行\n第二行", "第一行 第二行")])
def test_cut_at_twenty(value: str, expected: str) -> None:
    """20 characters pass, 21 are cut to 19 and an ellipsis, line breaks become spaces."""
    assert cut(value, 20) == expected


@pytest.mark.parametrize(("key", "limit"), [("thing1", 20), ("phrase3", 5), ("name2", 10),
                                            ("character_string4", 20), ("time5", 20)])
def test_limit_per_key_kind(key: str, limit: int) -> None:
    """The stricter of WeChat's per-kind limit and [push] template_value_max."""
    assert limit_for(key, 20) == limit


def _push(template_id: str = "tpl") -> PushSettings:
    return PushSettings(rate_per_minute=1, pool_size=1, batch_size=1, max_attempts=1,
                        backoff_seconds=[1], lease_seconds=1, drain_seconds=1, template_value_max=20,
                        mass_per_month=4, mass_per_day=1, late_reply_template="", alert_template="",
                        templates={"r": TemplateSettings(template_id, "https://x", {"project": "thing1"})})


def test_render_maps_fields_and_uses_the_template_url() -> None:
    """Our names become the template's keys; unknown names pass as keys; the url defaults."""
    out = render(_push(), {"template": "r", "data": {"project": "项目", "time2": "2017-11"}})
    assert (out.template_id, out.data, out.url) == ("tpl", {"thing1": "项目", "time2": "2017-11"},
                                                    "https://x")


@pytest.mark.parametrize("name", ["r", "missing"])
def test_render_refuses_an_unconfigured_template(name: str) -> None:
    """No template_id, or no such template: the message cannot be rendered."""
    with pytest.raises(TemplateNotConfigured):
        render(_push(template_id=""), {"template": name, "data": {}})


@pytest.mark.parametrize(("errmsg", "field"), [
    ("argument invalid! data.thing2.value is empty", "thing2"),
    ("data.time3.value invalid rid: 5f", "time3"),
    ("injected", "phrase1"),
])
def test_field_named_by_47003(errmsg: str, field: str) -> None:
    """The field from WeChat's message, else the first value breaking its kind's limit."""
    assert field_named(errmsg, {"thing1": "好", "phrase1": "六个字的短语"}) == field
