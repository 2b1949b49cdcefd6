"""The peer: a minimal Flask + wechatpy webhook that checks the signature, parses and echoes.

It imports only Flask and wechatpy so that it runs in its own environment (bench/.venv).
Settings come from the environment: PEER_TOKEN, PEER_AES_KEY, PEER_APP_ID.
"""
from __future__ import annotations

import os

from flask import Flask, Response, request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

TOKEN = os.environ.get("PEER_TOKEN", "benchtoken")
CRYPTO = WeChatCrypto(TOKEN, os.environ.get("PEER_AES_KEY", "a" * 43),
                      os.environ.get("PEER_APP_ID", "wx0000000000000000"))
app = Flask(__name__)


@app.post("/wechat")
def echo() -> Response:
    """Check, parse and echo the text back, encrypted when the request was."""
    args = request.args
    try:
        check_signature(TOKEN, args.get("signature", ""), args.get("timestamp", ""),
                        args.get("nonce", ""))
    except InvalidSignatureException:
        return Response("forbidden", status=403)
    body = request.get_data()
    safe = args.get("encrypt_type") == "aes"
    if safe:
        body = CRYPTO.decrypt_message(body, args.get("msg_signature", ""), args["timestamp"],
                                      args["nonce"])
    msg = parse_message(body)
    out = TextReply(content=getattr(msg, "content", ""), message=msg).render()
    if safe:
        out = CRYPTO.encrypt_message(out, args["nonce"], args["timestamp"])
    return Response(out, mimetype="application/xml")
