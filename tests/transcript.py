"""Runs plain-text conversation transcripts through the real webhook.

Format (one directive a line; `#` starts a comment line):
  @now 2017-11-01T09:00+08:00          fix the clock
  @user OPENID [role=org_admin org=NAME town=TOWN] [role=platform_admin] [unsubscribed]
  @user OPENID role=expert expert=NAME [field=法律]   a follower bound to an expert
  @expert NAME [field=心理] [openid=OPENID] [code=CODE]  an expert (bound when openid is given;
                                                      CODE: an unused binding code for them)
  @stats 2017-11 NAME=40/32 NAME2=3/3                 a month's figures: answers/interacted
  @evaluate 2017-11                                   evaluate the month (queues notifications)
  @settings section.key=VALUE          (before the first message) override a setting (TOML value)
  > text                               the user (last @user) sends text; `> OPENID: text` names one
  > [CLICK] KEY / > [EVENT] subscribe qrscene_x / > [IMAGE]
  > [EVENT] SCAN {checkin:N}           {checkin:N} / {checkout:N}: activity N's check-in / 签退 scene
  < part                               the reply contains part (`\\n` a line break, as in <=)
  <= text                              the reply equals text
  <~ regex                             the reply matches regex (search)
  <!  part                             the reply does not contain part
  <same                                the reply is byte-identical to the previous one
  ? SQL => VALUE                       a query's single value, as text
  !retry                               redeliver the previous message (same MsgId / CreateTime)
  !wait 45m | 2h | 3d                  move the clock on
  !restart                             a new app on the same database and store
  !flushstore                          empty the store (Redis FLUSHDB), as a Redis restart would
  !parallel text a | text b            two messages of the user at the same moment
  @contest YYYY-MM [entries=N] [first=YYYY-MM-DD last=YYYY-MM-DD] [orgs=A,B] [name=PREFIX]
                                       a shortlisted contest round of N approved projects
  !close YYYY-MM                       close that round as `contest close` does
  @org NAME [town=TOWN] [kind=town|youth_home|org] [admin=OPENID]   a registered organisation
  @activity NAME [org=NAME] [month=YYYY-MM] [state=pending|approved|rejected]
            [intentions=goods,contest] [registrations=N]            a filed activity (its own filing)
            [hours=14:00-16:30]                                      on the 10th, at these hours
  @supervisor TOWN code=CODE            an unused binding code for the town's supervisor
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
import threading
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text as sql

from bot.wechat.simulator import Simulator, flask_transport
from core.settings import Settings
from models.accounts import BindingCode
from models.expert_eval import evaluate
from tests.support import Clock, create_org, create_user
from tests.support_experts import create_expert, create_month

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclasses.dataclass
class Step:
    """One line of a transcript."""

    line: int
    kind: str
    arg: str


def parse(path: Path) -> list[Step]:
    """Read a transcript into steps."""
    steps = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.startswith("#"):
            continue
        match = re.match(r"^(@\w+|<same|<=|<~|<!|<|>|\?|!\w+)\s?(.*)$", line)
        if not match:
            raise ValueError(f"{path.name}:{number}: cannot read {line!r}")
        steps.append(Step(number, match.group(1), match.group(2)))
    return steps


def settings_overrides(steps: list[Step]) -> dict[str, Any]:
    """The @settings and platform-admin lines, as settings overrides."""
    overrides: dict[str, Any] = {}
    admins = [s.arg.split()[0] for s in steps if s.kind == "@user" and "role=platform_admin" in s.arg]
    if admins:
        overrides["admins"] = {"openids": admins}
    for step in (s for s in steps if s.kind == "@settings"):
        key, _, value = step.arg.partition("=")
        section, _, name = key.strip().partition(".")
        overrides.setdefault(section, {})[name] = tomllib.loads(f"v = {value.strip()}")["v"]
    return overrides


class Runner:
    """Plays a transcript against apps built by `build`."""

    def __init__(self, name: str, build: Callable[[Settings], Flask], settings: Settings,
                 clock: Clock, double: bool = False) -> None:
        self.name, self.build, self.settings, self.clock = name, build, settings, clock
        self.double = double
        self.app = build(settings)
        self.user = ""
        self.reply = ""
        self.last: tuple[str, dict[str, Any], int] | None = None
        self.sent = 0
        self.previous = ""

    @property
    def sim(self) -> Simulator:
        """A simulator on the current app."""
        return Simulator(self.settings, flask_transport(self.app.test_client()), clock=self.clock)

    def run(self, steps: list[Step]) -> None:
        """Play every step, failing with the transcript's line number."""
        for step in steps:
            try:
                getattr(self, "do_" + KINDS[step.kind])(step.arg)
            except AssertionError as exc:
                raise AssertionError(f"{self.name}:{step.line}: {exc}\nlast reply:\n{self.reply}") from None

    def do_now(self, arg: str) -> None:
        self.clock.set(dt.datetime.fromisoformat(arg.strip()))

    def do_settings(self, arg: str) -> None:
        """Applied before the app was built."""

    def do_user(self, arg: str) -> None:
        openid, *opts = arg.split()
        options = dict(o.split("=", 1) for o in opts if "=" in o)
        with self.app.extensions["youthvoice"].db.session() as session:
            create_user(session, openid, subscribed="unsubscribed" not in opts)
            if options.get("role") == "org_admin":
                self._bind_org(session, openid, options)
            if options.get("role") == "expert":
                create_expert(session, options["expert"], options.get("field", "法律"), openid)
        self.user = openid

    def do_expert(self, arg: str) -> None:
        name, *opts = arg.split()
        options = dict(o.split("=", 1) for o in opts if "=" in o)
        services = self.app.extensions["youthvoice"]
        with services.db.session() as session:
            expert = create_expert(session, name, options.get("field", "法律"), options.get("openid"))
            if "code" in options:
                ttl = dt.timedelta(hours=self.settings.accounts.binding_code_ttl_hours)
                session.add(BindingCode(code=options["code"], kind="expert", target_id=expert.id,
                                        created_at=services.now(), expires_at=services.now() + ttl))

    def do_stats(self, arg: str) -> None:
        month, *pairs = arg.split()
        figures = {}
        for pair in pairs:
            name, _, numbers = pair.partition("=")
            answers, _, interacted = numbers.partition("/")
            figures[name] = (int(answers), int(interacted))
        with self.app.extensions["youthvoice"].db.session() as session:
            create_month(session, month, figures)

    def do_evaluate(self, arg: str) -> None:
        services = self.app.extensions["youthvoice"]
        with services.db.session() as session:
            evaluate(session, arg.strip(), self.settings.experts, services.now())

    @staticmethod
    def _bind_org(session: Any, openid: str, options: dict[str, str]) -> None:
        from sqlalchemy import select

        from models.orgs import OrgAdmin, Organisation

        name = options.get("org", "石龙团委")
        org = session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            create_org(session, name, options.get("town", "石龙"), admins=(openid,))
        else:
            user = create_user(session, openid)
            session.add(OrgAdmin(org_id=org.id, user_id=user.id))

    def do_send(self, arg: str) -> None:
        openid, content = self.user, arg
        head = re.match(r"^(o[\w-]*):\s(.*)$", arg)
        if head:
            openid, content = head.group(1), head.group(2)
        fields = self._fields(self._scenes(content))
        if fields.get("MsgType") != "event":
            self.sent += 1
            fields["MsgId"] = 7_000_000_000_000_000 + self.sent
        created = int(self.clock().timestamp())
        self.last = (openid, fields, created)
        self._deliver()
        if self.double:
            first = self.reply
            self._deliver()
            assert self.reply == first, f"a redelivery answered differently: {self.reply!r}"

    def _scenes(self, content: str) -> str:
        """Put the activity's real scene_str where {checkin:N} or {checkout:N} is written."""
        def scene(match: re.Match[str]) -> str:
            with self.app.extensions["youthvoice"].db.engine.connect() as conn:
                value = conn.execute(sql(f"SELECT {match.group(1)}_scene FROM activities "
                                         "WHERE item_id = :n"), {"n": int(match.group(2))}).scalar()
            assert value, f"activity {match.group(2)} is not published"
            return str(value)

        return re.sub(r"\{(checkin|checkout):(\d+)\}", scene, content)

    @staticmethod
    def _fields(content: str) -> dict[str, Any]:
        match = re.match(r"^\[(CLICK|EVENT|IMAGE|LOCATION)\]\s*(\S*)\s*(\S*)$", content)
        if not match:
            return {"MsgType": "text", "Content": content}
        kind, a, b = match.groups()
        if kind == "CLICK":
            return {"MsgType": "event", "Event": "CLICK", "EventKey": a}
        if kind == "EVENT":
            return {"MsgType": "event", "Event": a, **({"EventKey": b} if b else {})}
        if kind == "IMAGE":
            return {"MsgType": "image", "PicUrl": "http://example.invalid/p.jpg", "MediaId": "m"}
        return {"MsgType": "location", "Location_X": "23.02", "Location_Y": "113.75", "Scale": "15",
                "Label": "东莞"}

    def _deliver(self) -> None:
        assert self.last is not None, "nothing sent yet"
        openid, fields, created = self.last
        status, reply = self.sim.send(openid, dict(fields), create_time=created)
        assert status == 200, f"HTTP {status}: {reply}"
        self.previous, self.reply = self.reply, reply

    def do_contains(self, arg: str) -> None:
        assert arg.replace("\\n", "\n") in self.reply, f"expected the reply to contain {arg!r}"

    def do_lacks(self, arg: str) -> None:
        assert arg not in self.reply, f"expected the reply not to contain {arg!r}"

    def do_equals(self, arg: str) -> None:
        assert self.reply == arg.replace("\\n", "\n"), f"expected the reply to equal {arg!r}"

    def do_matches(self, arg: str) -> None:
        assert re.search(arg, self.reply, re.S), f"expected the reply to match {arg!r}"

    def do_same(self, arg: str) -> None:
        assert self.reply == self.previous, "expected the same reply as before"

    def do_check(self, arg: str) -> None:
        query, _, expected = arg.rpartition("=>")
        with self.app.extensions["youthvoice"].db.engine.connect() as conn:
            value = conn.execute(sql(query.strip())).scalar()
        assert str(value) == expected.strip(), f"{query.strip()} gave {value!r}, expected {expected.strip()}"

    def do_contest(self, arg: str) -> None:
        from tests.support_contest import create_round

        month, *opts = arg.split()
        options = dict(o.split("=", 1) for o in opts)
        with self.app.extensions["youthvoice"].db.session() as session:
            create_round(session, self.settings, month, int(options.get("entries", "3")),
                         options.get("first"), options.get("last"),
                         tuple(options.get("orgs", "石龙团委").split(",")), options.get("name", "项目"))

    def do_close(self, arg: str) -> None:
        from models.contest import close_round

        c = dataclasses.replace(self.settings.contest, frozen_dir=tempfile.mkdtemp())
        with self.app.extensions["youthvoice"].db.session() as session:
            close_round(session, arg.strip(), c, self.clock().astimezone(dt.UTC), "test")

    def do_org(self, arg: str) -> None:
        from models.orgs import OrgKind

        name, *opts = arg.split()
        options = dict(o.split("=", 1) for o in opts)
        admins = (options["admin"],) if "admin" in options else ()
        with self.app.extensions["youthvoice"].db.session() as session:
            create_org(session, name, options.get("town", "石龙"), OrgKind(options.get("kind", "org")), admins)

    def do_activity(self, arg: str) -> None:
        from tests.support_contest import create_item

        name, *opts = arg.split()
        options = dict(o.split("=", 1) for o in opts)
        registrations = options.get("registrations")
        with self.app.extensions["youthvoice"].db.session() as session:
            item = create_item(session, name, options.get("org", "石龙团委"), options.get("month", "2017-11"),
                               tuple(options.get("intentions", "contest").split(",")),
                               options.get("state", "approved"), int(registrations) if registrations else None)
            if "hours" in options:  # hours=14:00-16:30: the filed time with its hours
                item.time_text = f"{item.starts_on} {options['hours'].replace('-', ' 至 ')}"

    def do_supervisor(self, arg: str) -> None:
        town, *opts = arg.split()
        options = dict(o.split("=", 1) for o in opts)
        services = self.app.extensions["youthvoice"]
        ttl = dt.timedelta(hours=self.settings.accounts.binding_code_ttl_hours)
        with services.db.session() as session:
            session.add(BindingCode(code=options["code"], kind="supervisor", target_id=0, target_text=town,
                                    created_at=services.now(), expires_at=services.now() + ttl))

    def do_retry(self, arg: str) -> None:
        self._deliver()

    def do_wait(self, arg: str) -> None:
        match = re.fullmatch(r"(\d+)([smhd])", arg.strip())
        assert match, f"cannot read the wait {arg!r}"
        self.clock.advance(dt.timedelta(**{UNITS[match.group(2)]: int(match.group(1))}))

    def do_restart(self, arg: str) -> None:
        self.app.extensions["youthvoice"].close()
        self.app = self.build(self.settings)

    def do_flushstore(self, arg: str) -> None:
        self.app.extensions["youthvoice"].store.redis.flushdb()

    def do_parallel(self, arg: str) -> None:
        texts = [t.strip() for t in arg.split("|")]
        replies: list[str] = [""] * len(texts)
        created = int(self.clock().timestamp())

        def send(i: int, content: str) -> None:
            fields = {"MsgType": "text", "Content": content, "MsgId": 10**15 + i + created}
            replies[i] = self.sim.send(self.user, fields, create_time=created)[1]

        threads = [threading.Thread(target=send, args=(i, c)) for i, c in enumerate(texts)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.previous, self.reply = self.reply, "\n---\n".join(replies)


KINDS = {"@now": "now", "@user": "user", "@settings": "settings", "@expert": "expert",
         "@stats": "stats", "@evaluate": "evaluate", ">": "send", "<": "contains",
         "<!": "lacks", "<=": "equals", "<~": "matches", "<same": "same", "?": "check",
         "!retry": "retry", "!wait": "wait", "!restart": "restart", "!parallel": "parallel",
         "!flushstore": "flushstore",
         "@contest": "contest", "!close": "close", "@org": "org", "@activity": "activity",
         "@supervisor": "supervisor"}
