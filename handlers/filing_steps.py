"""The filing dialog's questions, as data: one Step per column of the 申请意向表.

Each parser takes the answer, the context and the activity so far, and returns a JSON value or
raises Invalid with a specific re-prompt and an example.
"""
from __future__ import annotations

import datetime as dt
import re
import warnings

import cn2an

from bot.context import Ctx
from bot.dialog import Invalid, Prompt, State, Step
from core.texts import t
from handlers.filing_time import examples, normalise, parse_time, weekday_name
from models.filing import ActivityType, Intention, scale_text
from models.orgs import Organisation, orgs_of
from models.support import support_name
from models.towns import resolve_town

ORG_CLIP = 16  # summaries must fit one 2048-byte reply
ONLINE_WORDS = {"线上", "网上", "在线", "online"}
TYPE_WORDS = {"1": ActivityType.OFFLINE, "线下": ActivityType.OFFLINE, "线下活动": ActivityType.OFFLINE,
              "2": ActivityType.ONLINE_TOPIC, "线上": ActivityType.ONLINE_TOPIC,
              "话题": ActivityType.ONLINE_TOPIC, "线上互动话题": ActivityType.ONLINE_TOPIC}
INTENTIONS = list(Intention)  # numbered 1..5 in the form's order
URL = re.compile(r"^https?://\S+$")
SCALE_NOISE = re.compile(r"^(约|大约|预计|大概|计划|共)|(人次|人|名|位|左右|以上|余)+$")
SCALE_RANGE = re.compile(r"\s*(?:-|~|～|—|–|至|到)\s*")


def org_value(org: Organisation) -> dict[str, object]:
    """How the draft remembers its organisation."""
    return {"id": org.id, "name": org.name}


def org_name(ctx: Ctx, state: State) -> str:
    """The name of the organisation the draft is for."""
    name = str(state["head"]["org"]["name"])
    return name if len(name) <= ORG_CLIP else name[:ORG_CLIP] + "…"


def prompt_org(ctx: Ctx, state: State) -> str:
    """Which of the user's organisations files."""
    lines = [f"{i}. {org.name}" for i, org in enumerate(orgs_of(ctx.session, ctx.user), start=1)]
    return t("filing.ask.org", orgs="\n".join(lines))


def parse_org(text: str, ctx: Ctx, head: State) -> dict[str, object]:
    """A number from the list of the user's organisations."""
    orgs = orgs_of(ctx.session, ctx.user)
    if not text.isdigit() or not 1 <= int(text) <= len(orgs):
        raise Invalid(t("filing.invalid.org", count=len(orgs)))
    return org_value(orgs[int(text) - 1])


def default_town(ctx: Ctx, state: State) -> str:
    """The organisation's own town."""
    org = ctx.session.get(Organisation, state["head"]["org"]["id"])
    return org.town if org else ""


def prompt_town(ctx: Ctx, state: State) -> str:
    """镇街, offering the organisation's town."""
    return t("filing.ask.town", town=default_town(ctx, state))


def parse_town(text: str, ctx: Ctx, record: State) -> str:
    """A town or street of Dongguan, fuzzily: 石龙镇 = 石龙."""
    town = resolve_town(text, ctx.settings.data.towns_file)
    if town is None:
        raise Invalid(t("filing.invalid.town", text=text[:20]))
    return town


def parse_name(text: str, ctx: Ctx, record: State) -> str:
    """活动名称: not empty, not too long."""
    return _bounded(text, ctx.settings.filing.name_max_chars, "filing.invalid.name")


def parse_when(text: str, ctx: Ctx, record: State) -> dict[str, str | None]:
    """活动时间: free Chinese text inside the campaign's window; relative days from today."""
    return parse_time(text, ctx.settings.campaign, ctx.now.date())


def parse_location(text: str, ctx: Ctx, record: State) -> str:
    """活动地点: a place, or 线上 for online topics."""
    if text.casefold() in ONLINE_WORDS:
        if record.get("type") == ActivityType.OFFLINE:
            raise Invalid(t("filing.invalid.location_online"))
        return "线上"
    return _bounded(text, ctx.settings.filing.location_max_chars, "filing.invalid.location")


def parse_scale(text: str, ctx: Ctx, record: State) -> int | dict[str, int]:
    """活动规模: "200", "两百人", "约150人", or a range "150-200人" ({"low", "high"}; high is planned)."""
    core = normalise(text).replace(",", "").strip()
    parts = SCALE_RANGE.split(_strip_noise(core), maxsplit=1)
    numbers = [_whole(part, ctx) for part in parts]
    if len(numbers) == 1 or numbers[0] == numbers[1]:
        return numbers[0]
    if numbers[0] > numbers[1]:
        raise Invalid(t("filing.invalid.scale_order", low=numbers[1], high=numbers[0]))
    return {"low": numbers[0], "high": numbers[1]}


def _strip_noise(text: str) -> str:
    """The number without the words people put around it (约, 人, 左右)."""
    for _ in range(2):  # "约150余人": a word on each side, and a suffix of suffixes
        text = SCALE_NOISE.sub("", text).strip()
    return text


