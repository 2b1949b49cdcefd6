"""The fake's follower APIs: user/get (pages of 10,000 openids) and user/info/batchget (100 a call)."""
from __future__ import annotations

from typing import Any

from bot.wechat.fake_state import FakeFollower, FakeWeChat

Answer = dict[str, Any]
BATCH_LIMIT = 100


def user_get(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """GET /cgi-bin/user/get: the followers after next_openid, in follow order."""
    cursor = query.get("next_openid") or ""
    if cursor and cursor not in fake.follow_position:
        return {"errcode": 40003, "errmsg": "invalid openid"}
    start = fake.follow_position[cursor] + 1 if cursor else 0
    page: list[str] = []
    for openid in fake.follow_order[start:]:
        if openid in fake.followers:
            page.append(openid)
            if len(page) == fake.page_size:
                break
    answer: Answer = {"total": len(fake.followers), "count": len(page)}
    if not page:
        return {**answer, "next_openid": ""}  # WeChat's end: a page without `data`
    return {**answer, "data": {"openid": page}, "next_openid": page[-1]}


def _info(fake: FakeWeChat, openid: str) -> Answer:
    """One user_info_list item: the full record of a follower, subscribe=0 for an unfollower."""
    follower: FakeFollower | None = fake.followers.get(openid)
    if follower is None:
        return {"subscribe": 0, "openid": openid, "tagid_list": []}
    return {"subscribe": 1, "openid": openid, "language": "zh_CN",
            "subscribe_time": follower.subscribe_time, "remark": "", "groupid": 0,
            "tagid_list": [], "subscribe_scene": follower.subscribe_scene,
            "qr_scene": 0, "qr_scene_str": follower.qr_scene_str}


def user_batchget(fake: FakeWeChat, query: dict[str, str], body: Answer | None) -> Answer:
    """POST /cgi-bin/user/info/batchget: 1 to 100 openids that belong to this account."""
    items = (body or {}).get("user_list")
    if not isinstance(items, list) or not 0 < len(items) <= BATCH_LIMIT:
        return {"errcode": 40032, "errmsg": "invalid openid list size"}
    openids = [str(item.get("openid") or "") if isinstance(item, dict) else "" for item in items]
    if any(openid not in fake.follow_position for openid in openids):
        return {"errcode": 40003, "errmsg": "invalid openid"}
    return {"user_info_list": [_info(fake, openid) for openid in openids]}
