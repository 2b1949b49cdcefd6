"""Settings: the example runs as is; missing or malformed keys are named."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.settings import EXAMPLE_CONFIG, SettingsError, load_settings, read_toml, settings_from_dict


def _without(data: dict, section: str, key: str) -> dict:
    copy = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    del copy[section][key]
    return copy


def test_example_config_loads_with_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick start runs on config.example.toml unchanged."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings = load_settings(EXAMPLE_CONFIG)
    assert settings.database.url.startswith("sqlite:///") and settings.redis.url == "memory://"
    assert settings.scheduler.timezone == "Asia/Shanghai" and not settings.safe_mode


def test_environment_overrides_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """DATABASE_URL and REDIS_URL win over the file."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("REDIS_URL", "redis://h:6379/2")
    settings = load_settings(EXAMPLE_CONFIG)
    assert (settings.database.url, settings.redis.url) == ("postgresql://u@h/db", "redis://h:6379/2")


def test_youthvoice_config_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$YOUTHVOICE_CONFIG picks the file."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8").replace('token = "youthvoice"', 'token = "from-env-file"')
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("YOUTHVOICE_CONFIG", str(tmp_path / "c.toml"))
    assert load_settings().wechat.token == "from-env-file"


@pytest.mark.parametrize("section,key", [("wechat", "token"), ("database", "url"), ("redis", "url"),
                                         ("admins", "openids"), ("scheduler", "mode"),
                                         ("accounts", "dedupe_ttl_seconds")])
def test_missing_key_is_named(section: str, key: str) -> None:
    """Start-up stops and names the missing key."""
    with pytest.raises(SettingsError, match=f"缺少设置项 {section}.{key}$"):
        settings_from_dict(_without(read_toml(EXAMPLE_CONFIG), section, key))


@pytest.mark.parametrize("section,key,value,message", [
    ("wechat", "token", 5, r"设置项 wechat.token 应为文字（加英文引号，例如 \"abc\"）"),
    ("admins", "openids", "o_1", "设置项 admins.openids 应为列表"),
    ("scheduler", "mode", "sometimes", "设置项 scheduler.mode 只能取 embedded | external | off"),
    ("wechat", "encoding_aes_key", "short", "设置项 wechat.encoding_aes_key 应为 43 个字符"),
    ("accounts", "binding_max_failures_per_hour", True, "设置项 accounts.binding_max_failures_per_hour 应为整数"),
    ("wechat", "reply_deadline_seconds", "4", "设置项 wechat.reply_deadline_seconds 应为数字"),
    ("campaign", "filing_opens", 20171110, "设置项 campaign.filing_opens 应为日期 YYYY-MM-DD"),
])
def test_malformed_key_is_named(section: str, key: str, value: object, message: str) -> None:
    """Start-up stops and names the malformed key."""
    data = read_toml(EXAMPLE_CONFIG)
    data[section][key] = value
    with pytest.raises(SettingsError, match=message):
        settings_from_dict(data)


def test_broken_toml_is_reported(tmp_path: Path) -> None:
    """A file that is not TOML says so, with its path."""
    (tmp_path / "bad.toml").write_text("[wechat\ntoken=", encoding="utf-8")
    with pytest.raises(SettingsError, match=re.escape("bad.toml 第 1 行第 8 列附近不是有效的 TOML")):
        load_settings(tmp_path / "bad.toml")


def test_flask_refuses_to_start_with_a_bad_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """create_app() with a bad settings file fails loudly, naming the key."""
    from bot.app import create_app

    text = EXAMPLE_CONFIG.read_text(encoding="utf-8").replace('mode = "embedded"', 'mode = 3')
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("YOUTHVOICE_CONFIG", str(tmp_path / "c.toml"))
    with pytest.raises(SettingsError, match=re.escape("scheduler.mode")):
        create_app()
