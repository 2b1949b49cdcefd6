"""What every console page shares: the navigation, times, the session, uploads, messages."""
from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import flash, redirect, request, url_for
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from bot.console.security import services
from core.texts import CATALOG, t
from models.sheets import FILE_LINE, XLSX_MAGIC, RowError, error_lines

# (endpoint, catalog key of its label)
NAV: tuple[tuple[str, str], ...] = (
    ("console.overview", "console.nav.overview"), ("console.filings", "console.nav.filings"),
    ("console.orgs", "console.nav.orgs"), ("console.contest", "console.nav.contest"),
    ("console.activities", "console.nav.activities"),
    ("console.push", "console.nav.push"), ("console.experts", "console.nav.experts"),
    ("console.supervision", "console.nav.supervision"), ("console.audit", "console.nav.audit"),
)
SPREADSHEETS = (".xlsx", ".csv")


def fmt_time(value: dt.datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A time in the campaign's time zone, or a dash."""
    if value is None:
        return "—"
    return value.astimezone(services().tz).strftime(pattern)


@contextmanager
def db() -> Iterator[Session]:
    """A session that commits when the block succeeds (a change also empties every worker's
    read cache, so the board and the help text show it at once)."""
    with services().db.session() as s:
        yield s
    if request.method == "POST":
        services().read_cache.changed()


def done(message: str, endpoint: str, **values: Any) -> Response:
    """Say what happened and go back to a page (post/redirect/get)."""
    flash(message, "ok")
    return redirect(url_for(endpoint, **values))


def refused(message: str, endpoint: str, **values: Any) -> Response:
    """Say why nothing happened and go back to a page."""
    flash(message, "error")
    return redirect(url_for(endpoint, **values))


class UploadRefused(ValueError):
    """An upload that is not a spreadsheet we read (the message is Chinese)."""


@contextmanager
def saved_upload(upload: FileStorage | None) -> Iterator[Path]:
    """The uploaded spreadsheet as a temporary file with its own suffix, removed afterwards."""
    if upload is None or not upload.filename:
        raise UploadRefused(t("console.upload.missing"))
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in SPREADSHEETS:
        raise UploadRefused(t("console.upload.not_sheet", name=upload.filename))
    with tempfile.TemporaryDirectory(prefix="yv-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        upload.save(path)
        if suffix == ".xlsx" and not path.read_bytes().startswith(XLSX_MAGIC):
            raise UploadRefused(t("sheets.file_failed", name=upload.filename, reason=t("sheets.bad_xlsx")))
        yield path


def month_now() -> str:
    """This month, YYYY-MM, in the campaign's time zone."""
    return f"{services().now():%Y-%m}"


def action_label(action: str) -> str:
    """An audit action in words (the code itself when the catalog has no words for it)."""
    return CATALOG.get(f"console.action.{action}", action)


def plain(value: object) -> str:
    """A before/after record as readable JSON (Chinese kept as is; the template escapes it)."""
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def import_errors(filename: str, errors: list[RowError]) -> list[str]:
    """A refused file in the operators' words, as the import commands say it: every bad row with
    its line, or the file's one problem."""
    if len(errors) == 1 and errors[0].line == FILE_LINE:
        return [t("sheets.file_failed", name=filename, reason=errors[0].reason)]
    return [t("sheets.failed", count=len(errors)), *error_lines(errors)]
