"""`flask --app wsgi chat`: talk to the bot in the terminal through the real webhook."""
from __future__ import annotations

import click
from flask import current_app

from bot.cli.common import services
from bot.wechat.simulator import Simulator, flask_transport

COMMANDS = {
    "/click KEY": "点击菜单（如 /click CONTEST_LIST）",
    "/subscribe [SCENE]": "关注（可带二维码场景）",
    "/unsubscribe": "取消关注",
    "/image": "发送一张图片",
    "/openid ID": "换一个用户",
    "/quit": "退出",
}


@click.command("chat")
@click.option("--openid", default="o_terminal_user", help="以哪个用户身份聊天")
def chat(openid: str) -> None:
    """Talk to the bot as a WeChat user would (signed XML through the real webhook)."""
    sim = Simulator(services().settings, flask_transport(current_app.test_client()))
    mode = "安全模式（加密）" if sim.safe else "明文模式"
    click.echo(f"已连接 /wechat，{mode}，用户 {openid}。")
    click.echo("  ".join(f"{k} {v}" for k, v in COMMANDS.items()))
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
    click.echo(reply if status == 200 and reply else f"[{status}] {reply or '（无回复）'}")
    return openid
