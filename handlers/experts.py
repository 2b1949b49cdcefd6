"""Experts: 我的排名 (my monthly evaluation, explained) and 专家榜 (the quarter's top experts)."""
from __future__ import annotations

from fractions import Fraction

from bot.context import Ctx, Incoming, Reply
from core.texts import t
from models.accounts import Role
from models.expert_eval import (
    latest_evaluated_month,
    month_figures,
    month_label,
    params_of,
    quarter_label,
    quarter_so_far,
    score_text,
)
from models.expert_scores import (
    MonthResult,
    Params,
    QuarterStanding,
    evaluate_month,
    needed_for_top,
    platform_rate,
    top_of_quarter,
)
from models.experts import Expert, expert_of, experts_by_id, quarter_of

REPLY_MAX_BYTES = 2048  # WeChat's limit for a passive text reply


def my_rank(msg: Incoming, ctx: Ctx) -> Reply:
    """Answer 我的排名: the latest evaluated month, every step of the score, the quarter so far."""
    expert = expert_of(ctx.session, ctx.user) if ctx.has(Role.EXPERT) else None
    if expert is None:
        return Reply(text=t("experts.not_bound"))
    month = latest_evaluated_month(ctx.session, ctx.now.date())
    if month is None:
        return Reply(text=t("experts.no_evaluation"))
    params = params_of(ctx.settings.experts)
    figures = month_figures(ctx.session, month)
    results = evaluate_month(figures, params)
    mine = next((r for r in results if r.expert_id == expert.id), None)
    if mine is None:
        return Reply(text=t("experts.rank.no_figures", month=month_label(month)))
    lines = [t("experts.rank.head", month=month_label(month), name=expert.name, field=expert.field)]
    lines += _month_lines(mine, results, platform_rate(figures), params)
    lines += _quarter_lines(ctx, expert, quarter_of(month), params)
    return Reply(text=fit(lines + [t("experts.rank.rules")]))


def _month_lines(r: MonthResult, results: list[MonthResult], p0: Fraction, params: Params) -> list[str]:
    """The month's figures, percentiles, score and rank."""
    raw = pct(r.raw_rate) if r.raw_rate is not None else "-"
    lines = [t("experts.rank.answers", answers=r.answers, interacted=r.interacted, raw=raw),
             t("experts.rank.smoothed", smoothed=pct(r.smoothed_rate), p0=pct(p0),
               m=f"{params.smoothing_m:g}")]
    if not r.eligible:
        return lines + [t("experts.rank.unranked", answers=r.answers, min=params.min_answers)]
    pa, pr = score_text(r.p_answers), score_text(r.p_rate)
    lines += [t("experts.rank.percentiles", pa=pa, pr=pr),
              t("experts.rank.score", wa=f"{params.weight_answers:g}", pa=pa,
                wr=f"{params.weight_rate:g}", pr=pr, score=score_text(r.score)),
              t("experts.rank.rank", rank=r.rank, of=r.ranked)]
    return lines + [_to_top(r, needed_for_top(results, params.top_n), params.top_n)]


def _to_top(r: MonthResult, cut: Fraction | None, n: int) -> str:
    """Where the month's top n begins, and how far this expert is from it."""
    cut = cut if cut is not None else r.score
    if r.rank is not None and r.rank <= n:
        return t("experts.rank.in_top", n=n, cut=score_text(cut))
    return t("experts.rank.to_top", n=n, cut=score_text(cut), gap=score_text(cut - r.score))


def _quarter_lines(ctx: Ctx, expert: Expert, quarter: str, params: Params) -> list[str]:
    """The quarter's standing over its evaluated months."""
    months, standings = quarter_so_far(ctx.session, quarter, params, ctx.now.date())
    head = t("experts.rank.quarter_head", quarter=quarter_label(quarter),
             months="、".join(month_label(m) for m in months))
    mine = next((s for s in standings if s.expert_id == expert.id), None)
    if mine is None:
        return [head, t("experts.rank.quarter_none", min=params.min_answers)]
    top = top_of_quarter(standings, params.top_n)
    cut = min(s.score for s in top)
    return [head, t("experts.rank.quarter", score=score_text(mine.score), place=mine.place,
                    n=params.top_n, cut=score_text(cut))]


def board(msg: Incoming, ctx: Ctx) -> Reply:
    """Answer 专家榜: the current quarter's top experts so far, by name and field."""
    month = latest_evaluated_month(ctx.session, ctx.now.date())
    if month is None:
        return Reply(text=t("experts.board.empty"))
    params = params_of(ctx.settings.experts)
    quarter = quarter_of(month)
    months, standings = quarter_so_far(ctx.session, quarter, params, ctx.now.date())
    top = top_of_quarter(standings, params.top_n)
    if not top:
        return Reply(text=t("experts.board.empty"))
    head = t("experts.board.head", quarter=quarter_label(quarter),
             months="、".join(month_label(m) for m in months))
    return Reply(text=fit([head, *_board_lines(ctx, top), t("experts.board.foot")]))


def _board_lines(ctx: Ctx, top: list[QuarterStanding]) -> list[str]:
    """One line per chosen expert."""
    experts = experts_by_id(ctx.session, [s.expert_id for s in top])
    return [t("experts.board.line", place=s.place, name=experts[s.expert_id].name,
              field=experts[s.expert_id].field, score=score_text(s.score)) for s in top]


def pct(rate: Fraction) -> str:
    """A rate as a percentage with one decimal."""
    return f"{float(rate) * 100:.1f}%"


def fit(lines: list[str], limit: int = REPLY_MAX_BYTES) -> str:
    """Join lines; when too long for WeChat, drop lines before the last and mark the cut."""
    text = "\n".join(lines)
    if len(text.encode()) <= limit:
        return text
    body, last = lines[:-1], lines[-1]
    while body and len("\n".join([*body, t("experts.more"), last]).encode()) > limit:
        body = body[:-1]
    return "\n".join([*body, t("experts.more"), last]).encode()[:limit].decode(errors="ignore")
