"""Telling one follower something first: a customer-service message while WeChat's window is
open (48 h after their last message), else a template message; both through the outbox."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.accounts import User
from models.outbox import Channel, enqueue

CUSTOM_WINDOW = dt.timedelta(hours=48)   # WeChat's rule, not a setting
WINDOW_MARGIN = dt.timedelta(hours=1)    # the message may wait a little in the outbox


def in_window(user: User, now: dt.datetime) -> bool:
    """Whether a customer-service message can still reach the follower."""
    last = user.last_message_at
    return last is not None and now - last < CUSTOM_WINDOW - WINDOW_MARGIN


def notify(session: Session, user: User, *, key: str, purpose: str, now: dt.datetime, text: str,
           template: str, data: dict[str, str]) -> bool:
    """Queue one notice exactly once per key; False when that key was queued before."""
    fallback = {"template": template, "data": data}
    if in_window(user, now):
        row = enqueue(session, key=key, purpose=purpose, openid=user.openid, channel=Channel.CUSTOM,
                      payload={"text": text, "fallback": fallback}, now=now)
    else:
        row = enqueue(session, key=key, purpose=purpose, openid=user.openid,
                      channel=Channel.TEMPLATE, payload=fallback, now=now)
    return row is not None
