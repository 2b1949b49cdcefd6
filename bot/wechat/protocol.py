"""The webhook's wire protocol: signatures, safe-mode crypto, parsing and rendering."""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
import time
from typing import Any

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

from bot.context import Article, Incoming, Reply
from core.settings import WechatSettings

MAX_TEXT_BYTES = 2048
MAX_ARTICLES = 8
# Characters XML 1.0 cannot carry at all, even inside CDATA (C0 controls but tab and line breaks,
# lone surrogates, U+FFFE/U+FFFF): dropped, since no parser on the other side would accept them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class BadRequest(ValueError):
    """The body cannot be understood: answered with a clean 400."""


class Forbidden(ValueError):
    """The signature is wrong: answered with 403."""


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted parts joined."""
    return hashlib.sha1("".join(sorted(parts)).encode(errors="replace")).hexdigest()


def check_signature(token: str, signature: str, timestamp: str, nonce: str) -> None:
    """Verify the request's signature in constant time."""
    if not same_digest(sign(token, timestamp, nonce), signature):
        raise Forbidden("signature")


def same_digest(expected: str, given: str | None) -> bool:
    """Constant-time comparison that also takes non-ASCII input (compared as bytes)."""
    return hmac.compare_digest(expected.encode(), (given or "").lower().encode(errors="replace"))


def waited_seconds(timestamp: str, now: float, skew: float) -> float:
    """How long ago WeChat signed the request (0 when the timestamp is odd or beyond the skew)."""
    if not timestamp.isdigit() or len(timestamp) > 12:
        return 0.0
    age = now - int(timestamp)
    return age if 0.0 < age <= skew else 0.0


def check_xml(body: bytes) -> dict[str, Any]:
    """Parse XML refusing DTDs and entities, and return its <xml> fields."""
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        # LookupError: an encoding declaration naming no codec Python knows
        raise BadRequest(f"malformed XML: {exc}") from exc
    if root.tag != "xml":
        raise BadRequest("the root element is not <xml>")
    return {child.tag: (child.text or "") for child in root}


def crypto_for(wx: WechatSettings) -> WeChatCrypto:
    """The account's safe-mode crypto, built once per set of keys (it keeps no per-message state)."""
    return _crypto(wx.token, wx.encoding_aes_key, wx.app_id)


@functools.lru_cache(maxsize=8)
def _crypto(token: str, aes_key: str, app_id: str) -> WeChatCrypto:
    return WeChatCrypto(token, aes_key, app_id)


def decrypt(crypto: WeChatCrypto, body: bytes, token: str, msg_signature: str,
            timestamp: str, nonce: str) -> bytes:
    """Verify msg_signature over the ciphertext and decrypt the message."""
    fields = check_xml(body)
    encrypted = fields.get("Encrypt")
    if not encrypted:
        raise BadRequest("no <Encrypt> in a safe-mode message")
    if not same_digest(sign(token, timestamp, nonce, encrypted), msg_signature):
        raise Forbidden("msg_signature")
    try:
        # The parsed fields, not the body: wechatpy would parse the envelope a second time.
        plain = crypto.decrypt_message(fields, msg_signature, timestamp, nonce)
    except (InvalidAppIdException, InvalidSignatureException) as exc:
        raise Forbidden(type(exc).__name__) from exc
    except Exception as exc:
        raise BadRequest(f"cannot decrypt: {type(exc).__name__}") from exc
    return plain.encode() if isinstance(plain, str) else plain


def to_incoming(body: bytes) -> Incoming:
    """Parse a plaintext message into an Incoming (the defused parse is the only one)."""
    fields = check_xml(body)
    if not fields.get("FromUserName"):
        raise BadRequest("no FromUserName")
    kind = (fields.get("MsgType") or "").lower()
    kind = kind if kind in KNOWN_TYPES else "unknown"
    create = fields.get("CreateTime", "0")
    return Incoming(
        openid=fields["FromUserName"],
        type=kind,
        create_time=int(create) if create.isdigit() else 0,
        text=(fields.get("Content") or "").strip() if kind == "text" else "",
        event=(fields.get("Event") or "").lower(),
        event_key=fields.get("EventKey") or "",
        msg_id=fields.get("MsgId") or "",
        raw={**fields, "ToUserName": fields.get("ToUserName", "")},
    )


KNOWN_TYPES = {"text", "image", "voice", "shortvideo", "video", "location", "link", "event",
               "miniprogrampage"}


def fit_text(text: str, limit: int = MAX_TEXT_BYTES) -> str:
    """Cut a reply to WeChat's byte limit at a line break where possible."""
    data = text.encode()
    if len(data) <= limit:
        return text
    cut = data[: limit - len("…".encode())].decode("utf-8", errors="ignore")
    head = cut.rsplit("\n", 1)[0] if "\n" in cut else cut
    return head + "…"


def cdata(text: str) -> str:
    """Text as CDATA that keeps every character: a `]]>` inside is split across two sections."""
    return "<![CDATA[" + NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def element(name: str, text: str) -> str:
    """One element whose text is CDATA."""
    return f"<{name}>{cdata(text)}</{name}>"


def render(reply: Reply | None, incoming: Incoming) -> bytes:
    """The passive reply's XML, or b"success" when there is nothing to say."""
    if reply is None or not (reply.text or reply.articles):
        return b"success"
    head = (element("ToUserName", incoming.openid)
            + element("FromUserName", incoming.raw.get("ToUserName", ""))
            + f"<CreateTime>{int(time.time())}</CreateTime>")
    if not reply.articles:
        body = element("MsgType", "text") + element("Content", fit_text(reply.text))
    else:
        body = _news(reply.articles[: 1 if incoming.type != "event" else MAX_ARTICLES])
    return f"<xml>{head}{body}</xml>".encode()


def _news(articles: tuple[Article, ...]) -> str:
    """The news reply's fields for these articles."""
    items = "".join("<item>" + element("Title", a.title) + element("Description", a.description)
                    + element("PicUrl", a.image) + element("Url", a.url) + "</item>"
                    for a in articles)
    return (element("MsgType", "news") + f"<ArticleCount>{len(articles)}</ArticleCount>"
            + f"<Articles>{items}</Articles>")
