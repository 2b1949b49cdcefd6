"""Helpers shared by the command modules."""
from __future__ import annotations

import errno
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, NoReturn

import click
from flask import current_app
from sqlalchemy.orm import Session

from bot.preflight import check_database
from bot.services import Services
from core.texts import t, word
from models.base import KEY_MAX, is_key
from models.months import is_month
from models.refusals import Refused


def services() -> Services:
    """The services of the app the command runs in."""
    return current_app.extensions["youthvoice"]


@contextmanager
def session() -> Iterator[Session]:
    """A committed-on-success session; errors become a clean CLI failure. What it committed is
    announced to the workers' read caches (bot/read_cache.py)."""
    with services().db.session() as s:
        yield s
    services().read_cache.changed()


class CliError(click.ClickException):
    """An operator's mistake: one Chinese line on stderr (no English "Error:" prefix), exit 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message under the catalog's prefix."""
        click.echo(t("cli.error", message=self.format_message()), err=True, file=file)


_OS_REASONS = {errno.ENOENT: "cli.os.missing", errno.EACCES: "cli.os.denied", errno.EPERM: "cli.os.denied",
               errno.EROFS: "cli.os.read_only", errno.ENOSPC: "cli.os.full", errno.EISDIR: "cli.os.is_dir",
               errno.ENOTDIR: "cli.os.not_dir", errno.EEXIST: "cli.os.not_dir"}


def os_reason(exc: OSError) -> str:
    """Why a file could not be written, in the operator's words (the system's own text is English)."""
    key = _OS_REASONS.get(exc.errno or 0)
    return t(key) if key else t("cli.os.other", error=type(exc).__name__, errno=exc.errno)


def fail(message: str) -> NoReturn:
    """Stop with a message on stderr and exit status 1."""
    raise CliError(message)


def refusals_worded(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command so that what the domain refuses (models/refusals.py) ends it with its
    sentence, as one line on stderr: the commands' one boundary for it."""
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except Refused as exc:
            fail(word(exc.phrase))
    return run


def on_a_ready_database(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command only on a database that answers at the newest migration: an operator who
    types it before init-db, or with the database down, gets one line instead of a traceback."""
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        found = check_database(services())
        if not found.ok:
            fail(t("cli.database_not_ready", label=found.label, detail=found.detail))
        return callback(*args, **kwargs)
    return run


def _this_month() -> str:
    """The current month in the bot's time zone, for examples an operator can copy."""
    return f"{services().now():%Y-%m}"


class MonthType(click.ParamType):
    """A month YYYY-MM on the command line; anything else fails like every other CLI error."""

    name = "YYYY-MM"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return the month, or stop with a Chinese message and exit status 1."""
        text = str(value).strip()
        if not is_month(text):
            fail(t("cli.bad_month", month=value, example=_this_month()))
        return text


MONTH = MonthType()


class NumberType(click.ParamType):
    """An id or a count on the command line, within what the tables hold (a longer one would
    reach the driver and fail there); anything else fails like every other CLI error."""

    name = "N"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        """Return the number, or stop with a Chinese message and exit status 1."""
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or not is_key(int(text)):
            name = param.human_readable_name if param is not None else self.name
            fail(t("cli.bad_number", name=name, max=KEY_MAX, value=value))
        return int(text)


NUMBER = NumberType()
