"""The state of the local fake of WeChat's server API: clock, tokens, faults, recorded calls."""
from __future__ import annotations

import collections
import dataclasses
import itertools
import secrets
import threading
import time
from typing import Any

OVERLAP_SECONDS = 300       # a superseded classic token keeps working this long
TOKEN_SECONDS = 7200
CHINA_OFFSET = 8 * 3600     # WeChat's days and months are Beijing time


@dataclasses.dataclass(frozen=True)
class Call:
    """One request the fake received, with the errcode it answered."""

    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    errcode: int
    answer: dict[str, Any]
    at: float
    raw: bytes = b""


@dataclasses.dataclass(frozen=True)
class Fault:
    """An injected answer (errcode, or a non-JSON HTTP status) and/or delay for one call."""

    errcode: int | None
    delay: float
    status: int = 200


@dataclasses.dataclass
class IssuedToken:
    """A token the fake handed out."""

    valid_until: float
    superseded: bool = False


@dataclasses.dataclass
class Window:
    """A user's customer-service window: opened by an interaction, with a message budget."""

    opened_at: float
    seconds: float
    limit: int
    used: int = 0


@dataclasses.dataclass(frozen=True)
class FakeFollower:
    """A follower of the fake account, as user/info/batchget describes them."""

    openid: str
    subscribe_time: int
    subscribe_scene: str = "ADD_SCENE_SEARCH"
    qr_scene_str: str = ""


def normalise(path: str) -> str:
    """`/cgi-bin/message/template/send` and `message/template/send` name the same API."""
    path = path.strip("/")
    return path.removeprefix("cgi-bin/")


