"""One HTTP call to WeChat's server API, with a timeout and clean failures."""
from __future__ import annotations

import logging
from typing import Any

import requests

from bot.wechat.errors import Transport
from core.texts import t

log = logging.getLogger(__name__)
TRANSPORT_CODE = -2  # our own code for "no usable answer"; WeChat's codes are -1 and up


def request_json(http: requests.Session, method: str, url: str, timeout: float,
                 **kwargs: Any) -> dict[str, Any]:
    """Send a request and decode the JSON answer; failures become Transport errors."""
    path = url.split("?", 1)[0]  # never log the query: it carries the token or the secret
    try:
        response = http.request(method, url, timeout=timeout, **kwargs)
        response.raise_for_status()
        payload = response.json()
    except requests.RequestException as exc:
        log.warning("wechat %s %s failed: %s", method, path, type(exc).__name__)
        raise Transport(TRANSPORT_CODE, t("wechat.transport.failed", error=type(exc).__name__, path=path)) from exc
    except ValueError as exc:
        raise Transport(TRANSPORT_CODE, t("wechat.transport.not_json", path=path)) from exc
    if not isinstance(payload, dict):
        raise Transport(TRANSPORT_CODE, t("wechat.transport.unexpected", path=path))
    return payload
