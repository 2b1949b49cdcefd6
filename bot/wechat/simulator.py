"""Talks to the webhook as WeChat does: signed, and encrypted in safe mode.

Used by `flask --app wsgi chat`, the tests and the transcripts.
"""
from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import xmltodict
from wechatpy.crypto import WeChatCrypto

from bot.wechat.protocol import cdata, sign
from core.settings import Settings

ACCOUNT = "gh_youthvoice"
_msg_ids = itertools.count(int(time.time() * 1000) * 1000)

# (method, path with query, body) -> (status, body)
Transport = Callable[[str, str, bytes], tuple[int, bytes]]


def message_xml(openid: str, fields: dict[str, Any], create_time: int) -> bytes:
    """A plaintext message as WeChat sends it: text in CDATA, a typed `]]>` split across two."""
    parts = [f"<ToUserName>{cdata(ACCOUNT)}</ToUserName>",
             f"<FromUserName>{cdata(openid)}</FromUserName>",
             f"<CreateTime>{create_time}</CreateTime>"]
    for key, value in fields.items():
        parts.append(f"<{key}>{value}</{key}>" if isinstance(value, int)
                     else f"<{key}>{cdata(str(value))}</{key}>")
    return ("<xml>" + "".join(parts) + "</xml>").encode()


class Simulator:
    """One WeChat server talking to our webhook over some transport."""

    def __init__(self, settings: Settings, transport: Transport, safe: bool | None = None,
                 clock: Callable[[], Any] | None = None) -> None:
        wx = settings.wechat
        self.clock = clock
        self.token, self.transport = wx.token, transport
        self.safe = bool(wx.encoding_aes_key) if safe is None else safe
        self.crypto = WeChatCrypto(wx.token, wx.encoding_aes_key, wx.app_id) if self.safe else None

    def text(self, openid: str, content: str, msg_id: int | None = None,
             create_time: int | None = None) -> tuple[int, str]:
        """Send a text message; returns (status, reply text or '')."""
        fields = {"MsgType": "text", "Content": content, "MsgId": msg_id or next(_msg_ids)}
        return self.send(openid, fields, create_time)

    def event(self, openid: str, event: str, key: str = "",
              create_time: int | None = None) -> tuple[int, str]:
        """Send an event (subscribe, unsubscribe, CLICK ...)."""
        fields = {"MsgType": "event", "Event": event}
        if key:
            fields["EventKey"] = key
        return self.send(openid, fields, create_time)

    def send(self, openid: str, fields: dict[str, Any],
             create_time: int | None = None) -> tuple[int, str]:
        """Post one message and decode the answer to its text content."""
        if fields.get("MsgType") != "event":
            fields = {"MsgId": next(_msg_ids), **fields}
        created = create_time or int(self.clock().timestamp() if self.clock else time.time())
        status, body = self.post_raw(message_xml(openid, fields, created))
        return status, self.read_reply(body) if status == 200 else body.decode(errors="replace")

    def post_raw(self, plain: bytes) -> tuple[int, bytes]:
        """Sign (and encrypt) a plaintext body and post it."""
        timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
        query = {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp,
                 "nonce": nonce, "openid": "x"}
        body = plain
        if self.crypto is not None:
            body = self.crypto.encrypt_message(plain.decode(), nonce, timestamp).encode()
            encrypted = xmltodict.parse(body)["xml"]["Encrypt"]
            query |= {"encrypt_type": "aes", "msg_signature": sign(self.token, timestamp, nonce, encrypted)}
        return self.transport("POST", "/wechat?" + urlencode(query), body)

    def read_reply(self, body: bytes) -> str:
        """The reply's text (or article titles), '' for success."""
        if body in (b"", b"success"):
            return ""
        if self.crypto is not None:
            fields = xmltodict.parse(body)["xml"]
            body = self.crypto.decrypt_message(body, fields["MsgSignature"], fields["TimeStamp"],
                                               fields["Nonce"]).encode()
        xml = xmltodict.parse(body)["xml"]
        if xml.get("MsgType") == "news":
            items = xml["Articles"]["item"]
            items = items if isinstance(items, list) else [items]
            return "\n".join(f"{i.get('Title')}\n{i.get('Description') or ''}" for i in items)
        return xml.get("Content") or ""


def flask_transport(client: Any) -> Transport:
    """A transport through a Flask test client."""

    def post(method: str, path: str, body: bytes) -> tuple[int, bytes]:
        resp = client.open(path, method=method, data=body, content_type="text/xml")
        return resp.status_code, resp.data

    return post
