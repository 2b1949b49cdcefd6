"""The checks an operator runs before switching the bot on (`flask --app wsgi check`)."""
from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from typing import Any

import redis
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.db import alembic_config
from bot.services import Services
from bot.store import StoreUnavailable
from bot.wechat.api import PrivateTemplate
from bot.wechat.errors import BadCredentials, Transport, WeChatError
from bot.wechat.menu import MenuError, menu_buttons
from core.settings import EXAMPLE_CONFIG, Settings, TemplateSettings, config_path
from core.texts import t

TEMPLATE_KEY = re.compile(r"\{\{\s*([A-Za-z_]+[0-9]*)\.DATA\s*\}\}")
SAFE_POLICY = "noeviction"


@dataclasses.dataclass(frozen=True)
class Check:
    """One line of the preflight: what was checked, whether it passed, and what to do."""

    label: str
    ok: bool
    detail: str

    def line(self) -> str:
        """The line an operator reads."""
        mark = t("check.pass") if self.ok else t("check.fail")
        return t("check.line", mark=mark, label=self.label, detail=self.detail)


def run_checks(svc: Services) -> list[Check]:
    """Every check, in the order an operator fixes them."""
    wechat = check_wechat(svc)
    return [check_settings(svc.settings), check_database(svc), check_store(svc), wechat,
            *check_templates(svc, wechat.ok), check_menu(svc.settings)]


def check_settings(settings: Settings) -> Check:
    """The settings loaded and validated; the WeChat keys a live account needs are filled in."""
    label = t("check.settings")
    wx = settings.wechat
    missing = [f"[wechat] {key}" for key in ("token", "app_id", "app_secret")
               if not getattr(wx, key).strip()]
    if missing:
        return Check(label, False, t("check.settings.missing", keys="、".join(missing)))
    return Check(label, True, t("check.settings.ok", path=config_path() or EXAMPLE_CONFIG))


