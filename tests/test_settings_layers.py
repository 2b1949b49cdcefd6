"""The operator's file over the defaults: a minimal file starts, typos and contradictions are refused.

Every refusal is one Chinese line naming the key; commands started with bad settings print that
line on stderr and exit 1, never a traceback.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_app
from core.settings import (
    EXAMPLE_CONFIG,
    PROJECT_ROOT,
    SettingsError,
    defaults,
    load_settings,
    merge,
    settings_from_dict,
)
from core.settings_checks import cron_values

MINIMAL = """\
[wechat]
token = "prod-token"
app_id = "wx1234567890abcdef"
app_secret = "prod-secret"

[admins]
openids = ["o_admin"]

[campaign]
filing_opens = 2026-03-01
filing_deadline = 2026-03-20
activities_from = 2026-03-01
activities_to = 2026-06-30

[console]
secret_key = "prod-console-secret-0123456789abcdef"
"""


def _load_text(tmp_path: Path, text: str) -> Any:
    """Load settings from an operator's file with this text."""
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path / "config.toml")


def _with(**sections: dict[str, Any]) -> Any:
    """The defaults with sections changed, validated."""
    return settings_from_dict(merge(defaults(), sections))


@pytest.fixture()
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No URL overrides from the environment of the test run."""
    for name in ("DATABASE_URL", "REDIS_URL", "YOUTHVOICE_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def test_minimal_file_is_laid_over_the_defaults(tmp_path: Path, no_env: None) -> None:
    """Only what the operator changed differs from the defaults; the rest is documented default."""
    s = _load_text(tmp_path, MINIMAL)
    assert (s.wechat.token, s.wechat.app_id, s.wechat.app_secret) == (
        "prod-token", "wx1234567890abcdef", "prod-secret")
    assert s.admins.openids == ["o_admin"]
    assert str(s.campaign.filing_deadline) == "2026-03-20"
    assert s.wechat.api_base_url == "https://api.weixin.qq.com" and s.contest.winners == 10
    assert s.push.templates["contest_result"].fields["project"] == "thing1"


def test_no_file_runs_on_the_defaults(tmp_path: Path, no_env: None,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Without $YOUTHVOICE_CONFIG or ./config.toml the embedded defaults are used as they are."""
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert s.wechat.token == "youthvoice" and s.database.url == "sqlite:///instance/youthvoice.db"


def test_a_template_of_the_operator_keeps_the_default_fields(tmp_path: Path, no_env: None) -> None:
    """Setting a template's id alone keeps its documented field mapping; a new template name is free."""
    s = _load_text(tmp_path, MINIMAL + '[push.templates.review_result]\ntemplate_id = "T-REVIEW"\n'
                   '[push.templates.my_notice]\ntemplate_id = "T-MINE"\n')
    assert s.push.templates["review_result"].template_id == "T-REVIEW"
    assert s.push.templates["review_result"].fields == {"thing1": "thing1", "phrase2": "phrase2",
                                                        "thing3": "thing3"}
    assert s.push.templates["my_notice"].template_id == "T-MINE"


def test_minimal_file_builds_the_app(tmp_path: Path, no_env: None, db_url: str, store_url: str) -> None:
    """The app starts from the minimal file (on the test backends)."""
    from bot.app import create_app

    (tmp_path / "config.toml").write_text(MINIMAL, encoding="utf-8")
    app = create_app(load_settings(tmp_path / "config.toml",
                                   {"database": {"url": db_url}, "redis": {"url": store_url}}))
    services = app.extensions["youthvoice"]
    try:
        assert services.settings.wechat.token == "prod-token"
        assert app.test_client().get("/wechat").status_code in (400, 403)
    finally:
        services.close()


def _flask(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`flask --app wsgi ARGS` run from tmp_path, whose ./config.toml it reads."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "YOUTHVOICE_CONFIG")}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_init_db_runs_with_the_minimal_file(tmp_path: Path) -> None:
    """`flask --app wsgi init-db` with only the minimal ./config.toml migrates the default database."""
    (tmp_path / "config.toml").write_text(MINIMAL, encoding="utf-8")
    done = _flask(tmp_path, "init-db")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "instance" / "youthvoice.db").stat().st_size > 0


