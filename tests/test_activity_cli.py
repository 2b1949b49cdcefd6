"""`activity publish | qrcode | status | export` through the real command line, WeChat faked."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from bot.services import Services
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from models import activity_rules as rules
from models.activities import Activity
from tests.support import create_user
from tests.support_activities import BEFORE, DURING, publish_item, register_people
from tests.support_contest import create_item
from tests.support_wechat import fake_settings

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def cli_app(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
            fake_wechat: FakeWeChat, clock: object) -> Flask:
    """The bot pointed at the fake, the clock five days before the activity of 2017-11-10."""
    app = app_factory(fake_settings(settings_factory, fake_wechat))
    app.extensions["youthvoice"].clock.set(BEFORE)
    return app


def run(app: Flask, *args: str) -> Result:
    """Invoke a command in the app's context, as `flask --app wsgi` does."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _svc(app: Flask) -> Services:
    return app.extensions["youthvoice"]


def test_publish_prints_the_item_and_its_terms(cli_app: Flask) -> None:
    with _svc(cli_app).db.session() as s:
        item_id = create_item(s, "青春志愿行").id
    result = run(cli_app, "activity", "publish", str(item_id), "--capacity", "40",
                 "--deadline", "2017-11-09 18:00", "--no-walk-ins", "--checkout")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == str(item_id)
    assert lines[0] == (f"活动 {item_id}“青春志愿行”已开放报名：名额 40，报名截止 2017-11-09 18:00，"
                        "现场签到 否，签退 是")
    again = run(cli_app, "activity", "publish", str(item_id), "--capacity", "50")
    assert "报名设置已更新：名额 50，报名截止 2017-11-09 18:00" in again.stdout
    with _svc(cli_app).db.session() as s:
        row = s.scalar(select(Activity))
        assert row is not None and (row.capacity, row.walk_ins, row.checkout) == (50, False, True)


