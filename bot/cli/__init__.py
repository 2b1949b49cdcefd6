"""Operators' commands: `flask --app wsgi <command>`.

A command that creates something prints its id or code alone on the last line of stdout;
errors go to stderr with a non-zero exit status.
"""
from __future__ import annotations

from flask import Flask

from bot.cli import chat, core, menu, orgs, push

GROUPS = (core.init_db, orgs.org, chat.chat, menu.menu, push.push)


def init_app(app: Flask) -> None:
    """Register every command group on the app."""
    for command in GROUPS:
        app.cli.add_command(command)