@pytest.mark.parametrize(("old", "new", "line"), [
    ('token = "prod-token"', 'tokne = "prod-token"',
     "设置错误：未知的设置项 wechat.tokne，是否想写 wechat.token？"),
    ("[admins]", "[scheduler]\nmode = 3\n[admins]", "设置错误：设置项 scheduler.mode 应为文字（加英文引号，例如 "
                                                    "\"abc\"）"),
    ("[admins]", '[reminders]\nfiling_deadline = "2026-03-20"\n[admins]',
     ("设置错误：设置项 reminders.filing_deadline 已移至 campaign.filing_deadline，"
      "请删除 reminders.filing_deadline 并改写 campaign.filing_deadline")),
    ("filing_opens = 2026-03-01", "filing_opens = 2026-03-21",
     "设置错误：设置项 campaign.filing_deadline（2026-03-20）早于 campaign.filing_opens（2026-03-21）"),
])
@pytest.mark.parametrize("command", [("init-db",), ("scheduler", "status")])
def test_commands_with_bad_settings_print_one_line_and_exit_1(tmp_path: Path, old: str, new: str,
                                                              line: str, command: tuple[str, ...]) -> None:
    """Any command started with bad settings: one line on stderr, exit status 1, no traceback."""
    (tmp_path / "config.toml").write_text(MINIMAL.replace(old, new, 1), encoding="utf-8")
    done = _flask(tmp_path, *command)
    assert done.returncode == 1
    assert done.stderr == line + "\n"
    assert "Traceback" not in done.stdout and not (tmp_path / "instance").exists()


@pytest.mark.parametrize(("text", "where"), [
    ("[wechat\ntoken = ", "第 1 行第 8 列"),
    ('[campaign]\nfiling_deadline = 2026-12-40\n', "第 2 行第 23 列"),
    ('[wechat]\ntoken = "x\n', "第 2 行第 11 列"),
])
def test_a_broken_file_is_one_chinese_line_too(tmp_path: Path, text: str, where: str) -> None:
    """TOML that does not parse: one Chinese line with the file and the place (tomllib's text is English)."""
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    done = _flask(tmp_path, "init-db")
    assert done.returncode == 1
    assert done.stderr == (f"设置错误：设置文件 {tmp_path / 'config.toml'} {where}附近不是有效的 TOML："
                           "请检查引号、方括号、等号和日期（写作 YYYY-MM-DD）\n")


@pytest.mark.parametrize(("text", "message"), [
    ('[wechat]\ntokne = "x"\n', "未知的设置项 wechat.tokne，是否想写 wechat.token？"),
    ("[wechta]\ntoken = 'x'\n", r"未知的设置段 \[wechta\]，是否想写 \[wechat\]？"),
    ("[nonsense]\nx = 1\n", r"未知的设置段 \[nonsense\]$"),
    ("[contest]\nwinnners = 5\n", "未知的设置项 contest.winnners，是否想写 contest.winners？"),
    ("[campaign]\nzzz = 1\n", "未知的设置项 campaign.zzz$"),
    ('[scheduler.jobs]\nexperts_montly = "30 1 * * *"\n',
     "未知的定时任务 scheduler.jobs.experts_montly，是否想写 scheduler.jobs.experts_monthly？"),
    ('[scheduler.jobs]\nbackup = "0 3 * * *"\n',
     "未知的定时任务 scheduler.jobs.backup，已知任务：activity_erase、activity_rate_invites、activity_reminders、"
     "announce、"),
    ('[push.templates.my_notice]\ntemplate_idd = "T"\n',
     "未知的设置项 push.templates.my_notice.template_idd，是否想写 push.templates.my_notice.template_id？"),
    ('[push.templates.contest_result]\nfeilds = {}\n',
     "未知的设置项 push.templates.contest_result.feilds，是否想写 push.templates.contest_result.fields？"),
    ('[[menu.button]]\nnmae = "x"\n', r"未知的设置项 menu.button\[0\].nmae，是否想写 menu.button\[0\].name？"),
    ('[reminders]\nfiling_deadline = 2026-03-20\n', "reminders.filing_deadline 已移至 campaign.filing_deadline"),
])
def test_unknown_keys_are_refused_with_the_closest_known(tmp_path: Path, no_env: None, text: str,
                                                         message: str) -> None:
    """A typo is named with the key meant; a stale key says where it moved."""
    with pytest.raises(SettingsError, match=message):
        _load_text(tmp_path, text)