class FakeWeChat:
    """What the fake knows; tests tell it about users and queue faults."""

    def __init__(self, app_id: str | None = None, app_secret: str | None = None,
                 account_type: str = "service") -> None:
        self.mutex = threading.RLock()
        self.app_id, self.app_secret, self.initial_type = app_id, app_secret, account_type
        self.url = ""
        self.reset()

    def reset(self) -> None:
        """Forget everything but the credentials and the URL."""
        with self.mutex:
            self.account_type = self.initial_type
            self.offset = 0.0
            self.latency = 0.0
            self.faults: dict[str, collections.deque[Fault | None]] = collections.defaultdict(
                collections.deque)
            self.recorded: list[Call] = []
            self.tokens: dict[str, IssuedToken] = {}
            self.current: dict[str, str] = {}  # "token" / "stable_token" -> latest token
            self.counters: collections.Counter[str] = collections.Counter()
            self.ids = itertools.count(1000)
            self.unfollowed: set[str] = set()
            self.refusers: set[str] = set()
            self.windows: dict[str, Window] = {}
            self.strict_windows = False
            self.templates: set[str] | None = None
            self.template_quota = 100_000
            self.force_quota = 20
            self.menu: dict[str, Any] | None = None
            self.client_msg_ids: dict[str, tuple[int, float]] = {}
            self.mass_ids: dict[str, int] = {}
            self.followers: dict[str, FakeFollower] = {}
            self.follow_order: list[str] = []  # every openid that ever followed, first first
            self.follow_position: dict[str, int] = {}
            self.page_size = 10_000
            self.template_list: dict[str, dict[str, str]] = {}
            self.ip_whitelisted = True
            self.qrcodes: dict[str, dict[str, Any]] = {}   # ticket -> scene and answer

    @property
    def override(self) -> dict[str, Any]:
        """A settings override pointing the bot at this fake."""
        return {"wechat": {"api_base_url": self.url}}

    def now(self) -> float:
        """The fake's clock: real time moved by advance()."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (tokens expire, windows close, days pass)."""
        with self.mutex:
            self.offset += seconds

    def period(self, fmt: str) -> str:
        """The current Beijing day ("%Y-%m-%d") or month ("%Y-%m")."""
        return time.strftime(fmt, time.gmtime(self.now() + CHINA_OFFSET))

    def count(self, name: str) -> int:
        """Add one to a counter; returns the new value."""
        self.counters[name] += 1
        return self.counters[name]

    def inject(self, path: str, errcode: int | None = None, times: int = 1,
               delay: float = 0.0, status: int = 200, after: int = 0) -> None:
        """Make `times` calls to path, after `after` more, answer errcode (or HTTP status), or late."""
        with self.mutex:
            queue = self.faults[normalise(path)]
            queue.extend([None] * after)
            queue.extend([Fault(errcode, delay, status)] * times)

    def take_fault(self, path: str) -> Fault | None:
        """The next queued fault for path, if any (None also for a call let through by `after`)."""
        with self.mutex:
            queue = self.faults.get(path)
            return queue.popleft() if queue else None

    def unfollow(self, openid: str) -> None:
        """Tell the fake this user does not follow the account (43004, gone from user/get)."""
        with self.mutex:
            self.unfollowed.add(openid)
            self.followers.pop(openid, None)

    def follow(self, follower: FakeFollower) -> None:
        """Make someone a follower (again): listed by user/get after everyone before them."""
        with self.mutex:
            self.unfollowed.discard(follower.openid)
            self.followers[follower.openid] = follower
            if follower.openid not in self.follow_position:
                self.follow_position[follower.openid] = len(self.follow_order)
                self.follow_order.append(follower.openid)

    def add_template(self, template_id: str, title: str, keys: list[str]) -> None:
        """Put a template in the account's list, its content naming keys as {{thing1.DATA}}."""
        content = "\n".join(f"{key}：{{{{{key}.DATA}}}}" for key in keys)
        with self.mutex:
            self.template_list[template_id] = {
                "template_id": template_id, "title": title, "primary_industry": "政府与公共事业",
                "deputy_industry": "公共事业", "content": content, "example": ""}
            self.templates = (self.templates or set()) | {template_id}

    def refuse(self, openid: str) -> None:
        """Tell the fake this user refused subscribe notifications (43101)."""
        self.refusers.add(openid)

    def interacted(self, openid: str, kind: str = "message") -> None:
        """Open a customer-service window: 5 messages in 48 h, or 3 in 1 minute after an event."""
        seconds, limit = (48 * 3600, 5) if kind == "message" else (60, 3)
        with self.mutex:
            self.windows[openid] = Window(self.now(), seconds, limit)

    def issue(self, kind: str) -> str:
        """Hand out a new token of kind "token" or "stable_token"."""
        token = f"{kind}-{self.count('issued')}-{secrets.token_hex(8)}"
        self.tokens[token] = IssuedToken(self.now() + TOKEN_SECONDS)
        self.current[kind] = token
        return token

    def revoke(self, token: str) -> None:
        """Kill a token at once, as a forced refresh elsewhere would (40001 from now on)."""
        with self.mutex:
            self.tokens[token].valid_until = self.now()
            self.tokens[token].superseded = True

    def check_token(self, token: str) -> int:
        """0 when the token works, else WeChat's errcode for it."""
        issued = self.tokens.get(token)
        if not token:
            return 41001
        if issued is None:
            return 40014 if "-" not in token else 40001
        if self.now() < issued.valid_until:
            return 0
        return 40001 if issued.superseded else 42001

    def record(self, path: str, query: dict[str, str], body: dict[str, Any] | None,
               answer: dict[str, Any], raw: bytes) -> None:
        """Remember a call and its answer."""
        errcode = int(answer.get("errcode") or 0)
        self.recorded.append(Call(path, query, body, errcode, answer, self.now(), raw))

    @property
    def calls(self) -> list[Call]:
        """Every call received so far, oldest first."""
        with self.mutex:
            return list(self.recorded)

    def calls_to(self, path: str) -> list[Call]:
        """The calls to one API."""
        return [c for c in self.calls if c.path == normalise(path)]

    def sent(self, path: str) -> list[Call]:
        """The successful calls to one API."""
        return [c for c in self.calls_to(path) if c.errcode == 0]

    @property
    def token_fetches(self) -> int:
        """How many token answers the fake gave (classic and stable, forced or not)."""
        return len(self.sent("token")) + len(self.sent("stable_token"))
