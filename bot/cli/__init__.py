"""Operators' commands: `flask --app wsgi <command>`.

A command that creates something prints its id or code alone on the last line of stdout;
errors go to stderr with a non-zero exit status.
"""
from __future__ import annotations

from flask import Flask

from bot.cli import announce, chat, contest, core, menu, orgs, push, scheduler

GROUPS = (core.init_db, orgs.org, chat.chat, contest.group, menu.menu, push.push,
          scheduler.scheduler)


def init_app(app: Flask) -> None:
    """Register every command group on the app."""
    for command in GROUPS:
        app.cli.add_command(command)
    announce.attach(app.cli)
