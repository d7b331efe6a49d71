"""A past as-of day read as it stood at its end, by every reader (issue 19, part 5).

`kefu report deadlines --as-of D` for a day before today folds the deadline events up to the end
of D (services/deadline_query.py `states_at`). The other readers — complaint and claim list, search,
complaint and claim show, the complaint and callback exports — read the same past through `Past`:

- the deadline rows are `states_at(src, end_of(D))`, read once per command: the rows the
  deadline report reads, judged by the same `domain.report.judge`;
- a case row is its row of today with the columns its fold gives laid over it, the fold
  (`domain` `apply`, the one `db verify` and undo run) of its events dated before the end of D:
  a complaint decided on D+3 is still accepted on D, a handler assigned later is not yet its
  handler, a case registered later is absent. Columns no event carries (created_at…) stay.

For today (as-of not before today) `past_of` is None and every reader keeps its fast path on the
current rows. Both report sources (plain sqlite3 and a unit of work) read the same SQL here.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cached_property
from typing import Any

from ..domain.deadlines import RUNNING
from ..domain.timeutil import comparable
from . import clock
from .deadline_query import DeadlineState, end_of, next_order, states_at
from .report_source import sql_rows


def past_of(src, as_of: dt.date) -> Past | None:
    """The past reads of `as_of` on `src` when it is before today (the rule of `report
    deadlines`: `history = as_of < today`), else None."""
    return Past(src, as_of) if as_of < clock.today() else None


def _fold(case_type: str):
    """The case type's fold as `apply(state, action, at, clerk, to_status, details)`."""
    if case_type == "callback":  # the callback fold takes no clerk
        from ..domain.callback import apply

        return lambda s, action, at, _clerk, to_status, details: apply(s, action, at, to_status, details)
    from .core import fold_of

    return fold_of(case_type)


def _typed(key: str, value: Any, like: Any) -> Any:
    """A folded value in the type of the row's column (`like`, today's value)."""
    if not isinstance(value, str):
        return value
    if isinstance(like, dt.datetime) or (like is None and key.endswith("_at")):
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return value
    if isinstance(like, dt.date):
        return dt.date.fromisoformat(value[:10])
    return value


def overlay(row: dict[str, Any], folded: dict[str, Any]) -> dict[str, Any]:
    """`row` (a case as today's columns) with the columns where its fold says otherwise."""
    out = dict(row)
    for k, v in folded.items():
        if k in out and comparable(out[k]) != comparable(v):
            out[k] = _typed(k, v, out[k])
    return out


