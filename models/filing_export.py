"""The 申请意向表 as a spreadsheet: the form's columns in its order, then the city's own columns."""
from __future__ import annotations

import csv
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from core.settings import SupportSettings
from core.texts import t
from models.filing import FilingItem
from models.filing_ops import export_items
from models.orgs import Organisation
from models.support import assess_item, support_name

# (column, width in characters): the form's nine columns, then ours; headers in the catalog.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("seq", 6), ("town", 8), ("name", 24), ("time", 26), ("location", 18), ("scale", 10),
    ("type", 14), ("description", 40), ("intentions", 28),
    ("org", 20), ("filed_at", 18), ("state", 10), ("eligibility", 60), ("review", 24), ("item", 10),
)


def headers() -> list[str]:
    """The header row, from the catalog."""
    return [t(f"filing.export.col.{column}") for column, _ in COLUMNS]


def export_rows(session: Session, month: str | None, rules: SupportSettings,
                tz: ZoneInfo) -> list[list[object]]:
    """One row per activity, numbered 1..N in filing order."""
    items = export_items(session, month)
    return [_row(n, item, org, rules, tz) for n, (item, org) in enumerate(items, start=1)]


def _row(n: int, item: FilingItem, org: Organisation, rules: SupportSettings,
         tz: ZoneInfo) -> list[object]:
    """The cells of one activity."""
    intentions = t("list.separator").join(support_name(v) for v in item.intentions)
    plan = "\n" + t("filing.export.plan", url=item.plan_url) if item.plan_url else ""
    eligibility = "\n".join(t("filing.export.eligibility", support=support_name(r.intention), reason=r.reason)
                            for r in assess_item(item, rules))
    filed_at = item.filing.filed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    scale: object = item.scale if item.scale_low is None else item.scale_text  # a range stays text
    return [n, item.town, item.name, item.time_text, item.location, scale,
            t(f"filing.type.{item.activity_type}"), item.description + plan, intentions, org.name, filed_at,
            t(f"filing.state.{item.review_state}"), eligibility, item.review_reason or "", item.id]


def write_xlsx(path: Path, rows: list[list[object]], title: str) -> None:
    """A workbook with bold Chinese headers, readable widths and wrapped long cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit on sheet names
    sheet.append(headers())
    for row in rows:
        sheet.append(row)
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    book.save(path)


def write_csv(path: Path, rows: list[list[object]]) -> None:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers())
        writer.writerows(rows)
