"""The supervision queries: bindings, the campaign's window, support counts, unfiled organisations."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.settings import EXAMPLE_CONFIG, Settings, read_toml, settings_from_dict
from models import supervision as sv
from models.accounts import BindingCode
from models.filing import Intention, ReviewState
from models.orgs import OrgAdmin, OrgKind
from models.support import goods_quantity
from tests.support import create_org, create_user
from tests.support_contest import create_item
from tests.support_supervisor import campaign_item

INTENTIONS = [i.value for i in Intention]
RULES = settings_from_dict(read_toml(EXAMPLE_CONFIG)).support  # the plan's numbers


def test_org_figures_count_an_organisation_with_two_admins_once(app: Flask) -> None:
    """Admins are counted by organisation; other towns' organisations are not counted."""
    with app.extensions["youthvoice"].db.session() as s:
        org = create_org(s, "石龙团委", "石龙", OrgKind.TOWN, admins=("o_a", "o_b"))
        create_org(s, "石龙青年之家", "石龙", OrgKind.YOUTH_HOME)
        create_org(s, "虎门团委", "虎门", OrgKind.TOWN, admins=("o_c",))
        assert len(s.query(OrgAdmin).filter_by(org_id=org.id).all()) == 2
        figures = sv.org_figures(s, "石龙")
    assert figures == sv.OrgFigures({"town": 1, "youth_home": 1}, 1) and figures.total == 2


def test_the_campaign_window_includes_both_ends(app: Flask, settings: Settings) -> None:
    """Activities starting on the first and last day count; a day outside does not."""
    campaign = dataclasses.replace(settings.campaign, activities_from=dt.date(2017, 11, 10),
                                   activities_to=dt.date(2017, 12, 10))
    with app.extensions["youthvoice"].db.session() as s:
        for month in ("2017-11", "2017-12"):       # create_item starts activities on the 10th
            create_item(s, f"活动{month}", "石龙团委", month)
        create_item(s, "早", "石龙义工", "2017-10")
        create_item(s, "晚", "石龙义工", "2018-01")
        names = [i.name for i in sv.campaign_items(s, "石龙", campaign)]
        late = dataclasses.replace(campaign, activities_from=dt.date(2017, 11, 11))
        assert [i.name for i in sv.campaign_items(s, "石龙", late)] == ["活动2017-12"]
        assert sv.unfiled_orgs(s, "石龙", sv.campaign_items(s, "石龙", campaign)) == ["石龙义工"]
    assert names == ["活动2017-11", "活动2017-12"]


def test_filing_figures_count_filings_and_every_state() -> None:
    """Two activities of one filing are one filing; states absent still show as 0."""
    items = [campaign_item(dt.date(2017, 11, 1), [], 10, ReviewState.PENDING) for _ in range(2)]
    figures = sv.filing_figures(items)
    assert (figures.filings, figures.activities) == (1, 2)
    assert figures.by_state == {"pending": 2, "approved": 0, "rejected": 0}


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(INTENTIONS), unique=True),
                          st.integers(1, 500), st.sampled_from(list(ReviewState)),
                          st.one_of(st.none(), st.integers(0, 500))), max_size=8))
def test_support_figures_follow_the_rules(rows: list) -> None:
    """Applied counts every non-rejected request; eligible and goods follow the plan's numbers."""
    rules = RULES
    items = [campaign_item(dt.date(2017, 11, 5), i, scale, state, regs) for i, scale, state, regs in rows]
    live = [(i, (regs if regs is not None else scale)) for i, scale, state, regs in rows
            if state != ReviewState.REJECTED]
    figures = sv.support_figures(items, rules)
    for intention in INTENTIONS:
        assert figures.applied.get(intention, 0) == sum(intention in i for i, _ in live)
        assert figures.eligible.get(intention, 0) <= figures.applied.get(intention, 0)
    goods = [n for i, n in live if "goods" in i and n > rules.goods_min_participants]
    assert figures.eligible.get("goods", 0) == len(goods)
    assert figures.goods_items == sum(goods_quantity(n, rules) for n in goods)
    # co-hosting goes by the planned scale; training by participants (none recorded here), else the plan
    planned = [(i, scale) for i, scale, state, _ in rows if state != ReviewState.REJECTED]
    assert figures.cohost == sum("linkage" in i and n > rules.linkage_cohost_min for i, n in planned)
    assert figures.lecturer == sum("training" in i and n >= rules.training_support_min for i, n in planned)
    assert figures.eligible.get("training", 0) == figures.applied.get("training", 0)


def test_a_supervisor_code_without_a_town_binds_nothing(app: Flask) -> None:
    """A malformed code (no town) is a LookupError, as a missing row is for other kinds."""
    with app.extensions["youthvoice"].db.session() as s:
        user = create_user(s, "o_sup")
        with pytest.raises(LookupError):
            sv.bind_supervisor(s, user, BindingCode(id=9, code="X", kind=sv.KIND, target_id=0))
        assert sv.towns_of(s, user) == []
