"""督导: a supervisor reads the platform data of the towns they supervise."""
from __future__ import annotations

from bot.context import BotError, Ctx, Incoming, Reply
from core.texts import t
from handlers import activities
from models import supervision as sv
from models.filing import Intention, ReviewState
from models.orgs import OrgKind
from models.towns import resolve_town


def refuse(msg: Incoming, ctx: Ctx) -> Reply:
    """督导 from a follower who supervises no town: say how to bind."""
    return Reply(text=t("supervisor.not_bound"))


def data(msg: Incoming, ctx: Ctx) -> Reply:
    """督导 [镇街]: one town's detail, or a line per town when several are supervised."""
    towns = sv.towns_of(ctx.session, ctx.user)
    if not towns:  # the role is read once per message; be safe if the row has gone since
        return refuse(msg, ctx)
    asked = msg.text.removeprefix("督导").strip() if msg.type == "text" else ""
    if asked:
        return Reply(text=detail(ctx, _town_of(ctx, asked, towns)))
    if len(towns) == 1:
        return Reply(text=detail(ctx, towns[0]))
    return Reply(text=summary(ctx, towns))


def _town_of(ctx: Ctx, asked: str, towns: list[str]) -> str:
    """The supervised town the text names; BotError otherwise."""
    town = resolve_town(asked, ctx.settings.data.towns_file)
    if town is None:
        raise BotError(t("supervisor.unknown_town", text=asked[:20], towns="、".join(towns)))
    if town not in towns:
        raise BotError(t("supervisor.not_yours", town=town, towns="、".join(towns)))
    return town


def _time(ctx: Ctx) -> str:
    return f"{ctx.now:%Y-%m-%d %H:%M}"


def summary(ctx: Ctx, towns: list[str]) -> str:
    """One line per supervised town, then how to ask for one town's detail."""
    lines = [t("supervisor.summary.head", n=len(towns), time=_time(ctx))]
    for town in towns:
        items = sv.campaign_items(ctx.session, town, ctx.settings.campaign)
        orgs, filings = sv.org_figures(ctx.session, town), sv.filing_figures(items)
        game = sv.contest_figures(ctx.session, town, ctx.now, ctx.settings)
        lines.append(t("supervisor.summary.line", town=town, orgs=orgs.total, bound=orgs.with_admin,
                       activities=filings.activities, pending=filings.by_state[ReviewState.PENDING],
                       entries=len(game.entries) if game else 0, votes=game.votes if game else 0,
                       unfiled=len(sv.unfiled_orgs(ctx.session, town, items))))
    return "\n".join(lines + [t("supervisor.summary.foot", town=towns[0])])


def detail(ctx: Ctx, town: str) -> str:
    """Every figure of one town, the names of organisations that have not filed last."""
    items = sv.campaign_items(ctx.session, town, ctx.settings.campaign)
    lines = [t("supervisor.head", town=town, time=_time(ctx)), _orgs_line(sv.org_figures(ctx.session, town)),
             _filings_line(ctx, sv.filing_figures(items))]
    lines += _support_lines(sv.support_figures(items, ctx.settings.support))
    lines += _contest_lines(ctx, sv.contest_figures(ctx.session, town, ctx.now, ctx.settings))
    lines += activities.town_lines(ctx, town)
    return "\n".join(lines + [_unfiled_line(ctx, sv.unfiled_orgs(ctx.session, town, items))])


def _orgs_line(orgs: sv.OrgFigures) -> str:
    if not orgs.total:
        return t("supervisor.orgs.none")
    kinds = "、".join(t(f"supervisor.kind.{k}", n=orgs.by_kind[k]) for k in OrgKind if orgs.by_kind.get(k))
    return t("supervisor.orgs", total=orgs.total, kinds=kinds, bound=orgs.with_admin)


def _filings_line(ctx: Ctx, f: sv.FilingFigures) -> str:
    campaign = ctx.settings.campaign
    return t("supervisor.filings", start=campaign.activities_from.isoformat(),
             end=campaign.activities_to.isoformat(), filings=f.filings, activities=f.activities,
             **{state.value: f.by_state[state] for state in ReviewState})


def _support_lines(s: sv.SupportFigures) -> list[str]:
    def pair(i: Intention) -> dict[str, int]:
        return {"eligible": s.eligible.get(i, 0), "applied": s.applied.get(i, 0)}

    return [t("supervisor.support.head"),
            t("supervisor.support.goods", items=s.goods_items, **pair(Intention.GOODS)),
            t("supervisor.support.linkage", cohost=s.cohost, **pair(Intention.LINKAGE)),
            t("supervisor.support.training", lecturer=s.lecturer, **pair(Intention.TRAINING)),
            t("supervisor.support.other", heavy=s.applied.get(Intention.HEAVY, 0),
              contest=s.applied.get(Intention.CONTEST, 0))]


def _contest_lines(ctx: Ctx, game: sv.ContestFigures | None) -> list[str]:
    if game is None:
        return [t("supervisor.contest.none")]
    shown = ctx.settings.supervisor.entries_shown
    lines = [t("supervisor.contest", month=game.month, state=t(f"supervisor.contest.state.{game.state}"),
               mine=len(game.entries), total=game.total_entries, votes=game.votes)]
    lines += [t("supervisor.contest.line", rank=s.rank, number=s.number, votes=s.votes,
                name=_cut(s.name, ctx.settings.supervisor.name_chars)) for s in game.entries[:shown]]
    if len(game.entries) > shown:
        lines.append(t("supervisor.contest.more", n=len(game.entries) - shown))
    return lines


def _unfiled_line(ctx: Ctx, names: list[str]) -> str:
    if not names:
        return t("supervisor.unfiled.none")
    cfg = ctx.settings.supervisor
    shown = "、".join(_cut(n, cfg.name_chars) for n in names[: cfg.unfiled_shown])
    if len(names) > cfg.unfiled_shown:
        shown = t("supervisor.unfiled.more", names=shown)
    return t("supervisor.unfiled", n=len(names), names=shown)


def _cut(name: str, chars: int) -> str:
    """A name cut to its first characters, marked when cut."""
    return name if len(name) <= chars else name[: chars - 1] + "…"
