"""Plain create_* helpers for the filing journey."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from models.filing import Filing
from models.filing_ops import submit_filing
from tests.support import TZ, create_org, create_user

# The export's header row: the form's nine columns (DOMAIN.md), then the city's own.
FORM = ["序号", "镇街", "活动名称", "活动时间", "活动地点", "活动规模", "活动类型", "活动简介", "申请意向"]
EXPORT_HEADERS = [*FORM, "组织", "申报时间", "审核状态", "符合条件", "审核意见", "活动编号"]


def activity(name: str = "青年沙龙", day: str = "2017-11-20", scale: int = 150,
             intentions: tuple[str, ...] = ("goods",), **extra: Any) -> dict[str, Any]:
    """One dialog record, as the filing dialog stores it."""
    record: dict[str, Any] = {
        "town": "石龙", "name": name, "time": {"start": day, "end": day, "clock": None, "text": day},
        "location": "石龙青年之家", "scale": scale, "type": "offline",
        "description": "面向青年的交流沙龙活动", "plan": None, "intentions": list(intentions)}
    record.update(extra)
    return record


def create_filing(session: Session, org_name: str = "石龙团委", admin: str = "o_admin_1",
                  records: list[dict[str, Any]] | None = None,
                  filed_at: dt.datetime | None = None) -> Filing:
    """A submitted filing of an organisation (created with its admin when missing)."""
    from sqlalchemy import select

    from models.orgs import Organisation

    org = session.scalar(select(Organisation).where(Organisation.name == org_name))
    org = org or create_org(session, org_name, admins=(admin,))
    filing, _ = submit_filing(session, token=uuid.uuid4().hex, org_id=org.id,
                              user=create_user(session, admin), records=records or [activity()],
                              now=filed_at or dt.datetime(2017, 11, 12, 9, 0, tzinfo=TZ))
    session.flush()
    return filing
