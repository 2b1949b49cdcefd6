"""Filing commands: export the 申请意向表, review activities, record actual numbers."""
from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path

import click
from sqlalchemy.orm import Session

from bot.cli.common import MONTH, NUMBER, fail, os_reason, services, session
from core.texts import t
from models.activity_figures import actual_verdicts
from models.activity_rules import published
from models.corrections import FIGURES, Correction, CorrectionError, correct
from models.filing import FilingItem, ReviewState
from models.filing_export import export_rows, write_csv, write_xlsx
from models.filing_ops import ReviewConflict, ReviewError, review_item
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
@click.argument("item_id", type=NUMBER)
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
@click.argument("item_id", type=NUMBER)
@click.option("--participants", type=click.IntRange(min=0), default=None, help="修正后的实际参与人数")
@click.option("--registrations", type=click.IntRange(min=0), default=None, help="修正后的实际报名人数")
@click.option("--interactions", type=click.IntRange(min=0), default=None, help="修正后的实际互动用户数（线上话题）")
@click.option("--clear", "cleared", multiple=True, type=click.Choice(FIGURES),
              help="撤销某项修正，恢复为报名签到记录（可重复）")
@click.option("--reason", default="", help="修正原因（必填），记入修正记录")
@click.option("--by", "by", default=None, help="修正人（默认为当前系统用户）")
def actuals(item_id: int, participants: int | None, registrations: int | None,
            interactions: int | None, cleared: tuple[str, ...], reason: str, by: str | None) -> None:
    """Correct actual figures by hand (logged with who, when and why); the supports are re-applied."""
    given = {"participants": participants, "registrations": registrations, "interactions": interactions}
    changes: dict[str, int | None] = {k: v for k, v in given.items() if v is not None}
    if not changes and not cleared:
        fail(t("activities.correction.needed"))
    for figure in cleared:
        if figure in changes:
            fail(t("activities.correction.twice", figure=figure))
        changes[figure] = None
    who = by or os_user()
    try:
        with session() as s:
            item, logged = correct(s, item_id, changes, reason, who, services().now())
            head = t("cli.filing.actuals_done", id=item_id, participants=_dash(item.actual_participants),
                     registrations=_dash(item.actual_registrations),
                     interactions=_dash(item.actual_interactions), scale=item.scale_text)
            lines = _support_lines(s, item)
            lines.append(t("activities.correction.done", id=item_id, by=who, reason=logged[0].reason))
            lines += [_change_line(row) for row in logged]
    except CorrectionError as exc:
        fail(t("cli.filing.unknown", id=item_id) if exc.code == "unknown"
             else t(f"activities.correction.{'reason_needed' if exc.code == 'reason' else 'needed'}"))
    click.echo(head)
    for line in lines:
        click.echo(line)


def os_user() -> str:
    """Who runs the command (the operating system's user), for the correction log."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):   # no user name in the environment or the password database
        return "-"


def _change_line(row: Correction) -> str:
    """One logged change: before -> after (or the correction removed)."""
    figure = t(f"activities.correction.figure.{row.figure}")
    after = _dash(row.after) + (t("activities.correction.cleared") if row.after is None else "")
    return t("activities.correction.change", figure=figure, before=_dash(row.before), after=after)


def _dash(value: int | None) -> str:
    """A figure, or a dash when not recorded."""
    return "-" if value is None else str(value)


def _support_lines(s: Session, item: FilingItem) -> list[str]:
    """The activity's supports on its actual numbers (the loop's, corrections winning), one line each."""
    svc = services()
    activity = published(s, item.id)
    if activity is None:
        results = assess_item(item, svc.settings.support)
    else:
        results = actual_verdicts(s, activity, svc.settings.support, svc.now())[1]
    return [f"{'✓' if r.eligible else '✗'} {support_name(r.intention)}：{r.reason}" for r in results]
