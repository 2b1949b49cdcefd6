"""What a follower may do, derived from settings and bindings; the follower found or recorded."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import bindparam, exists, select, text
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.sql.elements import Label, TextClause

from models.accounts import Role, Supervisor, User
from models.base import json_utc, run_driver_sql, stored_utc
from models.dialogs import DialogDraft
from models.experts import Expert
from models.orgs import OrgAdmin

# Each bound role is one table holding the user's id; all are asked in one round trip.
BOUND_ROLES = ((Role.ORG_ADMIN, OrgAdmin.user_id), (Role.SUPERVISOR, Supervisor.user_id),
               (Role.EXPERT, Expert.user_id))
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
# Only what a message needs comes back, as one JSON array (the driver and SQLAlchemy describe each
# column of each result, which costs more than the values): the bound roles as one bit each
# (BOUND_ROLES' order), times as ISO text. The rest of the user loads if a handler asks.
def _found_or_new() -> TextClause:
    users = User.__tablename__
    # Parenthesised: PostgreSQL gives << and | the same precedence, left to right.
    bits = " | ".join(f"((EXISTS (SELECT 1 FROM {col.table.name} WHERE {col.name} = {users}.id))::int << {i})"
                      for i, (_, col) in enumerate(BOUND_ROLES))
    draft = f"EXISTS (SELECT 1 FROM {DialogDraft.__tablename__} WHERE openid = {users}.openid)"
    return text(
        f"WITH new_user AS (INSERT INTO {users} (openid, subscribed, last_message_at, created_at) "
        f"VALUES (:openid, :follows, :now, :now) ON CONFLICT (openid) DO NOTHING "
        f"RETURNING id, subscribed, last_message_at) "
        f"SELECT json_build_array(id, subscribed, last_message_at, 0, false) FROM new_user "
        f"UNION ALL SELECT json_build_array(id, subscribed, last_message_at, {bits}, {draft}) "
        f"FROM {users} WHERE openid = :openid")


FOUND_OR_NEW = _found_or_new()


def follower_with_roles(session: Session, openid: str, admin_openids: list[str], now: dt.datetime,
                        follows: bool) -> tuple[User, frozenset[Role], bool]:
    """The user (recorded on first contact), their roles and whether they have a draft, in one query.

    `follows`: the message proves the user follows the account (WeChat delivers messages only
    from followers), so a user never seen, or recorded as unfollowed, is recorded as a follower;
    their follow time stays unknown (None) until the followers are synced.
    """
    if session.get_bind().dialect.name == "postgresql":
        found = _found_or_new_postgresql(session, openid, now, follows)
        if found is not None:
            user, held, has_draft = found
            return _followed(user, follows), _roles(user, admin_openids, held), has_draft
        # None: recorded by a concurrent first message after this statement's snapshot
    row = session.execute(FOLLOWER_WITH_ROLES, {"openid": openid}).first()
    if row is None:
        user = User(openid=openid, subscribed=follows, last_message_at=now, created_at=now)
        session.add(user)
        session.flush()
        return user, _roles(user, admin_openids, [False] * len(BOUND_ROLES)), False
    user = row[0]
    return _followed(user, follows), _roles(user, admin_openids, row[1:1 + len(BOUND_ROLES)]), bool(row[-1])


def _found_or_new_postgresql(session: Session, openid: str, now: dt.datetime,
                             follows: bool) -> tuple[User, list[bool], bool] | None:
    """FOUND_OR_NEW, its row made a persistent User of this session (no second load)."""
    row = run_driver_sql(session, FOUND_OR_NEW, {"openid": openid, "now": stored_utc(now), "follows": follows})
    if row is None:
        return None
    user_id, subscribed, last_message_at, bits, has_draft = row[0]
    user = User(id=user_id, openid=openid, subscribed=subscribed, last_message_at=json_utc(last_message_at))
    make_transient_to_detached(user)  # as loaded: no pending changes; the other columns load on use
    session.add(user)
    return user, [bool(bits >> i & 1) for i in range(len(BOUND_ROLES))], bool(has_draft)


def unread_sender(openid: str, admin_openids: list[str], follows: bool) -> tuple[User, frozenset[Role]]:
    """The sender of a message whose one statement finds or records them itself (a vote on
    PostgreSQL): unsaved, with no id, and the roles settings give (a vote's route needs no more)."""
    user = User(openid=openid, subscribed=follows)
    return user, _roles(user, admin_openids, [False] * len(BOUND_ROLES))


def _followed(user: User, follows: bool) -> User:
    """A message that proves following makes a user recorded as unfollowed a follower again."""
    if follows and not user.subscribed:
        user.subscribed, user.subscribed_at, user.unsubscribed_at = True, None, None
    return user


def _roles(user: User, admin_openids: list[str], held: Sequence[bool]) -> frozenset[Role]:
    """The youth role, the platform admin's by settings, and the bound ones held."""
    roles = {Role.YOUTH}
    if user.openid in admin_openids:
        roles.add(Role.PLATFORM_ADMIN)
    roles.update(role for (role, _), has in zip(BOUND_ROLES, held, strict=True) if has)
    return frozenset(roles)
