"""The values that flow through one message: incoming message, context, reply."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.dialog import Dialogs
    from bot.services import Services
    from bot.store import Store
    from core.settings import Settings
    from models.accounts import Role, User
    from models.dialogs import DialogDraft


class BotError(Exception):
    """An expected failure whose text is safe to show the user."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclasses.dataclass(frozen=True)
class Incoming:
    """A parsed message or event, independent of the web framework."""

    openid: str
    type: str                 # text, image, voice, video, location, link, event, unknown ...
    create_time: int
    text: str = ""            # stripped Content of a text message
    event: str = ""           # lower-case event name for type == "event"
    event_key: str = ""
    msg_id: str = ""
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def dedupe_id(self) -> str:
        """Messages by MsgId; events by CreateTime+Event+EventKey (they have no MsgId)."""
        if self.msg_id:
            return f"m:{self.msg_id}"
        return f"e:{self.create_time}:{self.event}:{self.event_key}"


@dataclasses.dataclass(frozen=True)
class Article:
    """One article of a news reply."""

    title: str
    description: str = ""
    url: str = ""
    image: str = ""


@dataclasses.dataclass(frozen=True)
class Reply:
    """What the bot answers: a text, or news articles."""

    text: str = ""
    articles: tuple[Article, ...] = ()


@dataclasses.dataclass
class Ctx:
    """Everything a handler may use for one message."""

    opener: Callable[[], Session]      # the message's session, opened on first use (see `session`)
    user: User
    roles: frozenset[Role]
    settings: Settings
    store: Store
    now: dt.datetime
    services: Services
    after_commit: list[Callable[[], None]] = dataclasses.field(default_factory=list)
    # The app's conversations (bot/routing.py), and the follower's draft once read: the dialog
    # engine reads it at most once a message (a caller that already has the row may set both).
    dialogs: Dialogs | None = None
    draft: DialogDraft | None = None
    draft_loaded: bool = False

    @functools.cached_property
    def session(self) -> Session:
        """The message's session, opened when a handler first needs it (a reply from the read
        cache needs none)."""
        return self.opener()

    def has(self, role: Role) -> bool:
        """Whether the user holds a role."""
        return role in self.roles


class Handler(Protocol):
    """Every handler has this one signature."""

    def __call__(self, msg: Incoming, ctx: Ctx) -> Reply | None: ...
