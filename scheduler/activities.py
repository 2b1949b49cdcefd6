"""The activity loop's jobs: reminders before, invitations to rate after, erasing mobiles."""
from __future__ import annotations

import datetime as dt

from bot.services import Services
from models import activity_jobs


def remind(services: Services, now: dt.datetime) -> None:
    """Queue the reminders of activities starting soon (each registrant once)."""
    with services.db.session() as session:
        activity_jobs.send_reminders(session, now, services.settings.activities, services.tz)


def invite_ratings(services: Services, now: dt.datetime) -> None:
    """Invite the participants of activities that have ended to rate them (once)."""
    with services.db.session() as session:
        activity_jobs.invite_ratings(session, now, services.settings.activities, services.tz)


def erase_mobiles(services: Services, now: dt.datetime) -> None:
    """Remove the registrants' mobiles some days after each activity."""
    with services.db.session() as session:
        activity_jobs.erase_mobiles(session, now, services.settings.activities)
