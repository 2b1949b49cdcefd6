"""Expert alliance commands: add, invite, import, stats-import, evaluate, quarter."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.cli.common import MONTH, NUMBER, fail, services, session
from bot.cli.imports import fail_import
from core.texts import t
from models.accounts import new_code
from models.base import tidy_name
from models.expert_eval import (
    check_importable,
    evaluate,
    is_done,
    month_figures,
    params_of,
    quarter_so_far,
    record_no_figures,
    score_text,
    select_quarter,
)
from models.expert_import import import_roster, import_stats
from models.expert_scores import evaluate_month, top_of_quarter
from models.experts import (
    NAME_MAX,
    PLATFORM_ID_MAX,
    QUARTER_RE,
    Expert,
    add_expert,
    experts_by_id,
    load_fields,
    month_ended,
    months_of,
    next_month_start,
    quarter_of,
)
from models.sheets import ImportFailed


@click.group("expert")
def expert() -> None:
    """The expert alliance (专家服务联盟): experts, monthly figures, evaluation, quarterly top."""


def _fields() -> tuple[str, ...]:
    """The fields an expert may have (data file)."""
    return load_fields(services().settings.experts.fields_file)


@expert.command("add")
@click.option("--name", required=True, help="专家姓名")
@click.option("--field", required=True, help="领域，如 法律、心理、创业、公益、婚恋")
@click.option("--platform-id", default="", help="专家在青年之声平台上的ID（可选）")
def add(name: str, field: str, platform_id: str) -> None:
    """Register an expert; prints its id."""
    clean = tidy_name(name, NAME_MAX)
    if clean is None:
        fail(t("experts.cli.bad_name", max=NAME_MAX, name=name))
    if field.strip() not in _fields():
        fail(t("experts.cli.bad_field", field=field, fields="、".join(_fields())))
    if len(platform_id.strip()) > PLATFORM_ID_MAX:
        fail(t("experts.cli.bad_pid", max=PLATFORM_ID_MAX))
    try:
        with session() as s:
            row = add_expert(s, clean, field.strip(), platform_id.strip() or None)
    except IntegrityError:
        fail(t("experts.cli.exists", name=clean))
    click.echo(t("experts.cli.added", name=row.name, field=row.field))
    click.echo(row.id)


@expert.command("invite")
@click.argument("expert_id", type=NUMBER)
def invite(expert_id: int) -> None:
    """Issue a one-time binding code for an expert; prints the code."""
    svc = services()
    ttl = dt.timedelta(hours=svc.settings.accounts.binding_code_ttl_hours)
    with session() as s:
        if s.get(Expert, expert_id) is None:
            fail(t("experts.cli.no_expert", id=expert_id))
        code = new_code(s, "expert", expert_id, ttl, svc.clock())
    expires = f"{code.expires_at.astimezone(svc.tz):%Y-%m-%d %H:%M}"
    click.echo(t("experts.cli.invited", expires=expires, code=code.code))
    click.echo(code.code)


@expert.command("import")
@click.argument("file", type=click.Path(path_type=Path))
def import_(file: Path) -> None:
    """Register (or update) experts from a .csv/.xlsx roster: 姓名, 领域[, 平台ID]."""
    try:
        with session() as s:
            added, updated = import_roster(s, file, _fields())
    except ImportFailed as exc:
        fail_import(file, exc.errors)
    click.echo(t("experts.cli.roster_done", added=added, updated=updated))


@expert.command("stats-import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--month", required=True, type=MONTH, help="月份 YYYY-MM（须已结束）")
@click.option("--partial", is_flag=True, help="导入本月（尚未结束）的不完整数据，仅供核对，不能评估")
def stats_import(file: Path, month: str, partial: bool) -> None:
    """Replace an ended month's figures from a .csv/.xlsx export (专家, 答题数, 互动答题数, ...)."""
    svc = services()
    try:
        check_importable(month, svc.now().date(), partial)
        with session() as s:
            if is_done(s, quarter_of(month)):
                fail(t("experts.cli.quarter_locked", quarter=quarter_of(month), month=month))
            evaluated = is_done(s, month)
            result = import_stats(s, file, month, svc.now())
    except ImportFailed as exc:
        fail_import(file, exc.errors)
    click.echo(t("experts.cli.stats_replaced", month=month, count=result.imported,
                 replaced=result.replaced) if result.replaced
               else t("experts.cli.stats_done", month=month, count=result.imported))
    if not month_ended(month, svc.now().date()):
        click.echo(t("experts.cli.stats_partial", month=month, end=next_month_start(month).isoformat()))
    if evaluated:
        click.echo(t("experts.cli.stats_evaluated", month=month))


@expert.command("evaluate")
@click.argument("month", type=MONTH)
@click.option("--no-figures", is_flag=True, help="该月确实没有专家数据：记为已评估（不排名、不发通知）")
def evaluate_cmd(month: str, no_figures: bool) -> None:
    """Evaluate an ended month, show its ranking and queue each bound expert's result."""
    svc = services()
    with session() as s:
        if no_figures:
            record_no_figures(s, month, svc.now())
            click.echo(t("experts.cli.no_figures_done", month=month))
            return
        queued = evaluate(s, month, svc.settings.experts, svc.now())
        results = evaluate_month(month_figures(s, month), params_of(svc.settings.experts))
        experts = experts_by_id(s, [r.expert_id for r in results])
    for r in results:
        e = experts[r.expert_id]
        click.echo(t("experts.cli.month_line", rank=r.rank or "-", name=e.name, field=e.field,
                     answers=r.answers, smoothed=f"{float(r.smoothed_rate):.3f}",
                     score=score_text(r.score)))
    ranked = sum(1 for r in results if r.eligible)
    click.echo(t("experts.cli.evaluated", month=month, ranked=ranked, queued=queued))


@expert.command("quarter")
@click.argument("quarter")
def quarter_cmd(quarter: str) -> None:
    """Show a quarter's top experts; once it has ended, choose them and queue the notifications."""
    if not QUARTER_RE.match(quarter):
        fail(t("experts.cli.bad_quarter", quarter=quarter,
               example=quarter_of(f"{services().now():%Y-%m}")))
    svc = services()
    ended = month_ended(months_of(quarter)[-1], svc.now().date())
    with session() as s:
        if not ended:
            _show_quarter(s, quarter)
            click.echo(t("experts.cli.quarter_open", quarter=quarter))
            return
        top, queued = select_quarter(s, quarter, svc.settings.experts,
                                     svc.settings.admins.openids, svc.now())
        _show_quarter(s, quarter)
    click.echo(t("experts.cli.quarter_done", quarter=quarter, count=len(top), queued=queued))


def _show_quarter(s: Session, quarter: str) -> None:
    """Print the quarter's top experts over its evaluated months."""
    params = params_of(services().settings.experts)
    _, standings = quarter_so_far(s, quarter, params, services().now().date())
    top = top_of_quarter(standings, params.top_n)
    experts = experts_by_id(s, [q.expert_id for q in top])
    for q in top:
        e = experts[q.expert_id]
        click.echo(t("experts.cli.quarter_line", place=q.place, name=e.name, field=e.field,
                     score=score_text(q.score), answers=q.answers,
                     smoothed=f"{float(q.smoothed_rate):.3f}"))