class Past:
    """The reads of one past as-of day on one report source (a `QuickSource` or a unit of work)."""

    def __init__(self, src, as_of: dt.date) -> None:
        self.src = src
        self.as_of = as_of
        self.until = end_of(as_of)

    @cached_property
    def _deadlines(self) -> dict[tuple[str, str], list[DeadlineState]]:
        """Every deadline started by the end of the day, as it stood then, per case, by id."""
        out: dict[tuple[str, str], list[DeadlineState]] = {}
        for d in sorted(states_at(self.src, self.until), key=lambda d: d.id):
            out.setdefault((d.case_type, d.case_id), []).append(d)
        return out

    def deadlines(self, case_type: str, ids: list[str]) -> dict[str, list[DeadlineState]]:
        """Every deadline of these cases as it stood (any status), by id (`deadline_query.deadlines_of`)."""
        return {i: rows for i in ids if (rows := self._deadlines.get((case_type, i)))}

    def running(self, case_type: str, ids: list[str]) -> dict[str, list[DeadlineState]]:
        """The running deadlines of these cases as they stood, in `next_order` (`deadline_query.running_of`)."""
        out = {}
        for i, rows in self.deadlines(case_type, ids).items():
            running = sorted((d for d in rows if d.status in RUNNING), key=next_order)
            if running:
                out[i] = running
        return out

    def case_ids(self, case_type: str, overdue: bool = False, due_from=None, due_to=None) -> set[str]:
        """The cases with a running deadline overdue on the day (`judge`'s rule, `OVERDUE_SQL`) or
        due in [due_from, due_to], as the deadlines stood."""
        from ..domain.deadlines import DeadlineStatus

        out = set()
        for (ct, cid), rows in self._deadlines.items():
            if ct != case_type:
                continue
            for d in rows:
                if d.status not in RUNNING:
                    continue
                if overdue and not (d.status == DeadlineStatus.OPEN and d.due < self.as_of):
                    continue
                if (due_from and d.due < due_from) or (due_to and d.due > due_to):
                    continue
                out.add(cid)
                break
        return out

    def folds(self, case_type: str, ids: list[str], key: str = "id") -> dict[str, dict]:
        """The fold of each case's events dated before the end of the day; a case registered
        later is absent. The events are read by case (the index on (entity, entity_id, id)) and
        their date compared here: a condition on `at` in the SQL lets the planner take the index on
        (entity, at) instead, which reads every event before the day for each chunk of cases."""
        fold = _fold(case_type)
        out: dict[str, dict] = {}
        for n in range(0, len(ids), 200):
            chunk = ids[n : n + 200]
            marks = ", ".join(f":id{i}" for i in range(len(chunk)))
            params = {"entity": case_type, **{f"id{i}": v for i, v in enumerate(chunk)}}
            sql = (
                "SELECT entity_id, action, at, clerk, to_status, details FROM audit_event"
                f" WHERE entity = :entity AND entity_id IN ({marks}) ORDER BY id"
            )
            for eid, action, at, clerk, to_status, details in sql_rows(self.src, sql, params):
                at = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
                if at.replace(tzinfo=None) >= self.until:
                    continue
                out[eid] = fold(out.get(eid, {}), action, at, clerk, to_status, json.loads(details or "{}"))
        return out

    def rows(self, case_type: str, rows: list[dict[str, Any]], key: str = "id") -> list[dict[str, Any]]:
        """These case rows (dicts of today's columns) as they stood; those registered later left out."""
        folds = self.folds(case_type, [r[key] for r in rows], key)
        return [overlay(r, folds[r[key]]) for r in rows if r[key] in folds]

    def kept(self, case_type: str, rows: list, wanted: dict[str, Any], overdue: bool = False) -> list:
        """These case rows (table rows) as they stood, as objects with the rows' attributes, those
        whose columns then equal `wanted` (and, with `overdue`, with an overdue running deadline
        then); those registered later left out; in the given order."""
        from types import SimpleNamespace

        was = self.rows(case_type, [{k: getattr(r, k) for k in type(r).model_fields} for r in rows])
        late = self.case_ids(case_type, overdue=True) if overdue else None
        return [
            SimpleNamespace(**r)
            for r in was
            if all(r.get(k) == v for k, v in wanted.items()) and (late is None or r["id"] in late)
        ]

    def row(self, case_type: str, row):
        """One case (a table row) as it stood, as an object with the row's attributes; NotFoundError
        when it was registered after the day."""
        from types import SimpleNamespace

        from ..domain.errors import NotFoundError
        from .core import CASES

        ct = CASES[case_type]
        values = {k: getattr(row, k) for k in type(row).model_fields}
        past = self.rows(case_type, [values], ct.key)
        if not past:
            number = values[ct.key]
            raise NotFoundError(f"{ct.zh} {number} 在 {self.as_of} 日终尚未登记(数据截至日早于登记时间)")
        return SimpleNamespace(**past[0])

    def show(self, out: dict[str, Any]) -> dict[str, Any]:
        """A case's `show` dict (its deadlines, its timeline) as it stood: deadlines started later
        left out, the others in their state then, judged on the day; a complaint's callbacks
        scheduled later left out; the timeline up to then."""
        from ..domain.report import judge

        states = {d.id: d for rows in self._deadlines.values() for d in rows}
        events = self._timeline_states(out)
        shown = []
        for d in out.get("deadlines", []):
            st = states.get(d["id"])
            if st is None:
                continue
            was = events.get(d["id"], {})
            met = _typed("met_at", was.get("met_at"), None)
            j = judge(self.src.calendar, self.as_of, st.status, st.due, st.due_at, st.breached, st.paused_at)
            shown.append(
                d
                | {
                    "status": st.status, "due": st.due, "due_at": st.due_at, "provisional": st.provisional,
                    "paused_at": st.paused_at, "met_at": met, "closed_at": _typed("closed_at", was.get("closed_at"), None),
                    "late": bool(met > st.due_at.replace(tzinfo=None)) if met else j.overdue,
                    "breached": j.breached, "working_days_left": j.working_days_left,
                    "left_provisional": j.left_provisional,
                }
            )  # fmt: skip
        out["deadlines"] = shown
        if out.get("callbacks"):  # a complaint's callbacks: those scheduled by then, their status then
            was = self.folds("callback", [k["id"] for k in out["callbacks"]])
            out["callbacks"] = [
                k
                | {
                    "status": was[k["id"]].get("status", k["status"]),
                    "voided": was[k["id"]].get("voided_at") is not None,
                }
                for k in out["callbacks"]
                if k["id"] in was
            ]
        if "events" in out:
            out["events"] = [e for e in out["events"] if e["at"].replace(tzinfo=None) < self.until]
        return out

    def _timeline_states(self, out: dict[str, Any]) -> dict[int, dict]:
        """The last deadline `state` of the show's timeline before the end of the day, per deadline
        id (its met and closed times, which `DeadlineState` does not carry)."""
        return {i: d["state"] for i, d in self._changes(out.get("events", [])).items()}

    def _changes(self, timeline: list[dict]) -> dict[int, dict]:
        """The details of the last change of each deadline in a case's timeline (services/deadlines.py
        `case_timeline`) before the end of the day, per deadline id: its `state` and its basis."""
        last: dict[int, dict] = {}
        for e in timeline:
            if e["entity"] == "deadline" and "state" in e["details"] and e["at"].replace(tzinfo=None) < self.until:
                last[int(e["entity_id"])] = e["details"]
        return last

    def events(self, events: list[dict]) -> list[dict]:
        """A case's events (each with its `at`) dated before the end of the day."""
        return [e for e in events if e["at"].replace(tzinfo=None) < self.until]

    def deadline_rows(self, rows: list, timeline: list[dict]) -> list:
        """A case's deadline rows (today's `Deadline` rows, with the case's timeline) as they stood,
        as objects with the rows' attributes: those started later left out, the others with the
        status, dates, breach and basis their events left them (met and closed times from the
        timeline's last `state`)."""
        from types import SimpleNamespace

        states = {d.id: d for found in self._deadlines.values() for d in found}
        changes = self._changes(timeline)
        out = []
        for d in rows:
            st = states.get(d.id)
            if st is None:
                continue
            was = changes.get(d.id, {})
            values = {k: getattr(d, k) for k in type(d).model_fields}
            state = was.get("state", {})
            values.update(
                status=st.status, due=st.due, due_at=st.due_at.replace(tzinfo=None), provisional=st.provisional,
                breached=st.breached, paused_at=st.paused_at, branch=st.branch, handler=st.handler,
                met_at=_typed("met_at", state.get("met_at"), None),
                closed_at=_typed("closed_at", state.get("closed_at"), None),
                basis=was.get("basis", d.basis),
            )  # fmt: skip
            out.append(SimpleNamespace(**values))
        return out

    def callback_rows(self, events: list[dict], attempts: list, followups: list) -> tuple[list, list]:
        """A callback's attempts and follow-ups (today's rows, with the callback's events) as they
        stood: those made later left out, a follow-up's reply as its `resolve` and `undo` events
        before the end of the day left it (a reply given later not yet given, one taken back later
        still given); as objects with the rows' attributes."""
        from types import SimpleNamespace

        from ..domain.rows import followup_reply

        replies: dict[int, dict] = {}
        for e in self.events(events):
            d = e["details"]
            if e["action"] == "resolve" and d.get("followup_id") is not None:
                replies[int(d["followup_id"])] = followup_reply(e["at"], e["clerk"], d)
            elif e["action"] == "undo" and isinstance(d.get("followup"), dict) and d["followup"].get("id") is not None:
                replies[int(d["followup"]["id"])] = {"reply": None, "resolved_at": None, "resolved_by": None}

        def then(row, **changed):
            return SimpleNamespace(**{k: getattr(row, k) for k in type(row).model_fields} | changed)

        made = [then(a) for a in attempts if a.at.replace(tzinfo=None) < self.until]
        opened = []
        for f in followups:
            if f.opened_at.replace(tzinfo=None) >= self.until:
                continue
            reply = replies.get(f.id)
            if reply is None and f.resolved_at is not None and f.resolved_at.replace(tzinfo=None) >= self.until:
                reply = {"reply": None, "resolved_at": None, "resolved_by": None}
            opened.append(then(f, **(reply or {})))
        return made, opened
