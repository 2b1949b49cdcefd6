"""What a follower may do, derived from settings and bindings; the follower found or recorded."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Boolean, TextualSelect, bindparam, column, exists, literal_column, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import Label

from models.accounts import Role, Supervisor, User
from models.base import UTCDateTime
from models.dialogs import DialogDraft
from models.experts import Expert
from models.orgs import OrgAdmin

# Each bound role is one table holding the user's id; all are asked in one round trip.
BOUND_ROLES = ((Role.ORG_ADMIN, OrgAdmin.user_id), (Role.SUPERVISOR, Supervisor.user_id),
               (Role.EXPERT, Expert.user_id))
_USERS = User.__table__
_HELD = [f"held_{i}" for i in range(len(BOUND_ROLES))]
# Whether the follower has a dialog draft: asked in the same query, so a message from someone
# with no draft (nearly everyone) costs no second statement to find that out.
_DRAFT = "has_draft"


def _held(user_id: object) -> list[Label[bool]]:
    return [exists().where(col == user_id).label(name) for (_, col), name in zip(BOUND_ROLES, _HELD, strict=True)]


def _has_draft() -> Label[bool]:
    return exists().where(DialogDraft.openid == User.openid).label(_DRAFT)


# Built once: building and keying these statements cost more than running them, once per message.
FOLLOWER_WITH_ROLES = select(User, *_held(User.id), _has_draft()).where(User.openid == bindparam("openid"))

# PostgreSQL: the follower recorded on first contact, or found, with their roles, in one statement.
# The insert does nothing (and writes nothing) for a known openid; a new row holds no binding yet.
# Text, not a dialect insert: SQLAlchemy does not cache the compiled form of the latter.
def _found_or_new() -> TextualSelect:
    users = User.__tablename__
    held = [f"EXISTS (SELECT 1 FROM {col.table.name} WHERE {col.name} = {users}.id) AS {name}"
            for (_, col), name in zip(BOUND_ROLES, _HELD, strict=True)]
    held.append(f"EXISTS (SELECT 1 FROM {DialogDraft.__tablename__} WHERE openid = {users}.openid) AS {_DRAFT}")
    # Columns by name, in the model's order (the table's own order may differ after migrations).
    cols = ", ".join(c.name for c in _USERS.c)
    sql = (f"WITH new_user AS (INSERT INTO {users} (openid, subscribed, last_message_at, created_at) "
           f"VALUES (:openid, :follows, :now, :now) ON CONFLICT (openid) DO NOTHING RETURNING {cols}) "
           f"SELECT {cols}, {', '.join(f'false AS {name}' for name in [*_HELD, _DRAFT])} FROM new_user "
           f"UNION ALL SELECT {cols}, {', '.join(held)} FROM {users} WHERE openid = :openid")
    columns = [*_USERS.c, *(column(name, Boolean) for name in [*_HELD, _DRAFT])]
    return text(sql).bindparams(bindparam("now", type_=UTCDateTime())).columns(*columns)


FOLLOWER_OR_NEW = select(User, *(literal_column(name) for name in [*_HELD, _DRAFT])).from_statement(_found_or_new())


def follower_with_roles(session: Session, openid: str, admin_openids: list[str], now: dt.datetime,
                        follows: bool) -> tuple[User, frozenset[Role], bool]:
    """The user (recorded on first contact), their roles and whether they have a draft, in one query.

    `follows`: the message proves the user follows the account (WeChat delivers messages only
    from followers), so a user never seen, or recorded as unfollowed, is recorded as a follower;
    their follow time stays unknown (None) until the followers are synced.
    """
    if session.get_bind().dialect.name == "postgresql":
        params = {"openid": openid, "now": now, "follows": follows}
        row = session.execute(FOLLOWER_OR_NEW, params).first()
        if row is None:  # recorded by a concurrent first message after this statement's snapshot
            row = session.execute(FOLLOWER_WITH_ROLES, {"openid": openid}).first()
    else:
        row = session.execute(FOLLOWER_WITH_ROLES, {"openid": openid}).first()
        if row is None:
            user = User(openid=openid, subscribed=follows, last_message_at=now, created_at=now)
            session.add(user)
            session.flush()
            return user, _roles(user, admin_openids, [False] * len(BOUND_ROLES)), False
    assert row is not None
    user = row[0]
    if follows and not user.subscribed:
        user.subscribed, user.subscribed_at, user.unsubscribed_at = True, None, None
    return user, _roles(user, admin_openids, row[1:1 + len(BOUND_ROLES)]), bool(row[-1])


def _roles(user: User, admin_openids: list[str], held: Sequence[bool]) -> frozenset[Role]:
    """The youth role, the platform admin's by settings, and the bound ones held."""
    roles = {Role.YOUTH}
    if user.openid in admin_openids:
        roles.add(Role.PLATFORM_ADMIN)
    roles.update(role for (role, _), has in zip(BOUND_ROLES, held, strict=True) if has)
    return frozenset(roles)