@pytest.mark.parametrize("args, message", [
    (["99"], "编号为 99 的活动没有开放报名"),
    (["1", "--capacity", "0"], "名额须为正整数：0"),
    (["1", "--deadline", "明天"], "报名截止时间格式不对：明天"),
])
def test_operator_mistakes_are_one_line(cli_app: Flask, args: list[str], message: str) -> None:
    with _svc(cli_app).db.session() as s:
        create_item(s, "青春志愿行")
    status = args == ["99"]
    result = run(cli_app, "activity", "status", "99") if status else run(cli_app, "activity", "publish", *args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output + result.stderr


def test_publish_refuses_an_activity_under_review(cli_app: Flask) -> None:
    with _svc(cli_app).db.session() as s:
        item_id = create_item(s, "待审", state="pending").id
    result = run(cli_app, "activity", "publish", str(item_id))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == f"错误：活动 {item_id} 尚未通过审核，通过后才能发布报名。"


def test_qrcode_asks_wechat_for_a_temporary_code_with_the_scene(cli_app: Flask, fake_wechat: FakeWeChat,
                                                               tmp_path: Path) -> None:
    svc = _svc(cli_app)
    with svc.db.session() as s:
        activity = publish_item(s, svc, checkout=True)
        item_id, scene_in, scene_out = activity.item_id, activity.checkin_scene, activity.checkout_scene
    out = tmp_path / "checkin.png"
    result = run(cli_app, "activity", "qrcode", str(item_id), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG)
    (call,) = fake_wechat.sent("qrcode/create")
    assert call.body == {"expire_seconds": 6 * 24 * 3600 + 15 * 3600, "action_name": "QR_STR_SCENE",
                         "action_info": {"scene": {"scene_str": scene_in}}}
    assert scene_in != f"act_{item_id}" and scene_out != scene_in
    assert "有效期至 2017-11-12 00:00" in result.stdout
    result = run(cli_app, "activity", "qrcode", str(item_id), "--out", str(tmp_path / "out.png"), "--checkout")
    assert result.exit_code == 0, result.output
    body = fake_wechat.sent("qrcode/create")[-1].body or {}
    assert body["action_info"]["scene"]["scene_str"] == scene_out


def test_qrcode_failures_are_clean(cli_app: Flask, fake_wechat: FakeWeChat, tmp_path: Path) -> None:
    svc = _svc(cli_app)
    with svc.db.session() as s:
        item_id = publish_item(s, svc).item_id
    bad = run(cli_app, "activity", "qrcode", str(item_id), "--out", str(tmp_path / "x.jpg"))
    assert bad.exit_code == 1 and "二维码只能保存为 .png 文件" in bad.stderr
    no_out = run(cli_app, "activity", "qrcode", str(item_id), "--out", str(tmp_path / "o.png"), "--checkout")
    assert no_out.exit_code == 1 and f"活动 {item_id} 不需要签退" in no_out.stderr
    fake_wechat.inject("qrcode/create", errcode=45009)
    failed = run(cli_app, "activity", "qrcode", str(item_id), "--out", str(tmp_path / "q.png"))
    assert failed.exit_code == 1 and "微信接口调用失败：45009" in failed.stderr
    assert not (tmp_path / "q.png").exists()


def test_status_counts_and_the_waiting_list(cli_app: Flask) -> None:
    svc = _svc(cli_app)
    with svc.db.session() as s:
        activity = publish_item(s, svc, capacity=2, intentions=("goods",))
        users = register_people(s, activity, 4)
        rules.cancel(s, activity.item_id, users[0], BEFORE, svc.settings.activities)
        item_id = activity.item_id
    result = run(cli_app, "activity", "status", str(item_id))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "名额 2｜报名 2｜候补 1｜已取消 1"
    assert lines[2] == "签到 0（现场 0）｜签退 0"
    assert lines[3] == "评价 0 条，平均 - 分｜评论 0"
    assert lines[4] == "组织合计（重磅活动指标）：报名 2，签到 0，评论 0，大赛有效票 0"
    assert lines[5:7] == ["候补名单：", "  1. 青年3 13800000003"]
    assert lines[7] == "按实际人数核定："
    assert lines[8].startswith("✗ 文化品支持：")


def test_export_reads_back_with_chinese_headers(cli_app: Flask, tmp_path: Path) -> None:
    svc = _svc(cli_app)
    cfg = svc.settings.activities
    with svc.db.session() as s:
        activity = publish_item(s, svc, capacity=2, checkout=True)
        users = register_people(s, activity, 3)
        rules.scan(s, activity.checkin_scene, users[0], DURING, cfg)
        rules.scan(s, activity.checkout_scene, users[0], DURING + dt.timedelta(minutes=95), cfg)
        walker = register_people(s, publish_item(s, svc, "别的"), 1, "o_w")[0]
        rules.remember(s, walker, "走进来", "13900000000", BEFORE)
        rules.scan(s, activity.checkin_scene, walker, DURING, cfg)
        rules.scan(s, activity.checkin_scene, create_user(s, "o_nobody"), DURING, cfg)
        item_id = activity.item_id
    out = tmp_path / "act.xlsx"
    result = run(cli_app, "activity", "export", str(item_id), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"已导出活动 {item_id}：报名 3 行，签到 3 行，到 {out}"
    book = load_workbook(out)
    assert book.sheetnames == ["报名", "签到"]
    registrations = list(book["报名"].iter_rows(values_only=True))
    assert registrations == [("姓名", "手机", "报名时间", "状态"),
                             ("青年0", "13800000000", "2017-11-05 09:00", "已报名"),
                             ("青年1", "13800000001", "2017-11-05 09:00", "已报名"),
                             ("青年2", "13800000002", "2017-11-05 09:00", "候补")]
    checkins = list(book["签到"].iter_rows(values_only=True))
    assert checkins == [("姓名", "手机", "签到时间", "签退时间", "时长（分钟）"),
                        ("青年0", "13800000000", "2017-11-10 10:00", "2017-11-10 11:35", 95),
                        ("走进来", "13900000000", "2017-11-10 10:00", None, None),
                        ("（现场签到，未留姓名）", None, "2017-11-10 10:00", None, None)]


def test_export_refuses_another_extension(cli_app: Flask, tmp_path: Path) -> None:
    svc = _svc(cli_app)
    with svc.db.session() as s:
        item_id = publish_item(s, svc).item_id
    result = run(cli_app, "activity", "export", str(item_id), "--out", str(tmp_path / "a.csv"))
    assert result.exit_code == 1 and "只支持导出 .xlsx 文件" in result.stderr


@pytest.mark.parametrize("body, errcode", [
    ({"action_name": "QR_STR_SCENE", "action_info": {"scene": {"scene_str": "act_x"}},
      "expire_seconds": 9_999_999}, 0),
    ({"action_name": "QR_STR_SCENE", "action_info": {"scene": {"scene_str": ""}}}, 40097),
    ({"action_name": "QR_STR_SCENE", "action_info": {"scene": {"scene_str": "x" * 65}}}, 40097),
    ({"action_name": "QR_NOPE", "action_info": {"scene": {"scene_str": "act_x"}}}, 40097),
    ({"action_name": "QR_SCENE", "action_info": {"scene": {"scene_id": 0}}}, 40097),
])
def test_the_fake_checks_qrcode_create_as_wechat_does(body: dict[str, object], errcode: int) -> None:
    from bot.wechat.fake_qrcode import MAX_EXPIRE, create_qrcode

    fake = FakeWeChat()
    answer = create_qrcode(fake, {}, body)
    assert int(answer.get("errcode") or 0) == errcode
    if not errcode:
        assert answer["expire_seconds"] == MAX_EXPIRE and answer["url"].startswith("http://weixin.qq.com/q/")
        assert fake.qrcodes[answer["ticket"]]["scene"] == "act_x"


def test_publish_refuses_a_past_deadline_and_a_capacity_below_the_registered(cli_app: Flask) -> None:
    svc = _svc(cli_app)
    with svc.db.session() as s:
        item_id = create_item(s, "青春志愿行").id
    past = run(cli_app, "activity", "publish", str(item_id), "--deadline", "2017-11-05 08:59")
    assert past.exit_code == 1 and "Traceback" not in past.output
    assert "报名截止时间 2017-11-05 08:59 已经过去，请填写将来的时间。" in past.output
    with svc.db.session() as s:
        assert s.scalar(select(Activity)) is None
        activity = publish_item(s, svc, "第二个", capacity=5)
        register_people(s, activity, 3)
        second = activity.item_id
    below = run(cli_app, "activity", "publish", str(second), "--capacity", "2")
    assert below.exit_code == 1
    assert f"活动 {second} 已有 3 人报名，名额不能改为少于 3（2）；已报名的人不会被取消。" in below.output
    same = run(cli_app, "activity", "publish", str(second), "--capacity", "3")
    assert same.exit_code == 0 and "名额 3" in same.output
    twice = run(cli_app, "activity", "publish", str(second))
    assert twice.exit_code == 0
    assert twice.stdout.splitlines()[0].startswith(f"活动 {second}“第二个”已经开放报名，设置未改变：名额 3，")