@pytest.mark.parametrize(("sections", "message"), [
    ({"campaign": {"filing_opens": "2026-03-21"}},
     r"设置项 campaign.filing_deadline（2017-11-17）早于 campaign.filing_opens（2026-03-21）"),
    ({"campaign": {"activities_from": "2018-01-01"}},
     r"设置项 campaign.activities_to（2017-12-31）早于 campaign.activities_from（2018-01-01）"),
    ({"contest": {"voting_opens_day": 20, "voting_closes_day": 19}},
     r"contest.voting_closes_day（19）早于 contest.voting_opens_day（20）"),
    ({"support": {"goods_ratio": 1.5}}, "设置项 support.goods_ratio 应在 0 到 1 之间，现为 1.5"),
    ({"support": {"goods_ratio": -0.01}}, "设置项 support.goods_ratio 应在 0 到 1 之间，现为 -0.01"),
    ({"contest": {"judges_weight": 1.01}}, "设置项 contest.judges_weight 应在 0 到 1 之间，现为 1.01"),
    ({"contest": {"judges_weight": -0.5}}, "设置项 contest.judges_weight 应在 0 到 1 之间，现为 -0.5"),
    ({"scheduler": {"timezone": "Asia/Dongguan"}}, "设置项 scheduler.timezone 不是已知的时区"),
    ({"scheduler": {"jobs": {"announce": "0 25 1 * *"}}},
     r"^设置项 scheduler.jobs.announce（“0 25 1 \* \*”）不是有效的 crontab（分 时 日 月 周）：时（0-23）"
     r"“25”超出范围或写法不对$"),
    ({"scheduler": {"jobs": {"announce": "0 9 1 *"}}},
     r"^设置项 scheduler.jobs.announce（“0 9 1 \*”）不是有效的 crontab（分 时 日 月 周）：应有 5 段，现为 4 段$"),
    ({"scheduler": {"jobs": {"announce": "0 9 1 * monday"}}},
     r"^设置项 scheduler.jobs.announce（“0 9 1 \* monday”）不是有效的 crontab（分 时 日 月 周）："
     r"周（0-6 或 mon-sun）“monday”超出范围或写法不对$"),
    ({"wechat": {"token": 5}}, r'^设置项 wechat.token 应为文字（加英文引号，例如 "abc"）$'),
    ({"contest": {"winners": "10"}}, r"^设置项 contest.winners 应为整数$"),
])
def test_contradictions_are_refused_with_the_key(sections: dict[str, Any], message: str) -> None:
    """Windows ending before they start, ratios outside 0..1, impossible times."""
    with pytest.raises(SettingsError, match=message):
        _with(**sections)


@pytest.mark.parametrize(("sections", "ok"), [
    ({"campaign": {"filing_opens": "2017-11-17"}}, True),       # a one-day window
    ({"contest": {"voting_opens_day": 20, "voting_closes_day": 20}}, True),
    ({"contest": {"voting_opens_day": 28, "voting_closes_day": 0}}, True),   # 0 = the month's last day
    ({"support": {"goods_ratio": 0.0}}, True),
    ({"support": {"goods_ratio": 1.0}}, True),
])
def test_edges_of_the_cross_checks_pass(sections: dict[str, Any], ok: bool) -> None:
    """Equal ends and the ends of 0..1 are allowed."""
    assert bool(_with(**sections)) is ok


REFERENCES = [("announce", "result_template"), ("announce", "subscriber_template"),
              ("filing", "review_template"), ("experts", "month_template"),
              ("experts", "quarter_template"), ("reminders", "template"),
              ("push", "late_reply_template"), ("push", "alert_template"),
              ("contest", "alert_template")]


@pytest.mark.parametrize(("section", "key"), REFERENCES)
def test_a_template_referenced_but_not_defined_is_refused(section: str, key: str) -> None:
    """Each reference names a template that exists under [push.templates]."""
    with pytest.raises(SettingsError, match=f"设置项 {section}.{key} 引用的模板“no_such”没有在 "
                                            r"\[push.templates.no_such\] 中定义"):
        _with(**{section: {key: "no_such"}})


def test_every_template_the_defaults_reference_is_defined() -> None:
    """review_result, expert_month and expert_quarter are defined; an empty reference sends nothing."""
    s = _with(push={"alert_template": "platform_alert"})
    assert {"review_result", "expert_month", "expert_quarter"} <= set(s.push.templates)
    assert _with(announce={"subscriber_template": ""}).announce.subscriber_template == ""


