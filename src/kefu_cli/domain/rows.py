"""Folds for the tables that are not case rows: what `db verify` rebuilds from the audit events.

Pure: no I/O. `Rows.apply(event, details)` is called once per audit event in id order; then
`Rows.tables` holds, per table, {key: {column: value}} — every row the events produce, with
every column the events tell. A column an old event does not tell (written before the event
carried it; events are never rewritten) is left out of its row, and so not checked.

- callback_attempt: a callback's `attempt` event (problem: that event, or, before it carried
  the problem, the `problem` event that follows it);
- callback_followup: a callback's `problem` event (attempt and reply deadline: the event, or,
  in old events, the callback's latest attempt and its latest `callback_reply` deadline), its
  `resolve` event, and an `undo` of that reply (open again);
- deadline terms (rule, unit, amount, extra_workdays, paused_days, fixed_due, basis):
  `terms` and `basis` in every deadline event, or, in old events, the `open` event's rule, unit,
  amount and basis and a `resume` event's added days; an old correction (`recompute` with a new
  start) or undo leaves them unchecked from then on (the `state` columns are checked by
  services/verify.py from each event's `state`);
- write times (created_at, updated_at of deadlines and cases): the transaction that wrote them
  (`Txn`), checked against the write time its deadline events and case events carry (`row_time`,
  services/deadlines.py `record`, services/core.py `event`); an old event without it (and an
  event written around the core, e.g. the bulk import's complaint events) tells nothing: such a
  transaction's rows are checked only against each other; created_by: the first event's clerk;
- branch and handler: their add / update / retire events;
- calendar_override: `calendar` `override` events; calendar_notice: `load_notice` events;
- policy_setting: `policy` `set` events (unit and start stored only where they differ from the
  rule's default, as services/policy.py stores them);
- counter: the highest number issued per prefix and day, from the case numbers of the events
  (TS-20261121-0007 the highest -> counter TS-20261121 = 7); a counter row without events is
  accepted only when older than the first case number (an old database's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# The case entities whose ids come from the per-day counters (services/numbering.py).
NUMBERED = frozenset({"complaint", "callback", "claim", "request"})
CASE_NUMBER = re.compile(r"^([A-Z]{2,4}-\d{8})-(\d{4,})$")

# Table names as a verification message gives them.
TABLE_ZH = {
    "callback_attempt": "回访记录",
    "callback_followup": "回访问题跟进",
    "deadline": "期限",
    "branch": "机构",
    "handler": "经办人",
    "calendar_override": "日历调整日",
    "calendar_notice": "日历完整年份",
    "policy_setting": "政策参数",
    "counter": "编号计数器",
}

# Column names as a verification message gives them (the tables above).
COLUMN_ZH = {
    "callback_id": "回访编号",
    "at": "时间",
    "clerk": "操作人",
    "method": "回访方式",
    "result": "回访结果",
    "recording": "录音编号",
    "receipt": "签名回执",
    "note": "说明",
    "problem": "发现的问题",
    "attempt_id": "回访记录编号",
    "deadline_id": "答复期限编号",
    "opened_at": "登记时间",
    "reply": "答复",
    "resolved_at": "答复时间",
    "resolved_by": "答复人",
    "rule": "规则",
    "unit": "单位",
    "amount": "时限数",
    "extra_workdays": "顺延工作日",
    "paused_days": "中止天数",
    "fixed_due": "指定期限",
    "basis": "依据",
    "created_at": "创建时间",
    "created_by": "创建人",
    "updated_at": "更新时间",
    "name": "名称",
    "full_name": "全称",
    "address": "地址",
    "phone": "电话",
    "active": "在用",
    "branch": "机构",
    "workday": "是否工作日",
    "source": "来源文件",
    "loaded_at": "导入时间",
    "loaded_by": "导入人",
    "days": "天数",
    "value": "取值",
    "start": "起算点",
    "updated_by": "修改人",
}


@dataclass(frozen=True, slots=True)
class Txn:
    """A row's write time (created_at / updated_at: the clock's `now` when its transaction ran),
    which no event records: the events carry `at` (the step's time) and their own write stamp.
    What they do tell is which transaction wrote the row (`stamp`, the events' `recorded_at`);
    every row a transaction wrote has the same write time, so services/verify.py checks each
    against the others of its transaction."""

    stamp: Any


@dataclass(frozen=True, slots=True)
class AnyOf:
    """A write time that must be that of one of a row's transactions (`updated_at` of a case:
    some of its events change the row, others — a note — do not)."""

    values: tuple


TERMS = ("rule", "unit", "amount", "extra_workdays", "paused_days", "fixed_due", "basis")


@dataclass
class Rows:
    tables: dict[str, dict[Any, dict]] = field(default_factory=lambda: {t: {} for t in TABLE_ZH})
    # per callback: its latest attempt id and its latest callback_reply deadline id (old events)
    _last_attempt: dict[str, int] = field(default_factory=dict)
    _last_reply_deadline: dict[str, int] = field(default_factory=dict)
    # per case (entity, id): first event's write time and clerk, and every write time
    stamps: dict[tuple[str, str], dict] = field(default_factory=dict)
    # per transaction (its events' write stamp): the rows' write time, where an event carries it
    txn_time: dict[Any, Any] = field(default_factory=dict)
    # per table: the time (`at`) of its first event; for counter the first day a case number names
    first: dict[str, Any] = field(default_factory=dict)

    def older_than_its_events(self, table: str, row: dict) -> bool:
        """A row without events that kefu wrote before it audited its table: seeded by migration
        0007 (branch, handler), or dated before the table's first event (an old database's
        calendar data and counters). Such a row is not checked: no event tells what it was."""
        if row.get("created_by") == "迁移 0007":
            return True
        first = self.first.get(table)
        if first is None:
            return True
        if table == "counter":
            m = re.match(r"^[A-Z]{2,4}-(\d{8})$", str(row.get("key") or ""))
            return m is not None and m.group(1) < first
        stamp = row.get("created_at") or row.get("loaded_at") or row.get("updated_at")
        return stamp is not None and stamp < first

    def apply(self, e: dict, details: dict) -> None:
        entity, action, d = e["entity"], e["action"], details
        fold = _FOLDS.get(entity)
        if fold is not None:
            fold(self, e, action, d)
            table = _FIRST_OF.get((entity, action), entity)
            if table in TABLE_ZH and table not in self.first:
                self.first[table] = e["at"]
        if entity in NUMBERED or entity == "policy_record":
            key = (entity, e["entity_id"])
            st = self.stamps.get(key)
            if st is None:
                st = self.stamps[key] = {"created_at": e["recorded_at"], "created_by": e["clerk"], "times": []}
            st["times"].append(e["recorded_at"])
            if d.get("row_time"):  # the write time itself (case events the core writes carry it)
                self.txn_time[e["recorded_at"]] = d["row_time"]
            if entity == "policy_record":  # where the register's row came from (its fold leaves it out)
                source = (d.get("after") or {}).get("source") if action == "update" else d.get("source")
                if source is not None:
                    st["source"] = source
        if entity in NUMBERED:
            m = CASE_NUMBER.match(e["entity_id"] or "")
            if m is not None:
                day = m.group(1)[-8:]
                if day < self.first.get("counter", "99999999"):
                    self.first["counter"] = day
                counters = self.tables["counter"]
                n = int(m.group(2))
                row = counters.get(m.group(1))
                if row is None or row["value"] < n:
                    counters[m.group(1)] = {"key": m.group(1), "value": n}

    def case_stamps(self, entity: str, case_id: str) -> dict:
        """created_at / created_by / updated_at of a case row, from its events' write times."""
        st = self.stamps.get((entity, case_id))
        if st is None:
            return {}
        out = {
            "created_at": Txn(st["created_at"]),
            "created_by": st["created_by"],
            "updated_at": AnyOf(tuple(st["times"])),
        }
        if "source" in st:
            out["source"] = st["source"]
        return out


