"""The thin Flask views: /wechat and /healthz."""
from __future__ import annotations

import dataclasses
import logging
import time

from flask import Blueprint, Response, current_app, jsonify, request

from bot import dispatch, health, inbox
from bot.logs import clear_request
from bot.services import Services
from bot.wechat import protocol

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)


def services() -> Services:
    """The running bot's services."""
    return current_app.extensions["youthvoice"]


def _query() -> tuple[str, str, str]:
    args = request.args
    return args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", "")


@bp.get("/wechat")
def verify() -> Response:
    """URL verification: echo echostr when the signature is right."""
    signature, timestamp, nonce = _query()
    try:
        protocol.check_signature(services().settings.wechat.token, signature, timestamp, nonce)
    except protocol.Forbidden:
        return Response("forbidden", status=403, mimetype="text/plain")
    return Response(request.args.get("echostr", ""), mimetype="text/plain")


@bp.post("/wechat")
def receive() -> Response:
    """A message or event: authenticate, shed if it queued too long, decrypt, deliver once, answer."""
    svc = services()
    if (request.content_length or 0) > svc.settings.wechat.max_body_bytes:
        return Response("too large", status=413, mimetype="text/plain")
    args = request.args
    signed = Signed(args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", ""),
                    args.get("msg_signature", ""), args.get("encrypt_type", "raw") == "aes")
    try:
        waited = _authenticate(svc, signed)
        if waited >= svc.settings.wechat.shed_after_seconds:
            # Overload: WeChat stops waiting at 5 s, so answer at once and do nothing.
            inbox.keep(svc, dict(args), request.get_data(cache=False))
            svc.shed.note(waited)
            return Response("success", mimetype="text/plain")
        svc.shed.flush()  # the burst is over: say how many it shed since the last line
        return _answer(svc, _read_body(svc, signed), signed, waited)
    except protocol.Forbidden as exc:
        log.warning("webhook: refused (%s)", exc)
        return Response("forbidden", status=403, mimetype="text/plain")
    except protocol.BadRequest as exc:
        log.warning("webhook: bad request (%s)", exc)
        return Response("bad request", status=400, mimetype="text/plain")
    finally:
        clear_request()


@dataclasses.dataclass(frozen=True)
class Signed:
    """What WeChat's query string says of a POST: its signatures and whether it is encrypted."""

    signature: str
    timestamp: str
    nonce: str
    msg_signature: str
    encrypted: bool


def _authenticate(svc: Services, signed: Signed) -> float:
    """Check the signature; return how long ago WeChat signed the request."""
    wx = svc.settings.wechat
    protocol.check_signature(wx.token, signed.signature, signed.timestamp, signed.nonce)
    return protocol.waited_seconds(signed.timestamp, time.time(), wx.clock_skew_seconds)


def _read_body(svc: Services, signed: Signed) -> bytes:
    """The plaintext XML of an authenticated request (decrypted in safe mode)."""
    wx = svc.settings.wechat
    body = request.get_data(cache=False)
    if len(body) > wx.max_body_bytes:
        raise protocol.BadRequest("body over the limit")
    if not signed.encrypted:
        return body
    if not wx.encoding_aes_key:
        raise protocol.BadRequest("safe mode message but no EncodingAESKey configured")
    return protocol.decrypt(protocol.crypto_for(wx), body, wx.token, signed.msg_signature,
                            signed.timestamp, signed.nonce)


def _answer(svc: Services, plain: bytes, signed: Signed, waited: float) -> Response:
    """Deliver the message and answer, encrypted when the request was."""
    incoming = protocol.to_incoming(plain)
    body = dispatch.answer_webhook(svc, incoming, lambda r: protocol.render(r, incoming), waited)
    if body != b"success" and signed.encrypted:
        crypto = protocol.crypto_for(svc.settings.wechat)
        body = crypto.encrypt_message(body.decode(), signed.nonce, signed.timestamp).encode()
    return Response(body, mimetype="application/xml" if body != b"success" else "text/plain")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Whether the database (migrated to the newest revision) and the store answer."""
    svc = services()
    state = {"database": health.database_state(svc.db),
             "redis": "ok" if svc.store.ping() else "down"}
    ok = all(v == "ok" for v in state.values())
    return jsonify(status="ok" if ok else "degraded", **state), 200 if ok else 503
