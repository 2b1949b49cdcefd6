"""Filing commands: export the 申请意向表, review activities, record actual numbers."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from bot.cli.common import MONTH, fail, os_reason, services, session
from core.texts import t
from models.filing import FilingItem, ReviewState
from models.filing_export import export_rows, write_csv, write_xlsx
from models.filing_ops import ReviewConflict, ReviewError, record_actuals, review_item
from models.support import assess_item, support_name

DECISION_WORDS = {ReviewState.APPROVED: t("cli.filing.approved"),
                  ReviewState.REJECTED: t("cli.filing.rejected")}


@click.group("filing")
def filing() -> None:
    """The application-intention forms (申请意向表)."""


@filing.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件，.xlsx 或 .csv；所在文件夹不存在时自动创建")
@click.option("--month", default=None, type=MONTH, help="只导出活动开始于该月的活动，YYYY-MM")
def export(out: Path, month: str | None) -> None:
    """Write every filed activity (or one month's) as .xlsx or .csv, one row per activity."""
    if out.suffix.lower() not in (".xlsx", ".csv"):
        fail(t("cli.filing.export_suffix", path=out))
    svc = services()
    with session() as s:
        rows = export_rows(s, month, svc.settings.support, svc.tz)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)  # a missing folder is made, as `cp` users expect
        if out.suffix.lower() == ".csv":
            write_csv(out, rows)
        else:
            write_xlsx(out, rows, t("cli.filing.sheet_title", month=month or ""))
    except OSError as exc:
        fail(t("cli.filing.export_failed", path=out, error=os_reason(exc)))
    click.echo(t("cli.filing.exported", n=len(rows), path=out))


@filing.command("review")
@click.argument("item_id", type=int)
@click.option("--approve", "decision", flag_value="approved", help="通过")
@click.option("--reject", "decision", flag_value="rejected", help="驳回（须写理由）")
@click.option("--reason", default="", help="审核意见")
@click.option("--change", is_flag=True, help="改变已有的审核结果（通过改为驳回，或驳回改为通过）")
def review(item_id: int, decision: str | None, reason: str, change: bool) -> None:
    """Approve or reject one activity; its organisation's admins are notified once per decision."""
    if decision is None:
        fail(t("cli.filing.review_which"))
    svc, state = services(), ReviewState(str(decision))
    reason = " ".join(reason.split())
    if state == ReviewState.REJECTED and not reason:
        fail(t("cli.filing.review_reason"))
    with session() as s:
        try:
            item, recorded = review_item(s, item_id, state, reason, "cli", svc.now(),
                                         svc.settings.filing.review_template, change=change)
        except ReviewConflict as conflict:  # worded here, while the decision is still loaded
            current = conflict.current
            fail(t("cli.filing.review_conflict", id=item_id, at=_when(current.decided_at),
                   decision=DECISION_WORDS[ReviewState(current.decision)], word=DECISION_WORDS[state]))
        except ReviewError:
            fail(t("cli.filing.unknown", id=item_id))
        line = _review_line(item, recorded)
    click.echo(line)


def _review_line(item: FilingItem, recorded: bool) -> str:
    """What the operator is told: recorded, changed, or already so."""
    current, state = item.reviews[-1], t(f"filing.state.{item.review_state}")
    if not recorded:
        return t("cli.filing.review_same", id=item.id, name=item.name, at=_when(current.decided_at),
                 decision=DECISION_WORDS[ReviewState(current.decision)])
    if current.changed:
        return t("cli.filing.review_changed", id=item.id, name=item.name, state=state,
                 old=t(f"filing.state.{item.reviews[-2].decision}"))
    return t("cli.filing.reviewed", id=item.id, name=item.name, state=state)


def _when(moment: dt.datetime) -> str:
    """A decision's time on the bot's clock."""
    return moment.astimezone(services().tz).strftime("%Y-%m-%d %H:%M")


@filing.command("actuals")
@click.argument("item_id", type=int)
@click.option("--participants", type=click.IntRange(min=0), default=None, help="实际参与人数")
@click.option("--registrations", type=click.IntRange(min=0), default=None, help="实际报名人数")
@click.option("--interactions", type=click.IntRange(min=0), default=None, help="实际互动用户数（线上话题）")
def actuals(item_id: int, participants: int | None, registrations: int | None,
            interactions: int | None) -> None:
    """Record actual figures (each kept apart) and show the support rules applied again on them."""
    if participants is None and registrations is None and interactions is None:
        fail(t("cli.filing.actuals_needed"))
    try:
        with session() as s:
            item = record_actuals(s, item_id, participants, registrations, interactions)
            head = t("cli.filing.actuals_done", id=item_id, participants=_dash(item.actual_participants),
                     registrations=_dash(item.actual_registrations),
                     interactions=_dash(item.actual_interactions), scale=item.scale_text)
            lines = _support_lines(item)
    except ReviewError:
        fail(t("cli.filing.unknown", id=item_id))
    click.echo(head)
    for line in lines:
        click.echo(line)


def _dash(value: int | None) -> str:
    """A figure, or a dash when not recorded."""
    return "-" if value is None else str(value)


def _support_lines(item: FilingItem) -> list[str]:
    """The activity's supports on its recorded numbers, one line each."""
    results = assess_item(item, services().settings.support)
    return [f"{'✓' if r.eligible else '✗'} {support_name(r.intention)}：{r.reason}" for r in results]