def attempt_row(callback_id: str, at, clerk: str, d: dict) -> dict:
    """A callback_attempt row (without its id) from its `attempt` event: services/callbacks.py
    builds the row with it, this fold rebuilds it."""
    return {
        "callback_id": callback_id, "at": at, "clerk": clerk, "method": d.get("method"), "result": d.get("result"),
        "recording": d.get("recording"), "receipt": bool(d.get("receipt")), "note": d.get("note"),
        "problem": d.get("problem"),
    }  # fmt: skip


def followup_row(callback_id: str, at, d: dict) -> dict:
    """A callback_followup row (without its id) from its `problem` event (attempt_id and
    deadline_id as the event names them; an old event's are completed by the fold)."""
    row = {
        "callback_id": callback_id, "attempt_id": d.get("attempt_id"), "problem": d.get("problem"), "opened_at": at,
        "reply": None, "resolved_at": None, "resolved_by": None,
    }  # fmt: skip
    if "deadline_id" in d:
        row["deadline_id"] = d["deadline_id"]
    return row


def followup_reply(at, clerk: str, d: dict) -> dict:
    """The columns a `resolve` event sets on its callback_followup row."""
    return {"reply": d.get("reply"), "resolved_at": at, "resolved_by": clerk}


def _callback(rows: Rows, e: dict, action: str, d: dict) -> None:
    cid = e["entity_id"]
    if action == "attempt" and d.get("attempt_id") is not None:
        aid = int(d["attempt_id"])
        rows._last_attempt[cid] = aid
        rows.tables["callback_attempt"][aid] = {"id": aid, **attempt_row(cid, e["at"], e["clerk"], d)}
    elif action == "problem" and d.get("followup_id") is not None:
        fid = int(d["followup_id"])
        aid = d.get("attempt_id", rows._last_attempt.get(cid))
        attempt = rows.tables["callback_attempt"].get(aid)
        if attempt is not None:
            attempt["problem"] = d.get("problem")
        row = {"id": fid, **followup_row(cid, e["at"], d), "attempt_id": aid}
        if "deadline_id" not in d and cid in rows._last_reply_deadline:
            row["deadline_id"] = rows._last_reply_deadline[cid]
        rows.tables["callback_followup"][fid] = row
    elif action == "resolve" and d.get("followup_id") is not None:
        row = rows.tables["callback_followup"].get(int(d["followup_id"]))
        if row is not None:
            row.update(followup_reply(e["at"], e["clerk"], d))
    elif action == "undo" and isinstance(d.get("followup"), dict):  # an undone reply: the problem is open again
        row = rows.tables["callback_followup"].get(d["followup"].get("id"))
        if row is not None:
            row.update(reply=None, resolved_at=None, resolved_by=None)


