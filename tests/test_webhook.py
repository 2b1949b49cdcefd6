"""The /wechat webhook: public vectors, modes, bad input, every message type."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
import xmltodict
from flask import Flask
from wechatpy.crypto import WeChatCrypto

from bot.wechat.protocol import sign
from bot.wechat.simulator import Simulator, flask_transport, message_xml
from core.settings import Settings

# Tencent's official Python sample (compatible mode), from WECHAT.md.
TENCENT = {"token": "spamtest", "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
           "app_id": "wx2c2769f8efd9abc2"}
TENCENT_QUERY = {"timestamp": "1409735669", "nonce": "1320562132",
                 "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa"}
TENCENT_BODY = (
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]>"
    "</FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]>"
    "</Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655Hu"
    "D0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNl"
    "ZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3y"
    "ZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJ"
    "SgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>")
# wechatpy's suite (safe mode: only ToUserName and Encrypt), from WECHAT.md.
WECHATPY = {"token": "123456", "encoding_aes_key": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
            "app_id": "wx49f0ab532d5d035a"}
WECHATPY_QUERY = {"timestamp": "1411525903", "nonce": "461056294",
                  "msg_signature": "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"}
WECHATPY_BODY = (
    "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/g"
    "ePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFl"
    "zEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkV"
    "QiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb"
    "++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>")


def signed(query: dict[str, str], token: str) -> str:
    """The query string with the plain `signature` added."""
    full = {"signature": sign(token, query["timestamp"], query["nonce"]), **query}
    return "/wechat?" + urlencode(full)


def test_plain_signature_vector() -> None:
    """WECHAT.md's plain vector, and one character off must fail."""
    assert sign("test", "1410685589", "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    assert sign("test", "1410685589", "test") != "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe"


def test_get_verification_echoes(client: Any, settings: Settings) -> None:
    """A signed GET echoes echostr verbatim; a wrong signature is 403."""
    query = {"timestamp": "1410685589", "nonce": "n1", "echostr": "hello 123"}
    ok = client.get(signed(query, settings.wechat.token))
    assert ok.status_code == 200 and ok.data == b"hello 123"
    bad = client.get("/wechat?" + urlencode({**query, "signature": "f" * 40}))
    assert bad.status_code == 403


@pytest.mark.parametrize("vector", ["tencent", "wechatpy"])
def test_safe_mode_vectors_decrypt_and_answer_encrypted(vector: str, app_factory: Callable[[Settings], Flask],
                                                        settings_factory: Callable[..., Settings]) -> None:
    """Both public vectors decrypt (msg_signature, not signature) and the answer is encrypted."""
    keys, query, body, sender = {
        "tencent": (TENCENT, TENCENT_QUERY, TENCENT_BODY, "oyORnuP8q7ou2gfYjqLzSIWZf0rs"),
        "wechatpy": (WECHATPY, WECHATPY_QUERY, WECHATPY_BODY, "messense"),
    }[vector]
    app = app_factory(settings_factory(wechat=keys))
    resp = app.test_client().post(signed({**query, "encrypt_type": "aes"}, keys["token"]), data=body)
    assert resp.status_code == 200
    reply = xmltodict.parse(resp.data)["xml"]
    assert set(reply) >= {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    crypto = WeChatCrypto(keys["token"], keys["encoding_aes_key"], keys["app_id"])
    plain = xmltodict.parse(crypto.decrypt_message(resp.data, reply["MsgSignature"], reply["TimeStamp"],
                                                   reply["Nonce"]))["xml"]
    assert plain["ToUserName"] == sender and "没有理解" in plain["Content"]


def test_wrong_appid_is_refused(app_factory: Callable[[Settings], Flask],
                                settings_factory: Callable[..., Settings]) -> None:
    """The right key with another appid must not be accepted."""
    app = app_factory(settings_factory(wechat={**TENCENT, "app_id": "wx0000000000000001"}))
    resp = app.test_client().post(signed({**TENCENT_QUERY, "encrypt_type": "aes"}, TENCENT["token"]),
                                  data=TENCENT_BODY)
    assert resp.status_code == 403


def test_signature_passed_as_msg_signature_is_refused(app_factory: Callable[[Settings], Flask],
                                                      settings_factory: Callable[..., Settings]) -> None:
    """The commonest safe-mode bug: decrypting with `signature` instead of `msg_signature`."""
    app = app_factory(settings_factory(wechat=TENCENT))
    plain_sig = sign(TENCENT["token"], TENCENT_QUERY["timestamp"], TENCENT_QUERY["nonce"])
    query = {**TENCENT_QUERY, "encrypt_type": "aes", "msg_signature": plain_sig}
    resp = app.test_client().post(signed(query, TENCENT["token"]), data=TENCENT_BODY)
    assert resp.status_code == 403


def test_wrong_signature_is_403_and_has_no_side_effect(client: Any, services: Any) -> None:
    """An unauthenticated POST creates nothing."""
    body = message_xml("o_forger", {"MsgType": "text", "Content": "帮助", "MsgId": 1}, 1)
    resp = client.post("/wechat?" + urlencode({"signature": "0" * 40, "timestamp": "1", "nonce": "2"}), data=body)
    assert resp.status_code == 403
    from sqlalchemy import text
    with services.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 0


def _post_plain(client: Any, settings: Settings, body: bytes, **extra: str) -> Any:
    return client.post(signed({"timestamp": "1", "nonce": "2", **extra}, settings.wechat.token), data=body)


@pytest.mark.parametrize("body", [b"", b"<xml><unclosed>", b"not xml at all", b"<root><a>1</a></root>",
                                  b"<xml><MsgType>text</MsgType></xml>",
                                  "<xml>\u00ff\ud800</xml>".encode("utf-8", "surrogatepass"),
                                  b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                                  b"<xml><FromUserName>&b;</FromUserName></xml>"])
def test_broken_bodies_get_a_clean_400(client: Any, settings: Settings, body: bytes) -> None:
    """Malformed XML, the wrong root, missing sender, bad encodings and entities: 400, never 500."""
    assert _post_plain(client, settings, body).status_code == 400


def test_oversized_body_is_413(client: Any, settings: Settings) -> None:
    """A body over max_body_bytes is refused before it is read."""
    body = message_xml("o_big", {"MsgType": "text", "Content": "x" * settings.wechat.max_body_bytes, "MsgId": 3}, 1)
    assert _post_plain(client, settings, body).status_code == 413


def test_safe_mode_message_without_key_is_400(client: Any, settings: Settings) -> None:
    """encrypt_type=aes on a plaintext-mode deployment is a clean refusal."""
    resp = _post_plain(client, settings, TENCENT_BODY.encode(), encrypt_type="aes", msg_signature="0" * 40)
    assert resp.status_code == 400


def test_garbage_ciphertext_is_400(app_factory: Callable[[Settings], Flask],
                                   settings_factory: Callable[..., Settings]) -> None:
    """A correctly signed but undecryptable <Encrypt> is the sender's fault, not ours."""
    app = app_factory(settings_factory(wechat=TENCENT))
    body = "<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[bm90IGNpcGhlcnRleHQ=]]></Encrypt></xml>"
    query = {"timestamp": "5", "nonce": "6", "encrypt_type": "aes",
             "msg_signature": sign(TENCENT["token"], "5", "6", "bm90IGNpcGhlcnRleHQ=")}
    assert app.test_client().post(signed(query, TENCENT["token"]), data=body).status_code == 400


MESSAGE_TYPES: list[tuple[dict[str, Any], str]] = [
    ({"MsgType": "text", "Content": "帮助"}, "您可以发送以下文字"),
    ({"MsgType": "image", "PicUrl": "http://x.invalid/a.jpg", "MediaId": "m"}, "暂时只能处理文字消息"),
    ({"MsgType": "voice", "MediaId": "m", "Format": "amr"}, "暂时只能处理文字消息"),
    ({"MsgType": "video", "MediaId": "m", "ThumbMediaId": "t"}, "暂时只能处理文字消息"),
    ({"MsgType": "shortvideo", "MediaId": "m", "ThumbMediaId": "t"}, "暂时只能处理文字消息"),
    ({"MsgType": "location", "Location_X": "23.0", "Location_Y": "113.7", "Scale": "15", "Label": "东莞"},
     "暂时只能处理文字消息"),
    ({"MsgType": "link", "Title": "t", "Description": "d", "Url": "http://x.invalid"}, "暂时只能处理文字消息"),
    ({"MsgType": "hologram", "Payload": "?"}, "暂时只能处理文字消息"),
    ({"MsgType": "event", "Event": "subscribe"}, "欢迎关注"),
    ({"MsgType": "event", "Event": "subscribe", "EventKey": "qrscene_123"}, "欢迎关注东莞“青年之声”！"),
    ({"MsgType": "event", "Event": "SCAN", "EventKey": "123", "Ticket": "t"}, ""),
    ({"MsgType": "event", "Event": "unsubscribe"}, ""),
    ({"MsgType": "event", "Event": "CLICK", "EventKey": "HELP"}, "您可以发送以下文字"),
    ({"MsgType": "event", "Event": "CLICK", "EventKey": "NO_SUCH_KEY"}, ""),
    ({"MsgType": "event", "Event": "VIEW", "EventKey": "http://x.invalid"}, ""),
    ({"MsgType": "event", "Event": "LOCATION", "Latitude": "23", "Longitude": "113", "Precision": "1"}, ""),
    ({"MsgType": "event", "Event": "MASSSENDJOBFINISH", "MsgID": "1", "Status": "send success"}, ""),
    ({"MsgType": "event", "Event": "strange_new_event"}, ""),
]


@pytest.mark.parametrize("fields,expected", MESSAGE_TYPES, ids=lambda v: str(v)[:40])
@pytest.mark.parametrize("safe", [False, True], ids=["plain", "safe"])
def test_every_message_type_and_event(fields: dict[str, Any], expected: str, safe: bool,
                                      app_factory: Callable[[Settings], Flask],
                                      settings_factory: Callable[..., Settings]) -> None:
    """Each type gets its answer (or a quiet success) in plaintext and safe mode."""
    overrides = {"wechat": {"encoding_aes_key": TENCENT["encoding_aes_key"]}} if safe else {}
    app = app_factory(settings_factory(**overrides))
    sim = Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()))
    status, reply = sim.send("o_types", dict(fields))
    assert status == 200
    assert (expected in reply) if expected else reply == ""


def test_compatible_mode_reads_the_ciphertext_not_the_plain_fields(app_factory: Callable[[Settings], Flask],
                                                                   settings_factory: Callable[..., Settings]) -> None:
    """Tampered plaintext fields beside <Encrypt> are ignored: only the signed ciphertext counts."""
    app = app_factory(settings_factory(wechat=TENCENT))
    body = TENCENT_BODY.replace("oyORnuP8q7ou2gfYjqLzSIWZf0rs</", "o_attacker</", 1)
    resp = app.test_client().post(signed({**TENCENT_QUERY, "encrypt_type": "aes"}, TENCENT["token"]), data=body)
    assert resp.status_code == 200
    from sqlalchemy import text
    with app.extensions["youthvoice"].db.engine.connect() as conn:
        openids = conn.execute(text("SELECT openid FROM users")).scalars().all()
    assert openids == ["oyORnuP8q7ou2gfYjqLzSIWZf0rs"]
