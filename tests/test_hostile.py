"""Hostile input at the webhook: never a 500, never a side effect from an unauthenticated request.

Property-based: random and mutated XML, huge fields, entity expansion, wrong encodings, forged
and replayed signatures, bad query strings. A note on replays: in plaintext mode WeChat's
`signature` covers only token, timestamp and nonce, not the body, so a captured query with a new
body is indistinguishable from WeChat; only safe mode (msg_signature over the ciphertext)
authenticates the body, which is why production should run in safe mode.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.wechat.protocol import sign
from bot.wechat.simulator import Simulator, flask_transport, message_xml
from core.settings import Settings
from models import Base
from tests.support import TEST_AES_KEY, TEST_TOKEN

FUZZ = hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
VALID = message_xml("o_fuzz", {"MsgType": "text", "Content": "帮助", "MsgId": 42}, 1_700_000_000)
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %s "%s">' % (chr(98 + i).encode(), (b"&%s;" % chr(97 + i).encode()) * 10)
                     for i in range(8))
          + b"]><xml><ToUserName>x</ToUserName><FromUserName>&i;</FromUserName><MsgType>text</MsgType>"
            b"<Content>&i;</Content><MsgId>1</MsgId></xml>")
XXE = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       b"<xml><FromUserName>o_x</FromUserName><MsgType>text</MsgType><Content>&e;</Content><MsgId>2</MsgId></xml>")


def rows(app: Flask) -> int:
    """Rows in every table of the schema."""
    with app.extensions["youthvoice"].db.session() as s:
        return sum(s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables)


def keys(app: Flask) -> list[bytes]:
    """Every key in the store."""
    return app.extensions["youthvoice"].store.redis.keys("*")


def signed_query(timestamp: str = "1700000000", nonce: str = "n", **extra: str) -> str:
    """A correctly signed query string."""
    return urlencode({"signature": sign(TEST_TOKEN, timestamp, nonce), "timestamp": timestamp,
                      "nonce": nonce, **extra})


def no_trace(app: Flask) -> None:
    """Nothing was written: no row, no store key."""
    assert rows(app) == 0 and keys(app) == []


def mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    """Flip, drop or insert bytes at positions (position, operation+byte)."""
    out = bytearray(data)
    for pos, op in edits:
        pos %= max(1, len(out))
        if op % 3 == 0 and out:
            out[pos] ^= (op >> 2) or 1
        elif op % 3 == 1 and out:
            del out[pos]
        else:
            out.insert(pos, op & 0xFF)
    return bytes(out)


edits = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 1023)), min_size=1, max_size=8)
queries = st.dictionaries(st.sampled_from(["signature", "timestamp", "nonce", "msg_signature", "encrypt_type",
                                           "openid", "echostr", "x"]),
                          st.text(max_size=60), max_size=6)


@FUZZ
@given(query=queries, body=st.one_of(st.binary(max_size=2000), st.just(VALID), edits.map(lambda e: mutate(VALID, e))))
def test_forged_requests_are_refused_without_trace(app: Flask, query: dict[str, str], body: bytes) -> None:
    """Any query without a valid signature: 403 (or 400/413), never a row or a key."""
    if query.get("signature") == sign(TEST_TOKEN, query.get("timestamp", ""), query.get("nonce", "")):
        del query["signature"]  # hypothesis will not forge SHA-1, but keep the premise true
    resp = app.test_client().post("/wechat?" + urlencode(query), data=body)
    assert resp.status_code in (400, 403, 413)
    no_trace(app)


@FUZZ
@given(raw=st.lists(st.sampled_from(["signature=", "timestamp=", "nonce=", "%ff", "%", "&", "=", "%00", "a" * 300,
                                     "encrypt_type=aes", "msg_signature=", "signature=" + "f" * 40, "%E4%BD",
                                     "timestamp=99999999999999999999", ";"]), max_size=12))
def test_bad_query_strings_never_break_the_webhook(app: Flask, raw: list[str]) -> None:
    """Broken percent-escapes, duplicates, empty and huge values: refused cleanly."""
    resp = app.test_client().post("/wechat?" + "".join(raw), data=VALID)
    assert resp.status_code in (400, 403)
    assert app.test_client().get("/wechat?" + "".join(raw)).status_code in (200, 400, 403)
    no_trace(app)


@FUZZ
@given(body=st.one_of(st.binary(max_size=3000), edits.map(lambda e: mutate(VALID, e)),
                      st.sampled_from([LAUGHS, XXE, b"", b"<xml/>", b"<notxml></notxml>", b"<xml><xml>"])))
def test_signed_garbage_is_a_clean_4xx_or_an_answer(app: Flask, body: bytes) -> None:
    """A signed request with a bad body: never a 500; refused ones leave no trace."""
    before = rows(app), keys(app)
    resp = app.test_client().post("/wechat?" + signed_query(), data=body)
    assert resp.status_code in (200, 400, 413)
    if resp.status_code != 200:
        assert (rows(app), keys(app)) == before


@pytest.mark.parametrize("body", [LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_entity_expansion_is_refused(app: Flask, body: bytes) -> None:
    """DTDs and entities are never expanded: 400 and nothing written."""
    resp = app.test_client().post("/wechat?" + signed_query(), data=body)
    assert resp.status_code == 400
    no_trace(app)


@FUZZ
@given(content=st.text(min_size=1, max_size=200),
       encoding=st.sampled_from(["gbk", "utf-16", "latin-1", "utf-8", "big5", "shift_jis"]),
       declared=st.sampled_from(["", "utf-8", "gbk", "utf-16", "x-unknown"]))
def test_wrong_encodings_never_500(app: Flask, content: str, encoding: str, declared: str) -> None:
    """Bodies in another encoding than declared: answered or refused, never a 500."""
    head = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    text = (head + VALID.decode()).replace("帮助", content.replace("]]>", ""))
    try:
        body = text.encode(encoding)
    except UnicodeEncodeError:
        body = text.encode(encoding, errors="replace")
    resp = app.test_client().post("/wechat?" + signed_query(), data=body)
    assert resp.status_code in (200, 400)


def test_huge_fields(app: Flask, settings: Settings) -> None:
    """A body over the limit is 413 with no trace; a huge field under it is answered within 2048 bytes."""
    limit = settings.wechat.max_body_bytes
    over = message_xml("o_big", {"MsgType": "text", "Content": "字" * limit, "MsgId": 7}, 1)
    assert app.test_client().post("/wechat?" + signed_query(), data=over).status_code == 413
    no_trace(app)
    under = message_xml("o_big", {"MsgType": "text", "Content": "x" * (limit - 400), "MsgId": 8}, 1)
    resp = app.test_client().post("/wechat?" + signed_query(), data=under)
    assert resp.status_code == 200 and len(resp.data) < 2048 + 400


@pytest.fixture()
def safe_app(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings]) -> Flask:
    """The bot in safe mode."""
    return app_factory(settings_factory(wechat={"encoding_aes_key": TEST_AES_KEY}))


def encrypted(app: Flask, plain: bytes, timestamp: str = "1700000000", nonce: str = "n") -> tuple[str, bytes, str]:
    """A safe-mode body, its query and its Encrypt field."""
    sim = Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()))
    assert sim.crypto is not None
    body = sim.crypto.encrypt_message(plain.decode(), nonce, timestamp).encode()
    enc = body.split(b"<Encrypt><![CDATA[")[1].split(b"]]>")[0].decode()
    query = signed_query(timestamp, nonce, encrypt_type="aes", msg_signature=sign(TEST_TOKEN, timestamp, nonce, enc))
    return query, body, enc


@FUZZ
@given(flips=edits)
def test_tampered_ciphertext_is_refused_without_trace(safe_app: Flask, flips: list[tuple[int, int]]) -> None:
    """A replayed safe-mode query over a changed ciphertext: refused (msg_signature), no trace."""
    query, body, enc = encrypted(safe_app, VALID)
    tampered = body.replace(enc.encode(), mutate(enc.encode(), flips))
    if tampered == body:
        return
    resp = safe_app.test_client().post("/wechat?" + query, data=tampered)
    assert resp.status_code in (400, 403)
    no_trace(safe_app)


def test_safe_mode_refuses_a_forged_msg_signature_and_another_appid(safe_app: Flask, settings: Settings) -> None:
    """A wrong msg_signature and a message sealed for another appid: 403, no trace."""
    query, body, _ = encrypted(safe_app, VALID)
    forged = query.replace("msg_signature=", "msg_signature=0")
    assert safe_app.test_client().post("/wechat?" + forged, data=body).status_code == 403
    from wechatpy.crypto import WeChatCrypto

    other = WeChatCrypto(TEST_TOKEN, TEST_AES_KEY, "wx_someone_else").encrypt_message(VALID.decode(), "n", "1700000000")
    enc = other.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    q = signed_query(encrypt_type="aes", msg_signature=sign(TEST_TOKEN, "1700000000", "n", enc))
    assert safe_app.test_client().post("/wechat?" + q, data=other.encode()).status_code == 403
    no_trace(safe_app)


def test_an_exact_replay_has_one_side_effect(safe_app: Flask) -> None:
    """The same sealed request five times: one follower row, the same answer every time."""
    query, body, _ = encrypted(safe_app, VALID)
    sim = Simulator(safe_app.extensions["youthvoice"].settings, flask_transport(safe_app.test_client()))
    answers = {sim.read_reply(safe_app.test_client().post("/wechat?" + query, data=body).data) for _ in range(5)}
    assert len(answers) == 1 and "您可以发送以下文字" in answers.pop()
    assert rows(safe_app) == 1


def test_get_with_a_forged_signature_echoes_nothing(app: Flask) -> None:
    """URL verification with a forged signature: 403, the echostr is not reflected."""
    resp = app.test_client().get("/wechat?" + urlencode({"signature": "0" * 40, "timestamp": "1", "nonce": "n",
                                                          "echostr": "<script>"}))
    assert resp.status_code == 403 and b"<script>" not in resp.data
