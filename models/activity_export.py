"""An activity's registrants and check-ins as a workbook: sheets 报名 and 签到, Chinese headers.

The mobiles are personal data: this export is for the organisation's admins and platform admins.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.texts import t
from models.activities import Activity, Registration, RegState

REGISTRATION_COLUMNS = ("name", "mobile", "time", "state")
CHECKIN_COLUMNS = ("name", "mobile", "checkin", "checkout", "minutes")


def _when(moment: dt.datetime | None, tz: ZoneInfo) -> str:
    """A time as the sheet shows it, empty when absent."""
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}" if moment else ""


def _mobile(row: Registration, erased: bool) -> str:
    """The mobile, or a note that it was erased (walk-ins gave none)."""
    if row.mobile:
        return row.mobile
    return t("activities.export.erased") if erased else ""


def rows_of(session: Session, activity: Activity) -> list[Registration]:
    """Every row of the activity, in ticket order (the order people came)."""
    stmt = select(Registration).where(Registration.activity_id == activity.id).order_by(Registration.ticket)
    return list(session.scalars(stmt))


def registration_rows(rows: list[Registration], tz: ZoneInfo, erased: bool) -> list[list[object]]:
    """The 报名 sheet: everyone who registered (walk-ins are on 签到 only)."""
    return [[r.name, _mobile(r, erased), _when(r.registered_at, tz), t(f"activities.state.{r.state}")]
            for r in rows if r.state != RegState.WALK_IN]


def checkin_rows(rows: list[Registration], tz: ZoneInfo, erased: bool) -> list[list[object]]:
    """The 签到 sheet: everyone checked in, with the time spent when they checked out."""
    out: list[list[object]] = []
    for r in rows:
        if r.checked_in_at is None:
            continue
        minutes: object = ""
        if r.checked_out_at is not None:
            minutes = int((r.checked_out_at - r.checked_in_at).total_seconds() // 60)
        out.append([r.name or t("activities.export.unnamed"), _mobile(r, erased),
                    _when(r.checked_in_at, tz), _when(r.checked_out_at, tz), minutes])
    return out


def sheets_of(session: Session, activity: Activity, tz: ZoneInfo) -> tuple[list[list[object]], list[list[object]]]:
    """The 报名 and 签到 rows of one activity, as the CLI and the console both export them."""
    rows = rows_of(session, activity)
    erased = activity.erased_at is not None
    return registration_rows(rows, tz, erased), checkin_rows(rows, tz, erased)


def write_workbook(path: Path, registrations: list[list[object]], checkins: list[list[object]]) -> None:
    """Write the two sheets with bold Chinese headers."""
    book = Workbook()
    first = book.active
    sheets = ((first, "registrations", REGISTRATION_COLUMNS, registrations),
              (book.create_sheet(), "checkins", CHECKIN_COLUMNS, checkins))
    for sheet, title, columns, rows in sheets:
        sheet.title = t(f"activities.export.sheet.{title}")
        sheet.append([t(f"activities.export.col.{c}") for c in columns])
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    book.save(path)