@pytest.mark.parametrize(("jobs", "experts", "message"), [
    ({"experts_monthly": "30 1 1 * *"}, {"evaluate_day": 3},
     (r"设置项 scheduler.jobs.experts_monthly（“30 1 1 \* \*”）只在每月 1 日运行，早于 "
      r"experts.evaluate_day = 3，永远不会执行")),
    ({"experts_monthly": "30 1 1,2 * *"}, {"evaluate_day": 3}, "只在每月 1,2 日运行"),
    ({"experts_quarterly": "0 2 1 1,4,7,10 *"}, {"quarter_day": 5},
     r"scheduler.jobs.experts_quarterly（“0 2 1 1,4,7,10 \*”）只在每月 1 日运行，早于 experts.quarter_day = 5"),
    ({"experts_quarterly": "0 2 1-4 */3 *"}, {"quarter_day": 5}, "只在每月 1,2,3,4 日运行"),
])
def test_job_days_that_never_meet_their_day_settings_are_refused(jobs: dict[str, str],
                                                                 experts: dict[str, int],
                                                                 message: str) -> None:
    """The expert jobs must fire on a day their own day settings let them work."""
    with pytest.raises(SettingsError, match=message):
        _with(scheduler={"jobs": jobs}, experts=experts)


@pytest.mark.parametrize(("jobs", "experts"), [
    ({"experts_monthly": "30 1 3 * *"}, {"evaluate_day": 3}),          # the day itself
    ({"experts_monthly": "30 1 1,15 * *"}, {"evaluate_day": 3}),
    ({"experts_monthly": ""}, {"evaluate_day": 3}),                    # switched off
    ({"experts_quarterly": "0 2 5 1,4,7,10 *"}, {"quarter_day": 5}),
    ({"experts_quarterly": "0 2 1 2,5,8,11 *"}, {"quarter_day": 28}),  # a quarter's second month
    ({"experts_monthly": "30 1 last * *"}, {"evaluate_day": 28}),          # not provable: left to run
])
def test_job_days_that_can_meet_their_day_settings_pass(jobs: dict[str, str],
                                                        experts: dict[str, int]) -> None:
    """Times that reach the day are accepted."""
    assert _with(scheduler={"jobs": jobs}, experts=experts).scheduler.jobs


def test_the_default_expert_jobs_run_on_their_days() -> None:
    """The shipped defaults satisfy evaluate_day and quarter_day (they used to never run)."""
    jobs = settings_from_dict(defaults()).scheduler.jobs
    assert cron_values(jobs["experts_monthly"].split()[2], 1, 31) == set(range(1, 32))
    assert cron_values(jobs["experts_quarterly"].split()[2], 1, 31) == set(range(1, 32))


@pytest.mark.parametrize(("field", "values"), [
    ("*", set(range(1, 32))), ("5", {5}), ("1,15", {1, 15}), ("1-3", {1, 2, 3}),
    ("*/10", {1, 11, 21, 31}), ("10-20/5", {10, 15, 20}), ("3/14", {3, 17, 31}),
    ("L", None), ("last", None), ("1,x", None),
])
def test_crontab_day_field(field: str, values: set[int] | None) -> None:
    """The day-of-month field's numbers, None when it is not plain numbers."""
    assert cron_values(field, 1, 31) == values


def test_the_example_has_no_reminder_deadline_of_its_own() -> None:
    """One filing deadline: the reminders use [campaign] filing_deadline."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    reminders = text.split("[reminders]")[1].split("\n[")[0]
    assert "filing_deadline" not in reminders.split("#")[0] and "days_before" in reminders


def test_a_command_on_the_embedded_defaults_prints_its_own_line_alone(tmp_path: Path) -> None:
    """No config file at all (the quick start: SQLite and memory://): a command's one Chinese
    line comes alone, without the start's notices for whoever runs the server."""
    done = _flask(tmp_path, "contest", "status", "2017-11")
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("错误：数据库："), done.stderr


def test_the_quick_starts_notices_are_said_at_the_first_request_once(
        tmp_path: Path, no_env: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The server still hears that memory:// is for one process and that console sessions end on
    restart: once, when it first serves; not at the second request."""
    monkeypatch.chdir(tmp_path)  # the embedded defaults' SQLite file goes here
    with caplog.at_level(logging.WARNING):
        app = create_app()
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        client = app.test_client()
        client.get("/healthz")
        said = [r.getMessage() for r in caplog.records]
        client.get("/healthz")
    assert [m.split(":")[0] for m in said] == ["store", "console"]
    assert [r.getMessage() for r in caplog.records] == said
    app.extensions["youthvoice"].close()
