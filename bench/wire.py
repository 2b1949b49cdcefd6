"""Requests as WeChat sends them (signed, encrypted in safe mode) and their answers read back."""
from __future__ import annotations

import importlib.util
import secrets
import time
from urllib.parse import urlencode

from wechatpy.crypto import WeChatCrypto

from bot.wechat.protocol import sign
from bot.wechat.simulator import message_xml
from core.settings import PROJECT_ROOT

# The reference peers' benchmark-only credentials when they are there (the bot is given the same,
# so one signed request suits every server), else the bench's own.
_PEERS_SECRETS = PROJECT_ROOT.parent / "shared" / "peers" / "bench_secrets.py"


def _credentials() -> tuple[str, str, str]:
    if not _PEERS_SECRETS.exists():
        return "benchtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2"
    spec = importlib.util.spec_from_file_location("bench_secrets", _PEERS_SECRETS)
    assert spec is not None and spec.loader is not None
    peers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peers)
    return peers.TOKEN, peers.ENCODING_AES_KEY, peers.APP_ID


TOKEN, AES_KEY, APP_ID = _credentials()
CRYPTO = WeChatCrypto(TOKEN, AES_KEY, APP_ID)


def text_xml(openid: str, content: str, msg_id: int) -> bytes:
    """A plaintext text message."""
    return message_xml(openid, {"MsgType": "text", "Content": content, "MsgId": msg_id},
                       int(time.time()))


def signed(plain: bytes, safe: bool, timestamp: int | None = None) -> tuple[str, bytes]:
    """The path with its signed query, and the body (encrypted in safe mode)."""
    ts, nonce = str(timestamp or int(time.time())), secrets.token_hex(5)
    query = {"signature": sign(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce,
             "openid": "bench"}
    body = plain
    if safe:
        body = CRYPTO.encrypt_message(plain.decode(), nonce, ts).encode()
        encrypted = body.split(b"<Encrypt><![CDATA[", 1)[1].split(b"]]>", 1)[0].decode()
        query |= {"encrypt_type": "aes", "msg_signature": sign(TOKEN, ts, nonce, encrypted)}
    return "/wechat?" + urlencode(query), body


def reply_text(body: bytes, safe: bool) -> str:
    """The answer's plaintext XML ('' for success); raises on a malformed answer."""
    if body in (b"", b"success"):
        return ""
    if not safe:
        return body.decode()
    part = body.split(b"<MsgSignature><![CDATA[", 1)[1]
    msg_sig = part.split(b"]]>", 1)[0].decode()
    ts = body.split(b"<TimeStamp>", 1)[1].split(b"</TimeStamp>", 1)[0].decode()
    nonce = body.split(b"<Nonce><![CDATA[", 1)[1].split(b"]]>", 1)[0].decode()
    return CRYPTO.decrypt_message(body, msg_sig, ts, nonce)
