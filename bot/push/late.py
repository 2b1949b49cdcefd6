"""A reply that missed WeChat's 5 seconds goes out later as a customer-service message."""
from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from bot.context import Reply
from core.texts import t
from models.outbox import Channel, enqueue

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


def reply_text(reply: object) -> str:
    """The reply as one text (a news reply becomes its titles and links)."""
    if not isinstance(reply, Reply):
        return ""
    if reply.text:
        return reply.text
    return "\n".join(f"{a.title} {a.url}".strip() for a in reply.articles)


def queue_late_reply(services: Services, openid: str, reply: object, cause: str) -> None:
    """Queue the reply once per delivered message (the cause is its dedupe id)."""
    text = reply_text(reply)
    if not text:
        return
    digest = hashlib.sha1(f"{openid}:{cause or text}".encode()).hexdigest()[:24]
    template = services.settings.push.late_reply_template
    fallback = {"template": template, "data": {"title": t("push.late.title"), "detail": text}}
    try:
        with services.db.session() as session:
            enqueue(session, key=f"late:{digest}", purpose="late_reply", openid=openid,
                    channel=Channel.CUSTOM,
                    payload={"text": text, "fallback": fallback if template else None},
                    now=services.now())
    except SQLAlchemyError:
        # The webhook has already answered "success"; a lost late reply must not turn into a 500.
        log.warning("late reply to %s could not be queued", openid, exc_info=True)
        return
    log.info("late reply to %s queued as a customer-service message", openid)
