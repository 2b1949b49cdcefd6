"""设计大赛: candidates and the shortlist, the live board, the votes-per-hour chart with its flags,
voids, the blacklist, the close and the announcement, the frozen count."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import abort, redirect, render_template, request, send_file, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.console import charts, figures
from bot.console.pages import db, done, month_now, refused
from bot.console.security import actor, services
from core.texts import t, word
from models import contest
from models.announce import announce as announce_month
from models.base import is_key
from models.console import audit
from models.contest_close import entry_of, file_digest
from models.contest_fraud import (
    VoidScope,
    blacklist_add,
    blacklist_remove,
    void_votes,
)
from models.contest_rounds import (
    ContestError,
    Entry,
    Round,
    RoundState,
    candidates,
    default_window,
    explicit_window,
    get_round,
)
from models.contest_shortlist import shortlist as make_shortlist
from models.contest_votes import Blacklisted
from models.months import is_month
from models.orgs import admin_openids

TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def entry_number(text: str) -> int:
    """A project's number from a form or a link; werkzeug reads a ValueError as none given."""
    number = int(text)
    if not is_key(number):
        raise ValueError(text)
    return number


def _month_or_404(month: str) -> str:
    if not is_month(month):
        abort(404)
    return month


def index() -> Response | str:
    """Every round, newest first; a month typed in the form opens that month."""
    wanted = request.args.get("month", "").strip()
    if wanted:
        if is_month(wanted):
            return redirect(url_for("console.contest_month", month=wanted))
        return refused(t("console.contest.bad_month", month=wanted), "console.contest")
    with db() as s:
        rounds = list(s.scalars(select(Round).order_by(Round.month.desc())))
        listed = list(s.scalars(select(Blacklisted).order_by(Blacklisted.added_at.desc())))
    return render_template("console/contest_index.html", rounds=rounds, this_month=month_now(),
                           blacklist=listed)


def month(month: str) -> str:
    """One month: its candidates or showcase, the board, the chart of one project, voids."""
    month = _month_or_404(month)
    svc = services()
    c = svc.settings.contest
    with db() as s:
        row = get_round(s, month)
        pool = candidates(s, month)
        window = default_window(month, c.voting_opens_day, c.voting_closes_day, svc.tz)
        page: dict[str, object] = {"row": row, "pool": pool, "size": c.shortlist_size, "month": month, "window": window,
                "last_day": (window[1] - dt.timedelta(days=1)).date()}
        if row is not None and row.state != RoundState.SHORTLISTING:
            page.update(_round_parts(s, row, request.args.get("entry", type=entry_number)))
    return render_template("console/contest_month.html", **page)


def _round_parts(s: Session, row: Round, wanted: int | None) -> dict[str, object]:
    """The board (live or final), the votes by status, the chart and the flags of a round."""
    svc = services()
    c = svc.settings.contest
    closed = row.state in (RoundState.CLOSED, RoundState.ANNOUNCED)
    board = (list(contest.results(s, row.month).standings) if closed
             else contest.board(s, row))
    shown = contest.entries(s, row.id)
    flags = figures.flags_of(s, row.id, c.burst_baseline_hours * 60 / c.burst_window_minutes)
    number = wanted or (flags[-1].number if flags else (shown[0].number if shown else None))
    parts: dict[str, object] = {"board": board, "entries": shown, "flags": flags, "closed": closed,
                                "counts": figures.void_counts(s, row.id), "chosen": number,
                                "frozen_ok": _frozen_ok(row)}
    entry = next((e for e in shown if e.number == number), None)
    if entry is not None and row.opens_at and row.closes_at:
        parts["chart"] = _chart(s, row, entry, [f for f in flags if f.number == entry.number])
    return parts