def current_revision(engine: Engine) -> str | None:
    """The schema's revision, None before init-db: one statement (alembic's own context would log
    two lines on every command), and the table looked for only when that fails."""
    with engine.connect() as conn:
        try:
            return conn.scalar(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:
            conn.rollback()
            if sa_inspect(conn).has_table("alembic_version"):
                raise
            return None


@functools.cache
def newest_revision(url: str) -> str | None:
    """The newest migration's revision (read once: the migrations do not change while we run)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def check_database(svc: Services) -> Check:
    """The database answers and its schema is at the newest migration."""
    label = t("check.database")
    try:
        current = current_revision(svc.db.engine)
    except SQLAlchemyError as exc:
        return Check(label, False, t("check.database.down", error=type(exc).__name__))
    head = newest_revision(svc.db.url)
    if current != head:
        return Check(label, False, t("check.database.behind", current=current or t("check.none"),
                                     head=head))
    return Check(label, True, t("check.database.ok", head=head))


def check_store(svc: Services) -> Check:
    """Redis answers and never evicts keys (memory:// passes, for one process only)."""
    label = t("check.store")
    if svc.settings.redis.url.startswith("memory://"):
        return Check(label, True, t("check.store.memory"))
    try:
        svc.store.redis.ping()
        policy = read_policy(svc.store.redis)
    except redis.RedisError as exc:
        return Check(label, False, t("check.store.down", error=type(exc).__name__))
    return policy_check(policy)


def read_policy(client: redis.Redis) -> str:
    """The server's maxmemory-policy, from CONFIG GET, else INFO (managed Redis may hide CONFIG)."""
    try:
        config: Mapping[Any, Any] | None = client.config_get("maxmemory-policy")
    except redis.ResponseError:
        config = None
    return eviction_policy(config, None if config else client.info("memory"))


def eviction_policy(config: Mapping[Any, Any] | None, info: Mapping[Any, Any] | None) -> str:
    """The policy named by a CONFIG GET answer, else by INFO memory; "" when neither names it."""
    for answer, key in ((config, "maxmemory-policy"), (info, "maxmemory_policy")):
        value = (answer or {}).get(key)
        if value:
            return value.decode() if isinstance(value, bytes) else str(value)
    return ""


def policy_check(policy: str) -> Check:
    """Pass noeviction only: any other policy may drop dedupe keys, locks and the token."""
    label = t("check.store")
    if policy == SAFE_POLICY:
        return Check(label, True, t("check.store.ok"))
    if not policy:
        return Check(label, False, t("check.store.unknown"))
    return Check(label, False, t("check.store.evicts", policy=policy))


def check_wechat(svc: Services) -> Check:
    """The app id and secret give an access token from this server's IP."""
    label = t("check.wechat")
    wx = svc.settings.wechat
    if not wx.app_id.strip() or not wx.app_secret.strip():  # WeChat's refusal would only confuse
        return Check(label, False, t("check.wechat.unset"))
    try:
        svc.api.tokens.fetch_now()
    except BadCredentials as exc:
        return Check(label, False, credentials_sentence(exc))
    except Transport as exc:
        return Check(label, False, t("check.wechat.down", message=exc.message))
    except WeChatError as exc:
        return Check(label, False, credentials_sentence(exc))
    except StoreUnavailable:
        return Check(label, True, t("check.wechat.unstored", app_id=svc.settings.wechat.app_id))
    return Check(label, True, t("check.wechat.ok", app_id=svc.settings.wechat.app_id))


def credentials_sentence(exc: WeChatError) -> str:
    """What a refused appid, secret or server IP means and how to fix it."""
    if exc.code in (40013, 40125, 40164):
        return t(f"wechat.credentials.{exc.code}", message=exc.message)
    return t("wechat.credentials.other", code=exc.code, message=exc.message)


def check_templates(svc: Services, token_ok: bool) -> list[Check]:
    """Every template the settings name exists in the account's list, with the mapped fields."""
    label = t("check.templates")
    wanted = {name: tpl for name, tpl in sorted(svc.settings.push.templates.items())
              if tpl.template_id.strip()}
    if not wanted:
        return [Check(label, True, t("check.templates.none"))]
    if not token_ok:
        return [Check(label, False, t("check.templates.no_token"))]
    try:
        listed = {tpl.template_id: tpl for tpl in svc.api.private_templates()}
    except WeChatError as exc:
        return [Check(label, False, t("check.templates.api_error", code=exc.code,
                                      message=exc.message))]
    except StoreUnavailable:
        return [Check(label, False, t("check.templates.no_store"))]
    return [template_check(name, tpl, listed.get(tpl.template_id))
            for name, tpl in wanted.items()]


def template_keys(content: str) -> list[str]:
    """The keys a template's content names ({{thing1.DATA}} -> thing1), in order."""
    return TEMPLATE_KEY.findall(content)


def template_check(name: str, wanted: TemplateSettings, found: PrivateTemplate | None) -> Check:
    """One configured template against the account's copy of it."""
    label = t("check.template", name=name)
    if found is None:
        return Check(label, False, t("check.template.missing", name=name, id=wanted.template_id))
    keys = template_keys(found.content)
    missing = [key for key in wanted.fields.values() if key not in keys]
    if missing:
        return Check(label, False, t("check.template.fields", name=name, missing="、".join(missing),
                                     keys="、".join(keys) or t("check.none")))
    return Check(label, True, t("check.template.ok", title=found.title,
                                fields="、".join(wanted.fields.values())))


def check_menu(settings: Settings) -> Check:
    """The configured menu is within WeChat's limits."""
    label = t("check.menu")
    try:
        buttons = menu_buttons(settings.menu)
    except MenuError as exc:
        return Check(label, False, t("check.menu.bad", error=str(exc)))
    subs = sum(len(b.get("sub_button", [])) for b in buttons)
    return Check(label, True, t("check.menu.ok", top=len(buttons), subs=subs))
