"""The drafts job: delete dialog drafts untouched for longer than [dialog] draft_ttl_days."""
from __future__ import annotations

import datetime as dt
import logging

from bot.services import Services
from models.dialogs import purge_expired

log = logging.getLogger(__name__)


def purge_drafts(services: Services, now: dt.datetime) -> None:
    """Delete expired drafts: half-typed work (names, mobiles) is not kept past its days."""
    ttl = dt.timedelta(days=services.settings.dialog.draft_ttl_days)
    with services.db.session() as session:
        deleted = purge_expired(session, now, ttl)
    log.info("purge_drafts: deleted %d expired drafts", deleted)