def _whole(text: str, ctx: Ctx) -> int:
    """One head count: a whole number from 1 to the limit (3.5 is refused, not cut to 3)."""
    limit = ctx.settings.filing.scale_max
    value = _number(_strip_noise(text))
    if value is not None and value != int(value):
        raise Invalid(t("filing.invalid.scale_whole", text=text[:10], max=limit))
    if value is None or not 1 <= value <= limit:
        raise Invalid(t("filing.invalid.scale", max=limit))
    return int(value)


def _number(text: str) -> float | None:
    """Digits, or numbers cn2an reads whole ("1万" -> 10000, "1.5万" -> 15000); None otherwise."""
    if text.isdigit():
        return int(text)
    if not text or text.startswith("-"):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(cn2an.cn2an(text, "smart"))
        except (ValueError, KeyError):
            return None


def parse_type(text: str, ctx: Ctx, record: State) -> str:
    """活动类型: 1 线下活动 / 2 线上互动话题."""
    kind = TYPE_WORDS.get(text.strip())
    if kind is None:
        raise Invalid(t("filing.invalid.type"))
    if kind == ActivityType.OFFLINE and record.get("location") == "线上":
        raise Invalid(t("filing.invalid.type_online"))
    return kind.value


def parse_description(text: str, ctx: Ctx, record: State) -> str:
    """活动简介: between the minimum and the maximum length."""
    rules = ctx.settings.filing
    if len(text) < rules.description_min_chars:
        raise Invalid(t("filing.invalid.description_short", min=rules.description_min_chars))
    if len(text) > rules.description_max_chars:
        raise Invalid(t("filing.invalid.description_long", max=rules.description_max_chars, n=len(text)))
    return text


def parse_plan(text: str, ctx: Ctx, record: State) -> str:
    """方案链接: an http(s) link."""
    if not URL.match(text) or len(text) > 500:
        raise Invalid(t("filing.invalid.plan"))
    return text


def parse_intentions(text: str, ctx: Ctx, record: State) -> list[str]:
    """申请意向 by numbers: "1,3", "1 3", "1、3"."""
    tokens = [x for x in re.split(r"[\s,，、;；/和]+", normalise(text)) if x]
    if not tokens or not all(x.isdigit() and 1 <= int(x) <= len(INTENTIONS) for x in tokens):
        raise Invalid(t("filing.invalid.intentions", count=len(INTENTIONS)))
    chosen = {int(x) for x in tokens}
    return [INTENTIONS[i - 1].value for i in sorted(chosen)]


def _bounded(text: str, limit: int, key: str) -> str:
    """Free text of at most `limit` characters."""
    if not text or len(text) > limit:
        raise Invalid(t(key, max=limit))
    return text


def show_type(value: str) -> str:
    """An activity type's label."""
    return t(f"filing.type.{value}")


def show_intentions(value: list[str]) -> str:
    """Intentions by their one name each, as the form has them, joined."""
    return "、".join(support_name(v) for v in value)


def show_time(value: dict[str, str]) -> str:
    """The normalised activity time; one day also gets its weekday, to check 下周三 and the like."""
    if value["start"] != value["end"]:
        return value["text"]
    return f"{value['text']} {weekday_name(dt.date.fromisoformat(value['start']))}"


def show_scale(value: int | dict[str, int]) -> str:
    """The planned scale as given: 200人 or 150-200人."""
    return t("filing.scale.shown", scale=scale_text(value))


def _prompt(key: str) -> Prompt:
    """A prompt from the catalog, with the numbers and examples it mentions."""
    return lambda ctx, state: t(key, **_limits(ctx))


def _limits(ctx: Ctx) -> dict[str, object]:
    """The numbers the prompts mention; the time examples come from the campaign's window."""
    f, c = ctx.settings.filing, ctx.settings.campaign
    return {"name_max": f.name_max_chars, "desc_max": f.description_max_chars,
            "start": c.activities_from.isoformat(), "end": c.activities_to.isoformat(),
            **examples(c, ctx.now.date()),
            "options": "\n".join(f"{i}. {support_name(x)}" for i, x in enumerate(INTENTIONS, start=1))}


HEAD = (Step("org", "组织", prompt_org, parse_org, show=lambda v: str(v["name"])),)
STEPS = (
    Step("town", "镇街", prompt_town, parse_town, default=default_town),
    Step("name", "活动名称", _prompt("filing.ask.name"), parse_name, clip=20,
         free_text=True),
    Step("time", "活动时间", _prompt("filing.ask.time"), parse_when, show=show_time),
    Step("location", "活动地点", _prompt("filing.ask.location"), parse_location, clip=16,
         free_text=True),
    Step("scale", "活动规模", _prompt("filing.ask.scale"), parse_scale, show=show_scale),
    Step("type", "活动类型", _prompt("filing.ask.type"), parse_type, show=show_type),
    Step("description", "活动简介", _prompt("filing.ask.description"), parse_description, clip=12,
         free_text=True),
    Step("plan", "方案链接", _prompt("filing.ask.plan"), parse_plan, optional=True, clip=24),
    Step("intentions", "申请意向", _prompt("filing.ask.intentions"), parse_intentions,
         show=show_intentions),
)
