"""The routing table: (predicate, handler) pairs, first match wins.

Order: events, global words, the active dialog, menu keys, keywords, then the default.
"""
from __future__ import annotations

from typing import Callable

from bot import dialog
from bot.context import Ctx, Handler, Incoming
from handlers import accounts, contest, push

Predicate = Callable[[Incoming, Ctx], bool]
Route = tuple[Predicate, Handler]


def text_is(*words: str) -> Predicate:
    """A text message equal to one of the words (case-insensitive)."""
    wanted = {w.casefold() for w in words}
    return lambda msg, ctx: msg.type == "text" and msg.text.casefold() in wanted


def text_starts(*words: str) -> Predicate:
    """A text message that starts with one of the words."""
    return lambda msg, ctx: msg.type == "text" and msg.text.startswith(words)


def event_is(*names: str) -> Predicate:
    """An event of one of these names."""
    return lambda msg, ctx: msg.type == "event" and msg.event in names


def click(*keys: str) -> Predicate:
    """A menu CLICK with one of these keys."""
    return lambda msg, ctx: msg.type == "event" and msg.event == "click" and msg.event_key in keys


def type_is(*types: str) -> Predicate:
    """A message of one of these types."""
    return lambda msg, ctx: msg.type in types


def always(msg: Incoming, ctx: Ctx) -> bool:
    """Matches anything: the default route."""
    return True


TABLE: list[Route] = [
    # events
    (event_is("subscribe"), accounts.on_subscribe),
    (event_is("unsubscribe"), accounts.on_unsubscribe),
    (event_is("scan"), accounts.on_scan),
    (event_is("templatesendjobfinish"), push.template_finished),
    # global words
    (text_is("帮助", "?", "？", "help"), accounts.help),
    (click("HELP"), accounts.help),
    (text_starts("绑定"), accounts.bind),
    # the active dialog takes every other text
    (dialog.is_active, dialog.handle),
    (text_is("取消", "退出"), accounts.nothing_to_cancel),
    # menu keys
    (click("CONTEST_LIST"), contest.showcase_menu),
    (click("CONTEST_VOTE_HELP"), contest.vote_help),
    (click("CONTEST_RANK"), contest.leaderboard),
    # keywords
    (contest.is_showcase, contest.showcase),
    (contest.is_vote, contest.vote),
    (text_is("排行", "排行榜"), contest.leaderboard),
    (text_is("规则", "投票规则"), contest.rules),
    (text_is("订阅结果"), push.subscribe_results),
    (text_is("取消订阅结果"), push.unsubscribe_results),
    # default
    (type_is("text"), accounts.unknown_text),
    (type_is("event"), accounts.ignore_event),
    (always, accounts.unsupported),
]


def route(msg: Incoming, ctx: Ctx) -> Handler:
    """The first handler whose predicate matches."""
    for predicate, handler in TABLE:
        if predicate(msg, ctx):
            return handler
    raise LookupError("the routing table has no default")  # unreachable: `always` ends it
