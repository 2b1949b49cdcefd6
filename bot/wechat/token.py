"""The access token shared by every process: kept in the store, refreshed by one holder of a lock."""
from __future__ import annotations

import json
import logging
import time

import requests

from bot.store import Busy as LockBusy
from bot.store import Store
from bot.wechat.errors import Transport, check
from bot.wechat.transport import TRANSPORT_CODE, request_json
from core.settings import WechatSettings
from core.texts import t

log = logging.getLogger(__name__)
POLL_SECONDS = 0.05  # how often a waiter re-reads the store while another process refreshes
LIFETIME_SECONDS = 7200  # WeChat's token lifetime, when an answer omits expires_in
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


class TokenProvider:
    """Read the shared token; when it is missing or refused, one process fetches a new one."""

    def __init__(self, wechat: WechatSettings, store: Store, http: requests.Session) -> None:
        self.wx, self.store, self.http = wechat, store, http
        self.key = store.key("wechat", "token", wechat.app_id)

    def get(self) -> str:
        """The current token, fetching one if no process has."""
        return self.cached() or self._refresh(stale=None)

    def refresh(self, stale: str) -> str:
        """Replace a token WeChat refused, unless another process already did."""
        current = self.cached()
        if current and current != stale:
            return current
        return self._refresh(stale=stale)

    def fetch_now(self) -> str:
        """Ask WeChat for a token even when one is stored: proves the appid, secret and IP work."""
        token, expires_in = self._fetch(force=False)
        self.store.put(self.key, token, ttl=self._ttl(expires_in))
        return token

    def cached(self) -> str | None:
        """The token in the store, or None."""
        raw = self.store.get(self.key)
        return raw.decode() if isinstance(raw, bytes) else raw

    def _refresh(self, stale: str | None) -> str:
        """Take the lock and fetch, or wait for the lock's holder to store a new token."""
        deadline = time.monotonic() + self.wx.token_lock_seconds
        while True:
            try:
                with self.store.lock(f"wechat-token:{self.wx.app_id}",
                                     timeout=self.wx.token_lock_seconds, wait=0):
                    return self._fetch_under_lock(stale)
            except LockBusy:
                pass  # another process is refreshing: wait for its token below
            current = self.cached()
            if current and current != stale:
                return current
            if time.monotonic() >= deadline:
                raise Transport(TRANSPORT_CODE, t("wechat.token.wait_timeout"))
            time.sleep(POLL_SECONDS)

    def _fetch_under_lock(self, stale: str | None) -> str:
        """Re-read (another process may have just finished), else fetch and store."""
        current = self.cached()
        if current and current != stale:
            return current
        token, expires_in = self._fetch(force=stale is not None)
        self.store.put(self.key, token, ttl=self._ttl(expires_in))
        log.info("wechat: new access token stored (expires in %s s, forced=%s)",
                 expires_in, stale is not None)
        return token

    def _ttl(self, expires_in: int) -> int:
        """Keep the token until shortly before WeChat lets it expire."""
        margin = self.wx.token_margin_seconds
        # stable_token hands back the same token until it dies, so refetching a token with
        # little time left gains nothing: keep such a token to its end (a late 42001 is retried).
        return max(expires_in - margin, min(expires_in, margin), 1)

    def _fetch(self, force: bool) -> tuple[str, int]:
        """Ask WeChat for a token: stable_token (force only after a refusal), or the classic API."""
        base, timeout = self.wx.api_base_url.rstrip("/"), self.wx.api_timeout_seconds
        if self.wx.token_api == "stable":
            body = {"grant_type": "client_credential", "appid": self.wx.app_id,
                    "secret": self.wx.app_secret, "force_refresh": force}
            payload = request_json(self.http, "POST", f"{base}/cgi-bin/stable_token", timeout,
                                   data=json.dumps(body), headers=JSON_HEADERS)
        else:
            params = {"grant_type": "client_credential", "appid": self.wx.app_id,
                      "secret": self.wx.app_secret}
            payload = request_json(self.http, "GET", f"{base}/cgi-bin/token", timeout,
                                   params=params)
        token = check(payload).get("access_token")
        if not token:
            raise Transport(TRANSPORT_CODE, t("wechat.token.missing"))
        return str(token), int(payload.get("expires_in") or LIFETIME_SECONDS)

