"""How the contest reads in chat: pages that fit WeChat's reply limit, the board, the rules."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from core.settings import ContestSettings
from core.texts import t
from models.contest import Results, Round, RoundState, Standing

RANK_PAGE = re.compile(r"^排行榜?\s*第?\s*(\d+)\s*页$")


def utf8_len(text: str) -> int:
    """Bytes of a text in UTF-8 (WeChat counts bytes, not characters)."""
    return len(text.encode())


def cut_bytes(text: str, limit: int, tail: str = "…") -> str:
    """Shorten a text to at most `limit` UTF-8 bytes, marking the cut."""
    if utf8_len(text) <= limit:
        return text
    room = max(limit - utf8_len(tail), 0)
    return text.encode()[:room].decode(errors="ignore") + tail


def cut_chars(text: str, limit: int) -> str:
    """Shorten a name for a list line."""
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"


def paginate(lines: Sequence[str], budget: int) -> list[list[str]]:
    """Pack whole lines, in order, into pages of at most `budget` bytes (newlines counted)."""
    pages: list[list[str]] = [[]]
    used = 0
    for raw in lines:
        line = cut_bytes(raw, budget)
        cost = utf8_len(line) + (1 if pages[-1] else 0)
        if pages[-1] and used + cost > budget:
            pages.append([])
            used, cost = 0, utf8_len(line)
        pages[-1].append(line)
        used += cost
    return pages


def _page_overhead(month: str) -> int:
    """Bytes of a page's header and footers (with room for two-digit page numbers)."""
    parts = [t("contest.list.header", month=month, page=99, pages=99), t("contest.list.footer"),
             t("contest.list.next", next=99)]
    return sum(utf8_len(p) + 1 for p in parts)


def showcase_pages(month: str, lines: Sequence[str], budget: int) -> list[list[str]]:
    """The showcase's lines split into pages that fit one reply each."""
    return paginate(lines, budget - _page_overhead(month))


def showcase_page(month: str, pages: list[list[str]], page: int) -> str:
    """One page of the showcase with its header and the way to the next page."""
    text = [t("contest.list.header", month=month, page=page, pages=len(pages)), *pages[page - 1],
            t("contest.list.footer")]
    if page < len(pages):
        text.append(t("contest.list.next", next=page + 1))
    return "\n".join(text)


def board_page(text: str) -> int:
    """The page asked for by 排行 (1) or 排行 N页 (N)."""
    match = RANK_PAGE.match(unicodedata.normalize("NFKC", text).strip())
    return int(match.group(1)) if match else 1


def live_board_text(row: Round, board: Sequence[Standing], now: dt.datetime, c: ContestSettings,
                    page: int = 1) -> str:
    """One page of the leaderboard during voting, each page within one reply."""
    header = t("contest.rank.header", month=row.month, time=f"{now:%m-%d %H:%M}")
    lines = [t("contest.rank.line", rank=s.rank, number=s.number, votes=s.votes,
               name=cut_chars(s.name, c.name_chars_in_lists)) for s in board]
    return _board_page(header, lines, [t("contest.rank.footer")], c.reply_max_bytes, page)


def final_board_text(results: Results, c: ContestSettings, weighted: bool, page: int = 1) -> str:
    """One page of the closed round's results, winners starred, with the frozen file's digest."""
    winners = len(results.winners)
    header = t("contest.final.header", month=results.month, winners=winners)
    key = "contest.final.line_score" if weighted else "contest.final.line"
    lines = [t(key, star="★" if s.winner else "", rank=s.rank, number=s.number, votes=s.votes,
               score=f"{s.score:.1f}", name=cut_chars(s.name, c.name_chars_in_lists))
             for s in results.standings]
    return _board_page(header, lines, [t("contest.final.digest", digest=results.digest)],
                       c.reply_max_bytes, page)


def _board_page(header: str, lines: list[str], footer: list[str], budget: int, page: int) -> str:
    """Page `page` of the board: header (with the page when there are several), lines, footer."""
    marker, more = t("contest.rank.page", page=99, pages=99), t("contest.rank.next", next=99)
    fixed = sum(utf8_len(p) + 1 for p in [header + marker, *footer, more])
    pages = paginate(lines, budget - fixed)
    if not 1 <= page <= len(pages):
        return t("contest.rank.no_page", page=page, pages=len(pages))
    if len(pages) > 1:
        header += t("contest.rank.page", page=page, pages=len(pages))
    text = [header, *pages[page - 1], *footer]
    if page < len(pages):
        text.append(t("contest.rank.next", next=page + 1))
    return "\n".join(text)


def rules_text(row: Round | None, month: str, c: ContestSettings, tz: ZoneInfo,
               digest: str | None) -> str:
    """The rules in force, from the settings and the round's window."""
    lines = [t("contest.rules.header", month=row.month if row else month)]
    if row is not None and row.opens_at and row.closes_at:
        last = row.closes_at.astimezone(tz) - dt.timedelta(seconds=1)
        lines.append(t("contest.rules.window", opens=f"{row.opens_at.astimezone(tz):%Y-%m-%d %H:%M}",
                       closes=f"{last:%Y-%m-%d %H:%M:%S}"))
    lines.append(t("contest.rules.quota", per_day=c.votes_per_user_per_day,
                   per_entry_day=c.votes_per_entry_per_user_per_day))
    lines += _optional_rules(c)
    lines.append(_ranking_rule(c))
    lines.append(t("contest.rules.ties"))
    if row is not None and row.state in (RoundState.CLOSED, RoundState.ANNOUNCED):
        lines += [t("contest.rules.digest", digest=digest), t("contest.rules.closed")]
    return "\n".join(lines)


def _optional_rules(c: ContestSettings) -> list[str]:
    """The rules that only apply when the settings switch them on."""
    lines = []
    if c.votes_per_entry_per_user_per_round:
        lines.append(t("contest.rules.round_cap", cap=c.votes_per_entry_per_user_per_round))
    if c.followers_only:
        lines.append(t("contest.rules.followers"))
    if c.min_seconds_between_votes > 0:
        lines.append(t("contest.rules.rate", seconds=f"{c.min_seconds_between_votes:g}"))
    lines.append(t("contest.rules.unsubscribe", hours=c.unsubscribe_void_hours))
    lines.append(t("contest.rules.fraud"))
    return lines


def _ranking_rule(c: ContestSettings) -> str:
    """How the winners are chosen."""
    if c.judges_weight <= 0:
        return t("contest.rules.by_votes", winners=c.winners)
    judges = round(c.judges_weight * 100)
    return t("contest.rules.weighted", judges=judges, votes=100 - judges, winners=c.winners)
