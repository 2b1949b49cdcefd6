"""Helpers shared by the command modules."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from flask import current_app
from sqlalchemy.orm import Session

from bot.services import Services
from core.texts import t
from models.months import is_month


def services() -> Services:
    """The services of the app the command runs in."""
    return current_app.extensions["youthvoice"]


@contextmanager
def session() -> Iterator[Session]:
    """A committed-on-success session; errors become a clean CLI failure."""
    with services().db.session() as s:
        yield s


def fail(message: str) -> NoReturn:
    """Stop with a message on stderr and exit status 1."""
    raise click.ClickException(message)


class MonthType(click.ParamType):
    """A month YYYY-MM on the command line; anything else fails like every other CLI error."""

    name = "YYYY-MM"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return the month, or stop with a Chinese message and exit status 1."""
        text = str(value).strip()
        if not is_month(text):
            fail(t("cli.bad_month", month=value))
        return text


MONTH = MonthType()
