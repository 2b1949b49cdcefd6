"""What a follower may do, derived from settings and bindings."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from models.accounts import Role, Supervisor, User
from models.experts import Expert
from models.orgs import OrgAdmin


def roles_of(session: Session, user: User, admin_openids: list[str]) -> frozenset[Role]:
    """Every role the user holds; everyone is at least a youth follower."""
    roles = {Role.YOUTH}
    if user.openid in admin_openids:
        roles.add(Role.PLATFORM_ADMIN)
    if session.scalar(select(exists().where(OrgAdmin.user_id == user.id))):
        roles.add(Role.ORG_ADMIN)
    if session.scalar(select(exists().where(Supervisor.user_id == user.id))):
        roles.add(Role.SUPERVISOR)
    if session.scalar(select(exists().where(Expert.user_id == user.id))):
        roles.add(Role.EXPERT)
    return frozenset(roles)
