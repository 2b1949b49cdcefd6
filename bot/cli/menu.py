"""Custom menu commands."""
from __future__ import annotations

import click

from bot.cli.common import fail, services
from bot.wechat.errors import Transport, WeChatError
from bot.wechat.menu import MenuError, menu_buttons
from core.texts import t


@click.group("menu")
def menu() -> None:
    """The custom menu at the bottom of the chat."""


@menu.command("create")
def create() -> None:
    """Check the menu in the settings against WeChat's limits, then install it."""
    svc = services()
    try:
        buttons = menu_buttons(svc.settings.menu)
        svc.api.create_menu(buttons)
    except MenuError as exc:
        fail(str(exc))
    except Transport as exc:
        fail(t("menu.unreachable", message=exc.message))
    except WeChatError as exc:
        fail(t("menu.api_error", code=exc.code, message=exc.message))
    subs = sum(len(b.get("sub_button", [])) for b in buttons)
    click.echo(t("menu.installed", top=len(buttons), subs=subs))
