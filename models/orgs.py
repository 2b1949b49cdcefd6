"""Organisations that file: town/street committees, Youth Homes, other organisation users."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.accounts import User
from models.base import Base, utcnow

NAME_MAX = 100  # the organisations.name column; names are refused beyond it, not cut


class OrgKind(StrEnum):
    """The plan's three kinds of filing organisation."""

    TOWN = "town"
    YOUTH_HOME = "youth_home"
    ORG = "org"


class Organisation(Base):
    """An organisation user of the Youth Voice platform."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    town: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default=OrgKind.ORG)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OrgAdmin(Base):
    """A follower who administers an organisation; an organisation may have several."""

    __tablename__ = "org_admins"
    __table_args__ = (UniqueConstraint("org_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def add_org(session: Session, name: str, town: str, kind: OrgKind) -> Organisation:
    """Register an organisation."""
    org = Organisation(name=name, town=town, kind=kind)
    session.add(org)
    session.flush()
    return org


def bind_admin(session: Session, user: User, org_id: int) -> str:
    """Make the user an admin of the organisation; return its name."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise LookupError(org_id)
    exists = session.scalar(select(OrgAdmin).where(OrgAdmin.org_id == org_id,
                                                   OrgAdmin.user_id == user.id))
    if exists is None:
        session.add(OrgAdmin(org_id=org_id, user_id=user.id))
    return org.name


def orgs_of(session: Session, user: User) -> list[Organisation]:
    """The organisations this user administers."""
    stmt = (select(Organisation).join(OrgAdmin, OrgAdmin.org_id == Organisation.id)
            .where(OrgAdmin.user_id == user.id).order_by(Organisation.id))
    return list(session.scalars(stmt))


def admin_openids(session: Session, org_id: int) -> list[str]:
    """The openids of an organisation's admins."""
    stmt = (select(User.openid).join(OrgAdmin, OrgAdmin.user_id == User.id)
            .where(OrgAdmin.org_id == org_id).order_by(User.id))
    return list(session.scalars(stmt))
