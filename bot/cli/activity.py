"""Activity commands: publish, the check-in QR code, status, and the export of registrants."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from bot.activity_codes import code_target, fetch_code
from bot.cli.common import NUMBER, fail, services, session
from bot.wechat.errors import WeChatError
from core.texts import t
from handlers.activities import correction_lines, org_line
from models import activity_rules as rules
from models.activities import Activity, Registration, RegState
from models.activity_export import rows_of, sheets_of, write_workbook
from models.activity_figures import actual_verdicts, org_figures


@click.group("activity")
def activity() -> None:
    """The activity loop: publish for registration, check-in codes, status and export."""


def _local(moment: dt.datetime) -> str:
    """A time in the bot's zone, for the operator."""
    return f"{moment.astimezone(services().tz):%Y-%m-%d %H:%M}"


def _deadline(value: str | None) -> dt.datetime | None:
    """--deadline "YYYY-MM-DD HH:MM" in the bot's zone."""
    if value is None:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=services().tz)
    except ValueError:
        fail(t("activities.cli.bad_deadline", value=value))
    return None  # unreachable: fail raises


def _published(s: object, item_id: int) -> Activity:
    """The published activity, or a clean failure."""
    row = rules.published(s, item_id)  # type: ignore[arg-type]
    if row is None:
        fail(t("activities.refused.not_published", id=item_id))
    assert row is not None
    return row


def _terms(row: Activity) -> dict[str, object]:
    """The published terms for the operator."""
    return {"id": row.number, "name": row.item.name,
            "capacity": t("activities.unlimited") if row.capacity is None else row.capacity,
            "deadline": _local(row.deadline),
            "walk_ins": t("activities.yes" if row.walk_ins else "activities.no"),
            "checkout": t("activities.yes" if row.checkout else "activities.no")}


@activity.command("publish")
@click.argument("item_id", type=NUMBER)
@click.option("--capacity", type=NUMBER, default=None, help="名额（不填为不限）")
@click.option("--deadline", default=None, help="报名截止 YYYY-MM-DD HH:MM（默认活动开始时）")
@click.option("--walk-ins/--no-walk-ins", default=None, help="是否允许未报名者现场签到")
@click.option("--checkout/--no-checkout", default=None, help="是否签退")
def publish(item_id: int, capacity: int | None, deadline: str | None, walk_ins: bool | None,
            checkout: bool | None) -> None:
    """Open an approved filed activity for registration (ITEM is its 活动编号)."""
    if capacity is not None and capacity < 1:
        fail(t("activities.cli.bad_capacity", value=capacity))
    svc = services()
    options = rules.PublishOptions(capacity, _deadline(deadline), walk_ins, checkout)
    try:
        with session() as s:
            row, created = rules.publish(s, item_id, options, "cli", svc.now(), svc.settings.activities,
                                         svc.tz)
            key = "published" if created else "republished"
            if not created and options == rules.PublishOptions():   # published before, nothing given
                key = "already_published"
            line = t(f"activities.cli.{key}", **_terms(row))
    except rules.Refusal as exc:
        fail(_refusal(exc))
    click.echo(line)
    click.echo(str(item_id))


def _refusal(exc: rules.Refusal) -> str:
    """A rule's refusal as one line."""
    values = {k: _local(v) if isinstance(v, dt.datetime) else v for k, v in exc.values.items()}
    return t(f"activities.refused.{exc.code}", **values)


@activity.command("qrcode")
@click.argument("item_id", type=NUMBER)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出的 .png 文件")
@click.option("--checkout", "checkout", is_flag=True, help="签退二维码（活动须设置签退）")
def qrcode(item_id: int, out: Path, checkout: bool) -> None:
    """Ask WeChat for the activity's temporary check-in (or 签退) code and write it as a PNG."""
    if out.suffix.lower() != ".png":
        fail(t("activities.cli.png_only", out=out))
    svc = services()
    with session() as s:
        row = _published(s, item_id)
        if checkout and not row.checkout:
            fail(t("activities.cli.no_checkout", id=item_id))
        scene, until = code_target(row, checkout, svc.settings.activities.qrcode_days_after)
    try:
        code = fetch_code(svc.api, scene, until, svc.now())
    except WeChatError as exc:
        fail(t("activities.cli.wechat_failed", error=f"{exc.code} {exc.message}"))
    out.write_bytes(code.png)
    kind = t("activities.cli.kind.out" if checkout else "activities.cli.kind.in")
    click.echo(t("activities.cli.qrcode", id=item_id, kind=kind, out=out, until=_local(code.expires)))


@activity.command("status")
@click.argument("item_id", type=NUMBER)
def status(item_id: int) -> None:
    """Registrations, the waiting list, check-ins, ratings, and the supports on the actual numbers."""
    svc = services()
    with session() as s:
        row = _published(s, item_id)
        loop, verdicts = actual_verdicts(s, row, svc.settings.support, svc.now())
        average = f"{loop.average:.1f}" if loop.average is not None else "-"
        click.echo(t("activities.cli.status", id=row.number, name=row.item.name,
                     time=f"{_local(row.starts_at)} 至 {_local(row.ends_at)}",
                     capacity=t("activities.unlimited") if row.capacity is None else row.capacity,
                     average=average, **_counts(loop)))
        for line in correction_lines(s, row.item, svc.tz):
            click.echo(line)
        click.echo(org_line(org_figures(s, row.org_id)))
        waiting = [r for r in rows_of(s, row) if r.state == RegState.WAITING]
        _echo_waiting(waiting)
        if verdicts:
            click.echo(t("activities.cli.support"))
        for r in verdicts:
            click.echo(f"{'✓' if r.eligible else '✗'} {t('filing.intention.' + r.intention)}：{r.reason}")


def _counts(loop: object) -> dict[str, int]:
    """The figures the status line names."""
    names = ("registrations", "waiting", "cancelled", "participants", "walk_ins", "checked_out",
             "ratings", "comments")
    return {name: int(getattr(loop, name)) for name in names}


def _echo_waiting(waiting: list[Registration]) -> None:
    """The waiting list in order (operators are platform admins: mobiles are shown)."""
    if not waiting:
        return
    click.echo(t("activities.cli.waiting_head"))
    for place, r in enumerate(waiting, start=1):
        click.echo(t("activities.cli.waiting_line", place=place, name=r.name,
                     mobile=r.mobile or t("activities.export.erased")))


@activity.command("export")
@click.argument("item_id", type=NUMBER)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出的 .xlsx 文件")
def export(item_id: int, out: Path) -> None:
    """Write the registrants (sheet 报名) and check-ins (sheet 签到) as a workbook."""
    if out.suffix.lower() != ".xlsx":
        fail(t("activities.cli.xlsx_only", out=out))
    svc = services()
    with session() as s:
        registrations, checkins = sheets_of(s, _published(s, item_id), svc.tz)
    write_workbook(out, registrations, checkins)
    click.echo(t("activities.cli.exported", id=item_id, registrations=len(registrations),
                 checkins=len(checkins), out=out))
