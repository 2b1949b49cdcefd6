"""Chat pages fit WeChat's 2048-byte reply and lose nothing."""
from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from handlers.contest_views import cut_bytes, paginate, showcase_page, showcase_pages, utf8_len

LINES = st.lists(st.text(alphabet="项目青年志愿abc123（）·", min_size=1, max_size=120), max_size=40)


@hsettings(max_examples=80)
@given(LINES, st.integers(100, 2000))
def test_paginate_keeps_order_and_budget(lines: list[str], budget: int) -> None:
    """Pages hold every line in order, each page within the budget."""
    pages = paginate(lines, budget)
    flat = [line for page in pages for line in page]
    assert len(flat) == len(lines)
    for original, shown in zip(lines, flat, strict=True):
        assert shown == original or shown.endswith("…")
    assert all(utf8_len("\n".join(page)) <= budget for page in pages)


@hsettings(max_examples=80)
@given(st.text(max_size=300), st.integers(4, 400))
def test_cut_bytes_fits(text: str, limit: int) -> None:
    """A cut text fits its byte limit, and an uncut one is unchanged."""
    out = cut_bytes(text, limit)
    assert utf8_len(out) <= limit
    assert out == text or out.endswith("…")


@hsettings(max_examples=40)
@given(st.lists(st.text(alphabet="青春东莞志愿服务创新设计", min_size=1, max_size=18), min_size=1, max_size=30))
def test_every_showcase_page_fits_one_reply(names: list[str]) -> None:
    """Whatever the names, each rendered page is at most 2000 bytes."""
    lines = [f"{i}. {n}（虎门·虎门青年之家志愿服务协会）" for i, n in enumerate(names, 1)]
    pages = showcase_pages("2017-11", lines, 2000)
    for page in range(1, len(pages) + 1):
        assert utf8_len(showcase_page("2017-11", pages, page)) <= 2000