def _deadline(rows: Rows, e: dict, action: str, d: dict) -> None:
    did = int(e["entity_id"])
    table = rows.tables["deadline"]
    if action == "open" or did not in table:
        # an old open event tells rule, unit, amount and basis; extra days and a fixed date only
        # from the events that carry `terms`
        row = table[did] = {"id": did, "created_at": Txn(e["recorded_at"])}
        for k in ("rule", "unit", "amount", "basis"):
            if k in d:
                row[k] = d[k]
        if action != "open":  # its open event is missing: the chain check says so
            row.clear()
            row["id"] = did
    row = table[did]
    row["updated_at"] = Txn(e["recorded_at"])
    if d.get("row_time"):  # the write time itself (events since it is carried): its transaction's too
        rows.txn_time[e["recorded_at"]] = d["row_time"]
    terms = d.get("terms")
    if isinstance(terms, dict):  # every event since terms were carried: with the basis beside them
        row.update({k: v for k, v in terms.items() if k in TERMS})
        if "basis" in d:
            row["basis"] = d["basis"]
    elif action == "resume" and "added" in d:
        key = "extra_workdays" if d.get("unit") == "workdays" else "paused_days"
        if key in row:
            row[key] += int(d["added"] or 0)
    elif action == "undo" or (action == "recompute" and "start_before" in d):
        # an old correction may have moved the basis, amount or fixed date: not checked from here on
        for k in ("basis", "amount", "fixed_due", "extra_workdays", "paused_days", "unit", "rule"):
            row.pop(k, None)
    case, kind = d.get("case") or "", d.get("kind")
    if action == "open" and kind == "callback_reply" and case.startswith("callback:"):
        rows._last_reply_deadline[case.split(":", 1)[1]] = did


