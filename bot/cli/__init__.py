"""Operators' commands: `flask --app wsgi <command>`.

A command that creates something prints its id or code alone on the last line of stdout;
errors go to stderr with a non-zero exit status.
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from bot.cli import (
    activity,
    announce,
    chat,
    check,
    console,
    contest,
    core,
    experts,
    filing,
    followers,
    inbox,
    menu,
    orgs,
    push,
    scheduler,
    supervisor,
)
from bot.cli.common import on_a_ready_database, refusals_worded

contest.group.add_command(announce.announce)
GROUPS = (core.init_db, orgs.org, filing.filing, contest.group, experts.expert, push.push,
          supervisor.supervisor, scheduler.scheduler, inbox.inbox_group, chat.chat, menu.menu,
          followers.followers, check.check, activity.activity,
          console.console)


def init_app(app: Flask) -> None:
    """Register every command group on the app."""
    for command in GROUPS:
        _in_app_context(command)
        app.cli.add_command(command)


# The commands that run on a database not migrated yet: the one that migrates it, and the check
# that says it is not.
BEFORE_THE_SCHEMA = frozenset({"init-db", "check"})


def _in_app_context(command: click.Command) -> None:
    """Run every (sub)command inside the app context, however it is invoked, with the domain's
    refusals worded, and every command but those of BEFORE_THE_SCHEMA on a ready database
    (bot/cli/common.py)."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _in_app_context(sub)
    if command.callback and not getattr(command.callback, "_in_app_context", False):
        callback = command.callback
        if not isinstance(command, click.Group):
            callback = refusals_worded(callback)
            if command.name not in BEFORE_THE_SCHEMA:
                callback = on_a_ready_database(callback)
        command.callback = with_appcontext(callback)
        command.callback._in_app_context = True  # type: ignore[attr-defined]
