"""What a follower may do, derived from settings and bindings."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from models.accounts import Role, Supervisor, User
from models.experts import Expert
from models.orgs import OrgAdmin


# Each bound role is one table holding the user's id; all are asked in one round trip.
BOUND_ROLES = ((Role.ORG_ADMIN, OrgAdmin.user_id), (Role.SUPERVISOR, Supervisor.user_id),
               (Role.EXPERT, Expert.user_id))


def roles_of(session: Session, user: User, admin_openids: list[str]) -> frozenset[Role]:
    """Every role the user holds; everyone is at least a youth follower."""
    roles = {Role.YOUTH}
    if user.openid in admin_openids:
        roles.add(Role.PLATFORM_ADMIN)
    held = session.execute(select(*(exists().where(col == user.id) for _, col in BOUND_ROLES))).one()
    roles.update(role for (role, _), has in zip(BOUND_ROLES, held) if has)
    return frozenset(roles)
