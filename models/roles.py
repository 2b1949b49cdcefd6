"""What a follower may do, derived from settings and bindings."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from models.accounts import Role, Supervisor, User, get_or_create_user
from models.experts import Expert
from models.orgs import OrgAdmin


# Each bound role is one table holding the user's id; all are asked in one round trip.
BOUND_ROLES = ((Role.ORG_ADMIN, OrgAdmin.user_id), (Role.SUPERVISOR, Supervisor.user_id),
               (Role.EXPERT, Expert.user_id))


# Built once: building and keying this statement cost more than running it, once per message.
FOLLOWER_WITH_ROLES = select(User, *(exists().where(col == User.id) for _, col in BOUND_ROLES)) \
    .where(User.openid == bindparam("openid"))


def follower_with_roles(session: Session, openid: str,
                        admin_openids: list[str]) -> tuple[User, frozenset[Role]]:
    """The follower (created on first contact) and their roles, in one query for a known one."""
    row = session.execute(FOLLOWER_WITH_ROLES, {"openid": openid}).first()
    if row is None:  # a new row holds no binding yet
        user = get_or_create_user(session, openid)
        return user, _roles(user, admin_openids, [False] * len(BOUND_ROLES))
    return row[0], _roles(row[0], admin_openids, row[1:])


def _roles(user: User, admin_openids: list[str], held: Sequence[bool]) -> frozenset[Role]:
    """The youth role, the platform admin's by settings, and the bound ones held."""
    roles = {Role.YOUTH}
    if user.openid in admin_openids:
        roles.add(Role.PLATFORM_ADMIN)
    roles.update(role for (role, _), has in zip(BOUND_ROLES, held) if has)
    return frozenset(roles)
