"""An activity's check-in (or 签退) code: a temporary WeChat code drawn as a PNG to print.

Shared by `activity qrcode` and the console, so both ask WeChat the same way.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from io import BytesIO

import segno

from bot.wechat.api import WeChatClient
from models.activities import Activity

MAX_QR_SECONDS = 30 * 24 * 3600   # WeChat's longest temporary code
MIN_QR_SECONDS = 60


@dataclasses.dataclass(frozen=True)
class CodeImage:
    """The printed code and until when WeChat honours it."""

    png: bytes
    expires: dt.datetime


def code_target(activity: Activity, checkout: bool, days_after: int) -> tuple[str, dt.datetime]:
    """The scene the code carries and until when it should work (some days after the end)."""
    scene = activity.checkout_scene if checkout else activity.checkin_scene
    return scene, activity.ends_at + dt.timedelta(days=days_after)


def fetch_code(api: WeChatClient, scene: str, until: dt.datetime, now: dt.datetime) -> CodeImage:
    """Ask WeChat for a temporary code for the scene and draw it (raises WeChatError)."""
    seconds = int(min(MAX_QR_SECONDS, max(MIN_QR_SECONDS, (until - now).total_seconds())))
    answer = api.create_qrcode(scene, seconds)
    buffer = BytesIO()
    segno.make_qr(str(answer["url"]), error="m").save(buffer, kind="png", scale=10, border=4)
    expires = now + dt.timedelta(seconds=int(answer.get("expire_seconds") or seconds))
    return CodeImage(buffer.getvalue(), expires)
