"""How every import command reports a refused file: all its bad rows, or the file's one problem."""
from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from bot.cli.common import CliError
from core.texts import t
from models.sheets import FILE_LINE, RowError, error_lines


def fail_import(path: Path, errors: list[RowError]) -> NoReturn:
    """Stop with every bad row and its line on stderr, or one line for an unreadable file."""
    if len(errors) == 1 and errors[0].line == FILE_LINE:
        raise CliError(t("sheets.file_failed", name=path.name, reason=errors[0].reason))
    raise CliError("\n".join([t("sheets.failed", count=len(errors)), *error_lines(errors)]))
