"""Filing commands: export the 申请意向表, review activities, record actual numbers."""
from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import MONTH, fail, services, session
from core.texts import t
from models.filing import FilingItem, ReviewState
from models.filing_export import export_rows, write_csv, write_xlsx
from models.filing_ops import ReviewError, record_actuals, review_item
from models.support import assess_item


@click.group("filing")
def filing() -> None:
    """The application-intention forms (申请意向表)."""


@filing.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件，.xlsx 或 .csv")
@click.option("--month", default=None, type=MONTH, help="只导出活动开始于该月的活动，YYYY-MM")
def export(out: Path, month: str | None) -> None:
    """Write every filed activity (or one month's) as .xlsx or .csv, one row per activity."""
    if out.suffix.lower() not in (".xlsx", ".csv"):
        fail(f"只支持 .xlsx 或 .csv：{out}")
    svc = services()
    with session() as s:
        rows = export_rows(s, month, svc.settings.support, svc.tz)
    if out.suffix.lower() == ".csv":
        write_csv(out, rows)
    else:
        write_xlsx(out, rows, f"申请意向表{month or ''}")
    click.echo(f"已导出 {len(rows)} 个活动到 {out}")


@filing.command("review")
@click.argument("item_id", type=int)
@click.option("--approve", "decision", flag_value="approved", help="通过")
@click.option("--reject", "decision", flag_value="rejected", help="驳回（须写理由）")
@click.option("--reason", default="", help="审核意见")
def review(item_id: int, decision: str | None, reason: str) -> None:
    """Approve or reject one activity; its organisation's admins are notified."""
    if decision is None:
        fail("请指定 --approve 或 --reject")
    svc = services()
    reason = " ".join(reason.split())
    if decision == ReviewState.REJECTED and not reason:
        fail("驳回须用 --reason 写明理由")
    try:
        with session() as s:
            item, changed = review_item(s, item_id, ReviewState(decision), reason, "cli", svc.now(),
                                        svc.settings.filing.review_template)
            name = item.name
    except ReviewError:
        fail(f"没有编号为 {item_id} 的活动")
    state = t(f"filing.state.{decision}")
    click.echo(f"活动 {item_id}“{name}”：{state}" + ("，已通知组织管理员" if changed else "（未变化）"))


@filing.command("actuals")
@click.argument("item_id", type=int)
@click.option("--participants", type=click.IntRange(min=0), default=None, help="实际参与人数")
@click.option("--registrations", type=click.IntRange(min=0), default=None, help="实际报名人数")
def actuals(item_id: int, participants: int | None, registrations: int | None) -> None:
    """Record actual participation and show the support rules applied again on it."""
    if participants is None and registrations is None:
        fail("请至少指定 --participants 或 --registrations")
    try:
        with session() as s:
            item = record_actuals(s, item_id, participants, registrations)
            lines = _support_lines(item)
    except ReviewError:
        fail(f"没有编号为 {item_id} 的活动")
    click.echo(f"活动 {item_id} 已记录实际人数，按实际人数重新核定：")
    for line in lines:
        click.echo(line)


def _support_lines(item: FilingItem) -> list[str]:
    """The activity's supports on its recorded numbers, one line each."""
    results = assess_item(item, services().settings.support)
    return [f"{'✓' if r.eligible else '✗'} {t('filing.intention.' + r.intention)}：{r.reason}"
            for r in results]