def _chart(s: Session, row: Round, entry: Entry, flags: list[figures.Flag]) -> object:
    """The votes-per-hour chart of one entry over the voting window, its flags marked."""
    svc = services()
    assert row.opens_at is not None and row.closes_at is not None
    opens = row.opens_at.astimezone(svc.tz)
    hours = figures.window_hours(row.opens_at, row.closes_at, svc.now())
    valid, void = figures.hourly_votes(s, entry.id, row.opens_at, hours)
    c = svc.settings.contest
    markers = [charts.Marker(int((f.at - row.opens_at).total_seconds() // 3600),
                             t("console.flag.evidence", at=f.at.astimezone(svc.tz).strftime("%m-%d %H:%M"),
                               minutes=c.burst_window_minutes, recent=f.recent,
                               hours=c.burst_baseline_hours, baseline=f.baseline,
                               expected=f"{f.expected:.2f}"))
               for f in flags]
    title = t("console.chart.hourly", number=entry.number, name=entry.name)
    return charts.hourly_lines(valid, void, opens, markers, title)


def _frozen_ok(row: Round) -> bool | None:
    """Whether the frozen file still matches its published SHA-256 (None before the close)."""
    if not row.frozen_path:
        return None
    path = Path(row.frozen_path)
    return path.exists() and file_digest(path) == row.frozen_sha256


def shortlist(month: str) -> Response:
    """Fix the showcase from the ticked candidates, numbered in the order given."""
    month = _month_or_404(month)
    svc = services()
    c = svc.settings.contest
    ids = _ordered_ids(request.form.getlist("item"), request.form.get("order", ""))
    try:
        window = _window(month, request.form.get("first", ""), request.form.get("last", ""))
        with db() as s:
            row = make_shortlist(s, month, ids, c.shortlist_size, window, svc.now())
            audit(s, actor(), "contest.shortlist", f"contest:{month}", svc.now(),
                  after={"items": ids, "opens": window[0].isoformat(), "closes": window[1].isoformat()})
            rebuilt = row.month
    except ContestError as exc:
        return refused(word(exc.phrase), "console.contest_month", month=month)
    return done(t("console.contest.shortlisted", month=rebuilt, count=len(ids)),
                "console.contest_month", month=month)


def _ordered_ids(ticked: list[str], order: str) -> list[int]:
    """The ticked activity ids; an order typed as "12, 7, 9" comes first, in that order."""
    typed = [p for p in order.replace("，", ",").replace(" ", ",").split(",") if p.strip()]
    out: list[int] = []
    for text in [*typed, *ticked]:
        if text.strip().isdigit() and int(text) not in out:
            out.append(int(text))
    return out


def _window(month: str, first: str, last: str) -> tuple[dt.datetime, dt.datetime]:
    """The voting window: the days given, else the settings' days of the month."""
    svc = services()
    c = svc.settings.contest
    if not first and not last:
        return default_window(month, c.voting_opens_day, c.voting_closes_day, svc.tz)
    try:
        return explicit_window(dt.date.fromisoformat(first), dt.date.fromisoformat(last), svc.tz)
    except ValueError as exc:
        if isinstance(exc, ContestError):
            raise
        raise ContestError("console.contest.bad_dates") from exc


def void(month: str) -> Response:
    """Void the valid votes of one follower, or of one project in a time span, with a reason."""
    month = _month_or_404(month)
    form = request.form
    reason = " ".join(form.get("reason", "").split())
    openid = form.get("openid", "").strip() or None
    number = form.get("entry", type=entry_number)
    try:
        scope_args = _void_scope(openid, number, form.get("since", ""), form.get("until", ""), reason)
        with db() as s:
            count = _void(s, month, *scope_args, reason)
    except ContestError as exc:
        return refused(word(exc.phrase), "console.contest_month", month=month)
    return done(t("console.void.done", month=month, count=count, reason=reason),
                "console.contest_month", month=month, entry=number or "")


def _void_scope(openid: str | None, number: int | None, since: str, until: str,
                reason: str) -> tuple[str | None, int | None, dt.datetime | None, dt.datetime | None]:
    """Check the void form: one follower or one project, a sane span, a reason."""
    if (openid is None) == (number is None):
        raise ContestError("console.void.one_of")
    if not reason:
        raise ContestError("console.void.need_reason")
    start, end = _moment(since), _moment(until)
    if start and end and end <= start:
        raise ContestError("console.void.bad_span")
    return openid, number, start, end


def _moment(text: str) -> dt.datetime | None:
    """A time typed in the form (Beijing time), or None when left empty."""
    text = text.strip()
    if not text:
        return None
    for pattern in TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=services().tz)
        except ValueError:
            continue
    raise ContestError("console.void.bad_time", text=text)


def _void(s: Session, month: str, openid: str | None, number: int | None, since: dt.datetime | None,
          until: dt.datetime | None, reason: str) -> int:
    """Void through the domain function, refresh the board cache, write the audit line."""
    svc = services()
    row = contest.round_of(s, month)
    if row.state != RoundState.VOTING:
        raise ContestError("console.void.not_voting", month=month)
    entry_id = entry_of(s, row.id, number).id if number is not None else None
    before = figures.void_counts(s, row.id)
    count = void_votes(s, row, VoidScope(openid, entry_id, since, until), reason, actor(), svc.now())
    s.flush()
    audit(s, actor(), "contest.void", f"contest:{month}", svc.now(), before=before,
          after={**figures.void_counts(s, row.id), "voided": count, "openid": openid, "entry": number,
                 "since": since.isoformat() if since else None,
                 "until": until.isoformat() if until else None, "reason": reason})
    return count


