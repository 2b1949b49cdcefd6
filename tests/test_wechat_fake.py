"""The local fake of WeChat's API answers as WeChat does: tokens, limits, quotas, injection."""
from __future__ import annotations

from typing import Any

import pytest
import requests

from bot.wechat.fake_state import FakeWeChat
from tests.support import TEST_APPID

SECRET = "dev-secret"
DAY = 86400


def raw(fake: FakeWeChat, path: str, body: dict[str, Any] | None = None,
        **params: str) -> dict[str, Any]:
    """Call the fake over HTTP as any client would."""
    url = f"{fake.url}/cgi-bin/{path}"
    if body is None:
        return requests.get(url, params=params, timeout=2).json()
    return requests.post(url, params=params, json=body, timeout=2).json()


def stable(fake: FakeWeChat, force: bool = False, secret: str = SECRET) -> dict[str, Any]:
    """Ask for a stable token."""
    return raw(fake, "stable_token", {"grant_type": "client_credential", "appid": TEST_APPID,
                                      "secret": secret, "force_refresh": force})


def classic(fake: FakeWeChat) -> str:
    """Fetch a classic token."""
    return raw(fake, "token", grant_type="client_credential", appid=TEST_APPID,
               secret=SECRET)["access_token"]


def send(fake: FakeWeChat, token: str, openid: str = "o_a", path: str = "message/custom/send",
         **body: Any) -> int:
    """A customer-service text (or another API's body); returns the errcode."""
    payload = body or {"touser": openid, "msgtype": "text", "text": {"content": "你好"}}
    return int(raw(fake, path, payload, access_token=token).get("errcode", 0))


def template(openid: str = "o_a", client_msg_id: str = "", **data: str) -> dict[str, Any]:
    """A template send body."""
    values = {k: {"value": v} for k, v in (data or {"thing1": "通知"}).items()}
    return {"touser": openid, "template_id": "TPL", "data": values, "client_msg_id": client_msg_id}


def test_classic_fetch_keeps_the_previous_token_five_minutes(fake_wechat: FakeWeChat) -> None:
    first, second = classic(fake_wechat), classic(fake_wechat)
    assert first != second
    assert send(fake_wechat, first) == 0
    fake_wechat.advance(301)
    assert send(fake_wechat, first) == 40001
    assert send(fake_wechat, second) == 0
    assert fake_wechat.token_fetches == 2


def test_stable_token_is_the_same_until_forced(fake_wechat: FakeWeChat) -> None:
    first = stable(fake_wechat)["access_token"]
    assert stable(fake_wechat)["access_token"] == first
    forced = stable(fake_wechat, force=True)
    assert forced["access_token"] != first and forced["expires_in"] == 7200
    assert send(fake_wechat, first) == 40001
    assert send(fake_wechat, forced["access_token"]) == 0


def test_stable_token_expires_and_a_new_one_is_issued(fake_wechat: FakeWeChat) -> None:
    first = stable(fake_wechat)
    fake_wechat.advance(7000)
    assert stable(fake_wechat) == {"access_token": first["access_token"], "expires_in": 200}
    fake_wechat.advance(200)
    assert send(fake_wechat, first["access_token"]) == 42001
    assert stable(fake_wechat)["access_token"] != first["access_token"]


def test_forced_refreshes_are_limited_per_day(fake_wechat: FakeWeChat) -> None:
    fake_wechat.force_quota = 2
    assert [stable(fake_wechat, force=True).get("errcode", 0) for _ in range(3)] == [0, 0, 45009]
    fake_wechat.advance(DAY)
    assert "access_token" in stable(fake_wechat, force=True)


def test_bad_credentials_are_refused(fake_wechat: FakeWeChat) -> None:
    assert stable(fake_wechat, secret="nope")["errcode"] == 40125
    assert raw(fake_wechat, "token", grant_type="client_credential", appid="wx_other",
               secret=SECRET)["errcode"] == 40013
    assert fake_wechat.token_fetches == 0


@pytest.mark.parametrize(("token", "code"), [("", 41001), ("garbage", 40014),
                                             ("stable_token-9-dead", 40001)])
def test_bad_tokens_are_refused(fake_wechat: FakeWeChat, token: str, code: int) -> None:
    assert send(fake_wechat, token) == code


