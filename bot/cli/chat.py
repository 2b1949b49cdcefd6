"""`flask --app wsgi chat`: talk to the bot in the terminal through the real webhook."""
from __future__ import annotations

import click
from flask import current_app

from bot.cli.common import services
from bot.wechat.simulator import Simulator, flask_transport
from core.texts import t

COMMANDS = {  # the simulator's words and their catalog keys
    "/click KEY": "cli.chat.click",
    "/subscribe [SCENE]": "cli.chat.subscribe",
    "/unsubscribe": "cli.chat.unsubscribe",
    "/image": "cli.chat.image",
    "/openid ID": "cli.chat.openid",
    "/quit": "cli.chat.quit",
}


@click.command("chat")
@click.option("--openid", default="o_terminal_user", help="以哪个用户身份聊天")
def chat(openid: str) -> None:
    """Talk to the bot as a WeChat user would (signed XML through the real webhook)."""
    sim = Simulator(services().settings, flask_transport(current_app.test_client()))
    mode = t("cli.chat.safe") if sim.safe else t("cli.chat.plain")
    click.echo(t("cli.chat.connected", mode=mode, openid=openid))
    click.echo("  ".join(f"{k} {t(v)}" for k, v in COMMANDS.items()))
    while True:
        try:
            line = input(f"{openid}> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if line == "/quit":
            break
        openid = _turn(sim, openid, line)


def _turn(sim: Simulator, openid: str, line: str) -> str:
    """Send one line; return the (possibly changed) openid."""
    if not line:
        return openid
    word, _, arg = line.partition(" ")
    if word == "/openid" and arg:
        return arg.strip()
    if word == "/click":
        status, reply = sim.event(openid, "CLICK", arg.strip())
    elif word == "/subscribe":
        status, reply = sim.event(openid, "subscribe", f"qrscene_{arg.strip()}" if arg else "")
    elif word == "/unsubscribe":
        status, reply = sim.event(openid, "unsubscribe")
    elif word == "/image":
        status, reply = sim.send(openid, {"MsgType": "image", "PicUrl": "http://example.invalid/a.jpg",
                                          "MediaId": "m1"})
    else:
        status, reply = sim.text(openid, line)
    click.echo(reply if status == 200 and reply else f"[{status}] {reply or t('cli.chat.no_reply')}")
    return openid
