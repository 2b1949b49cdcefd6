"""The design contest in chat: 项目, 项目 N, 投票 N / 点赞 N, 排行, 规则, and the unfollow rule."""
from __future__ import annotations

import re
import unicodedata

from bot.context import BotError, Ctx, Incoming, Reply
from core.texts import t
from handlers import contest_views as views
from models import contest
from models.contest_fraud import void_on_unsubscribe
from models.contest_rounds import Round

PAGE = re.compile(r"^项目\s*第?\s*(\d+)\s*页$")
DETAIL = re.compile(r"^项目\s*第?\s*(\d+)\s*号?$")
VOTE = re.compile(r"^(?:投票|点赞)\s*(?:给)?\s*第?\s*(\d+)\s*号?$")


def normalise(text: str) -> str:
    """Full-width digits and spaces as typed on phones become plain ones."""
    return unicodedata.normalize("NFKC", text).strip()


def is_showcase(msg: Incoming, ctx: Ctx) -> bool:
    """项目, 项目 N, 项目 N页."""
    return msg.type == "text" and normalise(msg.text).startswith("项目")


def is_vote(msg: Incoming, ctx: Ctx) -> bool:
    """投票 N / 点赞 N (and the bare words, which get the usage)."""
    return msg.type == "text" and normalise(msg.text).startswith(("投票", "点赞"))


def casts_a_vote(msg: Incoming) -> bool:
    """投票 N / 点赞 N itself (not the bare word): a message whose handler always runs the vote's
    statement, which sees an open dialog itself (see bot/dispatch.py)."""
    return msg.type == "text" and VOTE.match(normalise(msg.text)) is not None


def _round(ctx: Ctx) -> Round:
    """The round shown now, or a polite refusal."""
    row = contest.round_for_chat(ctx.session, ctx.now, ctx.settings)
    if row is None:
        raise BotError(t("contest.none"))
    return row


def showcase(msg: Incoming, ctx: Ctx) -> Reply:
    """The showcase by pages, or one project's details."""
    text = normalise(msg.text) if msg.type == "text" else "项目"
    if text == "项目":
        return _page(ctx, 1)
    page, detail = PAGE.match(text), DETAIL.match(text)
    if page:
        return _page(ctx, int(page.group(1)))
    if detail:
        return _detail(ctx, int(detail.group(1)))
    return Reply(text=t("contest.list.usage"))


def _page(ctx: Ctx, page: int) -> Reply:
    row, c = _round(ctx), ctx.settings.contest
    lines = [t("contest.list.line", number=e.number, name=views.cut_chars(e.name, c.name_chars_in_lists),
               town=o.town, org=o.name) for e, o, _ in contest.showcase(ctx.session, row.id)]
    pages = views.showcase_pages(row.month, lines, c.reply_max_bytes)
    if not 1 <= page <= len(pages):
        return Reply(text=t("contest.list.no_page", page=page, pages=len(pages)))
    return Reply(text=views.showcase_page(row.month, pages, page))


def _detail(ctx: Ctx, number: int) -> Reply:
    row, c = _round(ctx), ctx.settings.contest
    found = [(e, o, i) for e, o, i in contest.showcase(ctx.session, row.id) if e.number == number]
    if not found:
        count = len(contest.showcase(ctx.session, row.id))
        return Reply(text=t("contest.refuse.no_such_entry", number=number, count=count))
    entry, org, item = found[0]
    standings = _standings(ctx, row)
    mine = next(s for s in standings if s.number == number)
    text = t("contest.detail", number=number, name=entry.name, org=org.name, town=org.town,
             time=item.time_text, location=item.location, standing=_detail_standing(mine, standings),
             description="{description}")
    room = c.reply_max_bytes - views.utf8_len(text.replace("{description}", ""))
    return Reply(text=text.replace("{description}", views.cut_bytes(item.description, room)))


