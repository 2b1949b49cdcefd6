"""The routing table: (predicate, handler) pairs, first match wins.

Order: events, the open dialog, global words, the dialog's words outside it, menu keys, then the
default. The conversations the app runs are listed here too (DIALOGS).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from bot import dialog
from bot.context import Ctx, Handler, Incoming
from handlers import accounts, activities, contest, experts, filing, filing_review, push, supervisor
from models.accounts import Role

Predicate = Callable[[Incoming, Ctx], bool]
Route = tuple[Predicate, Handler]


def text_is(*words: str) -> Predicate:
    """A text message equal to one of the words (case-insensitive)."""
    wanted = {w.casefold() for w in words}
    return lambda msg, ctx: msg.type == "text" and msg.text.casefold() in wanted


def text_starts(*words: str) -> Predicate:
    """A text message that starts with one of the words."""
    return lambda msg, ctx: msg.type == "text" and msg.text.startswith(words)


def text_matches(pattern: str) -> Predicate:
    """A text message that matches the regular expression as a whole."""
    compiled = re.compile(pattern)
    return lambda msg, ctx: msg.type == "text" and compiled.fullmatch(msg.text) is not None


def for_role(role: Role, predicate: Predicate) -> Predicate:
    """The predicate, only for users holding the role (others fall through to the default)."""
    return lambda msg, ctx: ctx.has(role) and predicate(msg, ctx)


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


def unfollowed(msg: Incoming, ctx: Ctx) -> None:
    """An unfollow: record it, then void the votes cast just before it (the contest's rule)."""
    accounts.on_unsubscribe(msg, ctx)
    contest.on_unsubscribe(ctx)


IS_HELP = text_is("帮助", "?", "？", "help")
IS_RANK = text_is("排行", "排行榜")
IS_RANK_PAGE = text_matches(r"排行榜?\s*第?\s*[0-9０-９]+\s*页")
IS_RULES = text_is("规则", "投票规则")
# Replies that change nothing: they need no exactly-once gate (a retry may compute them again).
READ_ROUTES: list[Route] = [
    (IS_HELP, accounts.help), (click("HELP"), accounts.help),
    (click("CONTEST_LIST"), contest.showcase_menu), (click("CONTEST_VOTE_HELP"), contest.vote_help),
    (click("CONTEST_RANK"), contest.leaderboard), (contest.is_showcase, contest.showcase),
    (IS_RANK, contest.leaderboard), (IS_RANK_PAGE, contest.leaderboard), (IS_RULES, contest.rules),
]
READ_ONLY = frozenset(handler for _, handler in READ_ROUTES)
# Of those, the replies that are the same for every follower (帮助 depends on the roles): a
# worker may reuse them for a moment (bot/read_cache.py).
PUBLIC_READS = frozenset({contest.showcase_menu, contest.vote_help, contest.leaderboard,
                          contest.showcase, contest.rules})


# Words that start a conversation (inside it they resume it).
ENTRIES: list[Route] = [
    (text_is("申报"), filing.start),
]

HELP: list[Route] = [
    (IS_HELP, accounts.help),
]

# Words that work anywhere: inside a dialog they are answered and the dialog keeps waiting.
KEYWORDS: list[Route] = [
    (text_starts("绑定"), accounts.bind),
    (text_matches(r"我的申报\s*\d*"), filing.my_filings),
    (for_role(Role.PLATFORM_ADMIN, text_is("审核")), filing_review.pending),
    (for_role(Role.PLATFORM_ADMIN, text_matches(r"审核\s*\d+")), filing_review.show),
    (for_role(Role.PLATFORM_ADMIN, text_matches(r"(改为)?(通过|驳回)\s*\d+[\s\S]*")), filing_review.decide),
    (contest.is_showcase, contest.showcase),
    (contest.is_vote, contest.vote),
    (IS_RANK, contest.leaderboard),
    (IS_RANK_PAGE, contest.leaderboard),
    (IS_RULES, contest.rules),
    (text_is("我的排名"), experts.my_rank),
    (text_is("专家榜"), experts.board),
    (for_role(Role.SUPERVISOR, text_matches(r"督导\s*\S*")), supervisor.data),
    (text_matches(r"督导\s*\S*"), supervisor.refuse),
    (text_is("订阅结果"), push.subscribe_results),
    (text_is("取消订阅结果"), push.unsubscribe_results),
    (activities.is_publish, activities.publish),
    (activities.is_query, activities.query),
    (activities.is_roster, activities.roster),
    (text_matches(r"报名\s*\S*"), activities.register),
    (text_matches(r"取消报名\s*\S*"), activities.cancel),
    (text_is("我的活动"), activities.mine),
    (text_matches(r"评价[\s\S]*"), activities.rate),
    (for_role(Role.PLATFORM_ADMIN, text_matches(r"隐藏评论\s*\S*")), activities.hide),
]

# The exact words of those routes: inside a free-text question (a name, a place) only these,
# alone or with a number (项目 3, 我的申报 12), are commands (see bot/dialog.py).
WORDS = ("申报", "帮助", "?", "help", "我的申报", "审核", "通过", "改为通过", "项目", "投票", "点赞",
         "排行", "排行榜", "规则", "投票规则", "我的排名", "专家榜", "督导", "订阅结果", "取消订阅结果",
         "活动", "发布", "报名", "取消报名", "我的活动", "评价", "隐藏评论")

# The conversations of this app.
DIALOGS = dialog.Dialogs(
    conversations=(filing.FILING,),
    keywords=[predicate for predicate, _ in ENTRIES + HELP + KEYWORDS],
    words=WORDS,
)


def table(dialogs: dialog.Dialogs, entries: list[Route]) -> list[Route]:
    """The routing table around the app's conversations and the words that start them."""
    return [
        # events
        (activities.is_scan, activities.scan),
        (event_is("subscribe"), accounts.on_subscribe),
        (event_is("unsubscribe"), unfollowed),
        (event_is("scan"), accounts.on_scan),
        (event_is("templatesendjobfinish"), push.template_finished),
        # the open dialog: its own words, its answers, and the global words its question takes
        (dialogs.takes, dialogs.handle),
        (activities.is_pending_word, activities.answer),
        # global words (inside a dialog, answered and the dialog mentioned: see `route`)
        *entries,
        *HELP,
        *KEYWORDS,
        # the dialog's words outside a dialog
        (text_is("取消", "退出", "上一步", "跳过", "继续", "重新开始"), accounts.nothing_to_cancel),
        (text_matches(r"修改\s*\d+"), accounts.nothing_to_cancel),
        (text_is("确认", "提交"), filing.nothing_to_confirm),
        # menu keys
        (click("HELP"), accounts.help),
        (click("FILE_APPLICATION"), filing.start),
        (click("MY_FILINGS"), filing.my_filings),
        (click("CONTEST_LIST"), contest.showcase_menu),
        (click("CONTEST_VOTE_HELP"), contest.vote_help),
        (click("CONTEST_RANK"), contest.leaderboard),
        (click("EXPERT_RANK"), experts.my_rank),
        (for_role(Role.SUPERVISOR, click("SUPERVISOR_DATA")), supervisor.data),
        (click("SUPERVISOR_DATA"), supervisor.refuse),
        (click("ACTIVITY_LIST"), activities.menu_list),
        (click("MY_ACTIVITIES"), activities.mine),
        # a registration waiting for its name, mobile or 确认 takes any other text
        (activities.has_pending, activities.answer),
        # default
        (type_is("text"), accounts.unknown_text),
        (type_is("event"), accounts.ignore_event),
        (always, accounts.unsupported),
    ]


TABLE = table(DIALOGS, ENTRIES)
# The global words' handlers; inside a dialog their answer mentions it (True: its whole question).
MENTIONING: dict[Handler, bool] = {handler: False for _, handler in KEYWORDS} | {accounts.help: True}


# Handlers whose every write is one statement on PostgreSQL (the vote: models/contest_votes.py):
# their message runs in autocommit, with no BEGIN and no COMMIT, and a sender never seen is
# recorded by that statement rather than before it.
ONE_STATEMENT = frozenset({contest.vote})


def may_be_one_statement(msg: Incoming) -> bool:
    """Whether the message is a vote (投票 N), whose statement reads the sender itself and does
    nothing when a dialog of theirs is open (the message is then routed again, in a transaction)."""
    return contest.casts_a_vote(msg)


def may_be_read_only(msg: Incoming) -> bool:
    """Whether the message is one of the read-only replies' words or keys (their predicates
    look at the message alone); its route decides, once the user is known (a dialog may be open)."""
    return any(predicate(msg, None) for predicate, _ in READ_ROUTES)  # type: ignore[arg-type]


def route(msg: Incoming, ctx: Ctx) -> Handler:
    """The first handler whose predicate matches."""
    for predicate, handler in TABLE:
        if predicate(msg, ctx):
            if handler in MENTIONING:
                return DIALOGS.around(msg, ctx, handler, full=MENTIONING[handler])
            return handler
    raise LookupError("the routing table has no default")  # unreachable: `always` ends it