def test_unknown_api_and_bad_json(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    assert send(fake_wechat, token, path="no/such/api") == 48001
    answer = requests.post(f"{fake_wechat.url}/cgi-bin/message/custom/send",
                           params={"access_token": token}, data=b"{not json", timeout=2).json()
    assert answer["errcode"] == 47001


def test_template_rules(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    fake_wechat.unfollow("o_gone")
    fake_wechat.templates = {"TPL"}
    path = "message/template/send"
    assert send(fake_wechat, token, path=path, **template("o_gone")) == 43004
    assert send(fake_wechat, token, path=path, **{**template(), "template_id": "X"}) == 40037
    assert send(fake_wechat, token, path=path, **template(thing1="一" * 21)) == 47003
    assert send(fake_wechat, token, path=path, **template(thing1="两\n行")) == 47003
    assert send(fake_wechat, token, path=path, **template(thing1="一" * 20)) == 0


def test_template_client_msg_id_is_idempotent_for_ten_minutes(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    post = lambda: raw(fake_wechat, "message/template/send", template(client_msg_id="k"),
                       access_token=token)["msgid"]
    first = post()
    fake_wechat.advance(599)
    assert post() == first
    fake_wechat.advance(2)
    assert post() != first


def test_template_daily_quota(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    fake_wechat.template_quota = 2
    codes = [send(fake_wechat, token, path="message/template/send", **template(f"o_{i}"))
             for i in range(3)]
    assert codes == [0, 0, 45009]
    fake_wechat.advance(DAY)
    token = stable(fake_wechat)["access_token"]
    assert send(fake_wechat, token, path="message/template/send", **template()) == 0


def test_subscription_accounts_cannot_send_templates(fake_wechat: FakeWeChat) -> None:
    fake_wechat.account_type = "subscription"
    token = stable(fake_wechat)["access_token"]
    assert send(fake_wechat, token, path="message/template/send", **template()) == 48001


def test_custom_message_window_after_a_message(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    fake_wechat.interacted("o_a", "message")
    assert [send(fake_wechat, token) for _ in range(6)] == [0] * 5 + [45047]
    fake_wechat.interacted("o_a", "message")
    fake_wechat.advance(48 * 3600 + 1)
    assert send(fake_wechat, stable(fake_wechat)["access_token"]) == 45015


def test_custom_message_window_after_an_event(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    fake_wechat.interacted("o_a", "event")
    assert [send(fake_wechat, token) for _ in range(4)] == [0, 0, 0, 45047]
    fake_wechat.interacted("o_a", "event")
    fake_wechat.advance(61)
    assert send(fake_wechat, token) == 45015


def test_strict_windows_refuse_users_the_fake_was_not_told_about(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    fake_wechat.strict_windows = True
    assert send(fake_wechat, token, "o_unknown") == 45015
    fake_wechat.unfollow("o_gone")
    assert send(fake_wechat, token, "o_gone") == 43004


def test_subscribe_notification_refused(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    fake_wechat.refuse("o_no")
    path = "message/subscribe/bizsend"
    assert send(fake_wechat, token, path=path, **template("o_no")) == 43101
    assert send(fake_wechat, token, path=path, **template("o_yes")) == 0


def _mass(fake: FakeWeChat, client_id: str = "") -> int:
    """One mass send; returns the errcode."""
    body = {"filter": {"is_to_all": True}, "msgtype": "text", "text": {"content": "群发"},
            "clientmsgid": client_id}
    return send(fake, stable(fake)["access_token"], path="message/mass/sendall", **body)


def test_service_account_mass_sends_four_a_month(fake_wechat: FakeWeChat) -> None:
    fake_wechat.offset = 1_509_465_600 - fake_wechat.now()  # 2017-11-01 00:00 Beijing
    assert [_mass(fake_wechat, f"m{i}") for i in range(5)] == [0, 0, 0, 0, 45028]
    assert _mass(fake_wechat, "m0") == 45065  # a resend of a counted one costs nothing
    fake_wechat.advance(30 * DAY)
    assert _mass(fake_wechat, "m5") == 0


def test_subscription_account_mass_sends_once_a_day(fake_wechat: FakeWeChat) -> None:
    fake_wechat.account_type = "subscription"
    assert [_mass(fake_wechat) for _ in range(2)] == [0, 45028]
    fake_wechat.advance(DAY)
    assert _mass(fake_wechat) == 0


def test_injected_errors_apply_to_the_next_calls_only(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    fake_wechat.inject("/cgi-bin/message/custom/send", errcode=-1, times=2)
    assert [send(fake_wechat, token) for _ in range(3)] == [-1, -1, 0]
    assert [c.errcode for c in fake_wechat.calls_to("message/custom/send")] == [-1, -1, 0]
    assert len(fake_wechat.sent("message/custom/send")) == 1


def test_reset_forgets_calls_tokens_and_faults(fake_wechat: FakeWeChat) -> None:
    token = stable(fake_wechat)["access_token"]
    fake_wechat.inject("message/custom/send", errcode=45009)
    fake_wechat.reset()
    assert fake_wechat.calls == [] and fake_wechat.token_fetches == 0
    assert send(fake_wechat, token) == 40001
    assert send(fake_wechat, stable(fake_wechat)["access_token"]) == 0
