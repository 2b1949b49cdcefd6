"""WeChat's server-API error codes as a small exception hierarchy."""
from __future__ import annotations

from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """What a caller should do about an error (WECHAT.md's advice per code)."""

    RETRY = "retry"          # try again later, with backoff
    DROP = "drop"            # the recipient is wrong; never retry
    SKIP = "skip"            # the recipient cannot get this message; mark and move on
    STOP = "stop"            # a quota is spent; stop sending and alert
    FALLBACK = "fallback"    # use another channel
    FIX = "fix"              # configuration or data must be fixed by a person


class WeChatError(Exception):
    """WeChat answered with a non-zero errcode, or could not be reached."""

    action: Action = Action.FIX

    def __init__(self, code: int, message: str = "", payload: dict[str, Any] | None = None) -> None:
        super().__init__(f"wechat error {code}: {message}")
        self.code = code
        self.message = message
        self.payload = payload or {}

    @property
    def retriable(self) -> bool:
        """Whether the same call may succeed later unchanged."""
        return self.action is Action.RETRY


class Transport(WeChatError):
    """Network failure, timeout or a malformed answer; safe to retry later."""

    action = Action.RETRY


class Busy(WeChatError):
    """-1: the system is busy."""

    action = Action.RETRY


class TokenInvalid(WeChatError):
    """40001/40014/42001: the access token was refused even after one refresh."""

    action = Action.RETRY


class BadCredentials(WeChatError):
    """40013/40125/40164: wrong appid or secret, or this server's IP is not whitelisted."""


class BadOpenid(WeChatError):
    """40003: the openid does not belong to this account."""

    action = Action.DROP


class BadTemplate(WeChatError):
    """40037: the template id is unknown (a configuration error)."""


class BadMenu(WeChatError):
    """40016-40027, 40054, 40055: the menu breaks WeChat's limits."""


class NotFollower(WeChatError):
    """43004: the user does not follow the account."""

    action = Action.SKIP


class Refused(WeChatError):
    """43101: the user refused this subscribe notification."""

    action = Action.SKIP


class DailyQuota(WeChatError):
    """45009: the daily quota of this API is spent."""

    action = Action.STOP


class RateLimited(WeChatError):
    """45011: too many calls this minute."""

    action = Action.RETRY


class OutsideWindow(WeChatError):
    """45015: the customer-service window has closed."""

    action = Action.FALLBACK


class OverCount(WeChatError):
    """45047: too many customer-service messages within the window."""

    action = Action.FALLBACK


class MassQuota(WeChatError):
    """45028: no mass-send quota left this period."""

    action = Action.STOP


class BadData(WeChatError):
    """47003: an argument is invalid (e.g. a template value too long)."""


TOKEN_CODES = frozenset({40001, 40014, 42001})
CODES: dict[int, type[WeChatError]] = {
    -1: Busy, 40001: TokenInvalid, 40014: TokenInvalid, 42001: TokenInvalid,
    40013: BadCredentials, 40125: BadCredentials, 40164: BadCredentials,
    40003: BadOpenid, 40037: BadTemplate, 43004: NotFollower, 43101: Refused,
    45009: DailyQuota, 45011: RateLimited, 45015: OutsideWindow, 45047: OverCount,
    45028: MassQuota, 47003: BadData, 40032: BadData, 40054: BadMenu, 40055: BadMenu,
    **{code: BadMenu for code in range(40016, 40028)},
}


def error_for(payload: dict[str, Any]) -> WeChatError:
    """Build the exception for an answer with a non-zero errcode."""
    code = int(payload.get("errcode", 0))
    return CODES.get(code, WeChatError)(code, str(payload.get("errmsg", "")), payload)


def check(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the answer, or raise its error when errcode is non-zero."""
    if int(payload.get("errcode") or 0) != 0:
        raise error_for(payload)
    return payload