def blacklist() -> Response:
    """Add a follower to the blacklist, or take one off it."""
    openid = request.form.get("openid", "").strip()
    reason = " ".join(request.form.get("reason", "").split()) or t("console.blacklist.default_reason")
    if not openid:
        return refused(t("console.blacklist.need_openid"), "console.contest")
    svc = services()
    adding = request.form.get("action") != "remove"
    with db() as s:
        changed = (blacklist_add(s, openid, reason, actor(), svc.now()) if adding
                   else blacklist_remove(s, openid, actor(), svc.now()))
        if changed:
            audit(s, actor(), "contest.blacklist." + ("add" if adding else "remove"),
                  f"openid:{openid}", svc.now(), before={"listed": not adding},
                  after={"listed": adding, "reason": reason if adding else None})
    key = ("console.blacklist.added" if adding else "console.blacklist.removed") if changed \
        else ("console.blacklist.already" if adding else "console.blacklist.absent")
    return done(t(key, openid=openid), "console.contest")


def close(month: str) -> Response | str:
    """GET: what closing will do; POST (confirmed): close the round through the domain function."""
    month = _month_or_404(month)
    svc = services()
    c = svc.settings.contest
    if request.method == "GET":
        with db() as s:
            row = contest.round_of(s, month) if get_round(s, month) else None
            counts = figures.void_counts(s, row.id) if row else {}
            n = len(contest.entries(s, row.id)) if row else 0
        return render_template("console/confirm.html", month=month, action="close",
                               lines=[t("console.close.what", month=month, entries=n,
                                        votes=counts.get("valid", 0), winners=c.winners),
                                      t("console.close.freeze", folder=c.frozen_dir),
                                      t("console.close.final")])
    if request.form.get("confirm") != month:
        return refused(t("console.confirm.missing", month=month), "console.contest_close", month=month)
    try:
        with db() as s:
            res = contest.close_round(s, month, c, svc.now(), actor())
            audit(s, actor(), "contest.close", f"contest:{month}", svc.now(), before={"state": "voting"},
                  after={"state": res.state, "winners": [w.number for w in res.winners],
                         "sha256": res.digest})
    except ContestError as exc:
        return refused(word(exc.phrase), "console.contest_month", month=month)
    return done(t("console.close.done", month=month, digest=res.digest or ""), "console.contest_month",
                month=month)


def announce(month: str) -> Response | str:
    """GET: who will hear what; POST (confirmed): queue it once through the domain function."""
    month = _month_or_404(month)
    svc = services()
    if request.method == "GET":
        with db() as s:
            res = contest.results(s, month) if get_round(s, month) else None
            admins = sum(len(admin_openids(s, st.org_id)) for st in res.standings) if res else 0
        lines = [t("console.announce.what", month=month, admins=admins),
                 t("console.announce.subscribers"),
                 t("console.announce.mass_on" if svc.settings.announce.mass_send
                   else "console.announce.mass_off"), t("console.announce.once")]
        return render_template("console/confirm.html", month=month, action="announce", lines=lines)
    if request.form.get("confirm") != month:
        return refused(t("console.confirm.missing", month=month), "console.contest_announce", month=month)
    try:
        with db() as s:
            out = announce_month(s, svc.settings, month, svc.now())
            audit(s, actor(), "contest.announce", f"contest:{month}", svc.now(), before={"state": "closed"},
                  after={"org_admins": out.org_admins, "subscribers": out.subscribers, "mass": out.mass})
    except ContestError as exc:
        return refused(word(exc.phrase), "console.contest_month", month=month)
    return done(t("console.announce.done", month=month, admins=out.org_admins, subs=out.subscribers,
                  mass=t("console.yes") if out.mass else t("console.no")) + out.mass_refused,
                "console.contest_month", month=month)


def frozen(month: str) -> Response:
    """The frozen count of a closed round, byte for byte as its SHA-256 was computed."""
    month = _month_or_404(month)
    with db() as s:
        row = get_round(s, month)
        path = Path(row.frozen_path) if row and row.frozen_path else None
    if path is None or not path.exists():
        abort(404)
    return send_file(path, mimetype="application/json", as_attachment=True,
                     download_name=f"{month}.json")