def _detail_standing(mine: contest.Standing, standings: list[contest.Standing]) -> str:
    """The project's votes and place: shared places say 并列; before any vote, say so."""
    if not any(s.votes for s in standings):
        return t("contest.detail.no_votes")
    tied = sum(1 for s in standings if s.rank == mine.rank and s.number != mine.number)
    if tied:
        return t("contest.detail.tied", votes=mine.votes, rank=mine.rank, tied=tied)
    return t("contest.detail.rank", votes=mine.votes, rank=mine.rank)


def _standings(ctx: Ctx, row: Round) -> list[contest.Standing]:
    """Final standings after the close, the live board before it."""
    if row.state in (contest.RoundState.CLOSED, contest.RoundState.ANNOUNCED):
        return list(contest.results(ctx.session, row.month).standings)
    return contest.board(ctx.session, row)


def showcase_menu(msg: Incoming, ctx: Ctx) -> Reply:
    """Menu CONTEST_LIST: the first page."""
    return _page(ctx, 1)


def vote(msg: Incoming, ctx: Ctx) -> Reply:
    """投票 N: count the vote (committed before this reply goes out) and say where it stands."""
    match = VOTE.match(normalise(msg.text))
    if not match:
        return Reply(text=t("contest.vote.usage"))
    try:
        out = contest.vote(ctx.session, ctx.user, int(match.group(1)), ctx.now, ctx.settings)
    except contest.VoteRefused as exc:
        raise BotError(t(f"contest.refuse.{exc.reason}", **exc.details)) from None
    return Reply(text=vote_text(out))


def vote_text(out: contest.Cast) -> str:
    """Which project, its votes and place (并列 when shared), the gap to the place above, votes left."""
    place = (t("contest.vote.tied", rank=out.rank, tied=out.tied) if out.tied
             else t("contest.vote.rank", rank=out.rank))
    if out.gap is not None:
        position = t("contest.vote.gap", gap=out.gap)
    elif out.lead is not None:
        position = t("contest.vote.lead", lead=out.lead)
    else:
        position = t("contest.vote.alone") if not out.tied else t("contest.vote.tied_first")
    left = (t("contest.vote.left", left=out.left_today) if out.left_today > 0
            else t("contest.vote.none_left"))
    return t("contest.vote.ok", number=out.number, name=out.name, votes=out.votes, place=place,
             position=position, left=left)


def vote_help(msg: Incoming, ctx: Ctx) -> Reply:
    """Menu CONTEST_VOTE_HELP: how to vote, and the rules."""
    return Reply(text=f"{t('contest.vote.usage')}\n\n{_rules(ctx)}")


def leaderboard(msg: Incoming, ctx: Ctx) -> Reply:
    """排行 [N页]: the live board, or the final results with the frozen file's digest."""
    row, c = _round(ctx), ctx.settings.contest
    page = views.board_page(msg.text) if msg.type == "text" else 1
    if row.state in (contest.RoundState.CLOSED, contest.RoundState.ANNOUNCED):
        results = contest.results(ctx.session, row.month)
        return Reply(text=views.final_board_text(results, c, c.judges_weight > 0, page))
    board = contest.board(ctx.session, row)
    return Reply(text=views.live_board_text(row, board, ctx.now, c, page))


def rules(msg: Incoming, ctx: Ctx) -> Reply:
    """规则: the rules in force."""
    return Reply(text=_rules(ctx))


def _rules(ctx: Ctx) -> str:
    row = contest.round_for_chat(ctx.session, ctx.now, ctx.settings)
    tz = contest.tz_of(ctx.settings)
    month = f"{ctx.now.astimezone(tz):%Y-%m}"
    return views.rules_text(row, month, ctx.settings.contest, tz, row.frozen_sha256 if row else None)


def on_unsubscribe(ctx: Ctx) -> None:
    """Void the votes cast in the hours before an unfollow (the counters are recounted with them).

    Wired into the unfollow event where the routing table is built (bot/routing.py).
    """
    hours = ctx.settings.contest.unsubscribe_void_hours
    void_on_unsubscribe(ctx.session, ctx.user.openid, ctx.now, hours,
                        t("contest.void.unsubscribe", hours=hours))
