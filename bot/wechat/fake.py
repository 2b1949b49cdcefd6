"""A local fake of WeChat's server API, served over real HTTP for tests and benches.

    fake = FakeWeChat(app_id, secret); server = serve(fake)   # fake.url is now set
    fake.inject("message/template/send", errcode=45009, times=2); fake.calls ...
    server.stop()
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from bot.wechat import fake_menu, fake_messages, fake_qrcode, fake_tokens, fake_users
from bot.wechat.fake_state import FakeWeChat, normalise

Handler = Callable[[FakeWeChat, dict[str, str], dict[str, Any] | None], dict[str, Any]]
ROUTES: dict[str, Handler] = {
    "token": fake_tokens.classic_token,
    "stable_token": fake_tokens.stable_token,
    "menu/create": fake_menu.create_menu,
    "message/template/send": fake_messages.template_send,
    "message/custom/send": fake_messages.custom_send,
    "message/subscribe/bizsend": fake_messages.subscribe_send,
    "message/mass/sendall": fake_messages.mass_send,
    "template/get_all_private_template": fake_messages.private_templates,
    "user/get": fake_users.user_get,
    "user/info/batchget": fake_users.user_batchget,
    "qrcode/create": fake_qrcode.create_qrcode,
}
OPEN_PATHS = frozenset({"token", "stable_token"})  # the only APIs called without a token
GET_PATHS = frozenset({"token", "user/get", "template/get_all_private_template"})  # no body


def answer(fake: FakeWeChat, path: str, query: dict[str, str], raw: bytes) -> Response:
    """Answer one call as WeChat would, record it, then apply any injected delay."""
    fault = fake.take_fault(path)
    with fake.mutex:
        body = _json(raw)
        if fault is not None and fault.status != 200:
            payload = {"errcode": -fault.status, "errmsg": "injected http error"}
        elif fault is not None and fault.errcode is not None:
            payload = {"errcode": fault.errcode, "errmsg": "injected"}
        else:
            payload = _route(fake, path, query, body)
        fake.record(path, query, body, payload, raw)
    time.sleep(fake.latency + (fault.delay if fault else 0.0))
    if fault is not None and fault.status != 200:
        return Response("<html>gateway error</html>", status=fault.status, content_type="text/html")
    return Response(json.dumps(payload, ensure_ascii=False),
                    content_type="application/json; charset=utf-8")


def _json(raw: bytes) -> dict[str, Any] | None:
    """The request body as JSON, or None."""
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _route(fake: FakeWeChat, path: str, query: dict[str, str],
           body: dict[str, Any] | None) -> dict[str, Any]:
    """Check the token, then run the API's rules."""
    handler = ROUTES.get(path)
    if handler is None:
        return {"errcode": 48001, "errmsg": "api unauthorized"}
    if path not in OPEN_PATHS:
        code = fake.check_token(query.get("access_token", ""))
        if code:
            return {"errcode": code, "errmsg": "invalid credential"}
        if body is None and path not in GET_PATHS:
            return {"errcode": 47001, "errmsg": "data format error"}
    return handler(fake, query, body)


def wsgi_app(fake: FakeWeChat) -> Callable[..., Any]:
    """The fake as a WSGI application."""

    @Request.application
    def app(request: Request) -> Response:
        return answer(fake, normalise(request.path), dict(request.args), request.get_data())

    return app


class _QuietHandler(WSGIRequestHandler):
    """Keep the fake's access log out of test and bench output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing."""


class FakeServer:
    """The fake on a free loopback port, in a background thread."""

    def __init__(self, fake: FakeWeChat) -> None:
        self.fake = fake
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, wsgi_app(fake), threaded=True,
                                                   request_handler=_QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="fake-wechat")
        fake.url = f"http://127.0.0.1:{self.server.port}"

    def start(self) -> FakeServer:
        """Begin answering."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and free the port."""
        self.server.shutdown()
        self.server.server_close()


def serve(fake: FakeWeChat | None = None) -> FakeServer:
    """Start a fake (a new one unless given) and return its running server."""
    return FakeServer(fake or FakeWeChat()).start()