def _branch(rows: Rows, e: dict, action: str, d: dict) -> None:
    name, table = e["entity_id"], rows.tables["branch"]
    if action == "add":
        table[name] = {
            "name": name, "full_name": d.get("full_name", ""), "address": d.get("address", ""),
            "phone": d.get("phone", ""), "active": True, "created_at": e["at"], "created_by": e["clerk"],
            "updated_at": e["at"],
        }  # fmt: skip
    elif name in table:
        table[name].update(d.get("after") or {})
        if action == "retire":
            table[name]["active"] = False
        table[name]["updated_at"] = e["at"]


def _handler(rows: Rows, e: dict, action: str, d: dict) -> None:
    name, table = e["entity_id"], rows.tables["handler"]
    if action == "add":
        table[name] = {
            "name": name, "branch": d.get("branch", ""), "active": True, "created_at": e["at"],
            "created_by": e["clerk"], "updated_at": e["at"],
        }  # fmt: skip
    elif name in table:
        table[name].update(d.get("after") or {})
        if action == "retire":
            table[name]["active"] = False
        table[name]["updated_at"] = e["at"]


def _calendar(rows: Rows, e: dict, action: str, d: dict) -> None:
    if action == "override":
        after = d.get("after") or {}
        rows.tables["calendar_override"][e["entity_id"]] = {
            "day": e["entity_id"], "workday": after.get("workday"), "name": after.get("name", ""),
            "source": d.get("source", ""), "loaded_at": e["at"], "loaded_by": e["clerk"],
        }  # fmt: skip
    elif action == "load_notice":
        year = int(e["entity_id"])
        rows.tables["calendar_notice"][year] = {
            "year": year, "source": d.get("source", ""), "days": d.get("days"), "loaded_at": e["at"],
            "loaded_by": e["clerk"],
        }  # fmt: skip


def _policy(rows: Rows, e: dict, action: str, d: dict) -> None:
    if action != "set":
        return
    from .policy import DEFAULTS

    key = e["entity_id"]
    default = DEFAULTS.get(key)
    row = {"key": key, "value": d.get("after"), "updated_at": e["at"], "updated_by": e["clerk"]}
    if default is not None:  # stored only where they differ from the default (services/policy.py)
        if "after_unit" in d:
            row["unit"] = None if d["after_unit"] == str(default.unit) else d["after_unit"]
        if "after_start" in d:
            default_start = str(default.start) if default.start else None
            row["start"] = None if d["after_start"] == default_start else d["after_start"]
    rows.tables["policy_setting"][key] = row


# The table an event of a fold writes, where it is not named like its entity.
_FIRST_OF = {
    ("calendar", "override"): "calendar_override",
    ("calendar", "load_notice"): "calendar_notice",
    ("policy", "set"): "policy_setting",
    ("callback", "attempt"): "callback_attempt",
    ("callback", "problem"): "callback_followup",
}

_FOLDS = {
    "callback": _callback,
    "deadline": _deadline,
    "branch": _branch,
    "handler": _handler,
    "calendar": _calendar,
    "policy": _policy,
}
