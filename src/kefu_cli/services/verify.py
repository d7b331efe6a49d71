"""`kefu db verify`: the events are the record — check that they are intact and that every
case row and deadline row is what its events produce.

1. The hash chain (domain/chain.py): every event's hash over its content and the previous
   hash, and the chain head row. An edited, deleted or inserted event breaks it.
2. The projections: each deadline row equals the `state` of its last event; each complaint
   row equals the fold of its events (domain/complaint.apply); each callback's status and end
   time the fold of its events (domain/callback.apply); each claim report, service request and
   policy register row the fold of its events (domain/claims.py apply, domain/requests.py
   apply_request, apply_policy). A row edited, deleted or forged outside kefu is named.
3. Every other table, column by column (domain/rows.py): a deadline's rule, amount, basis and
   the days added to it; callback attempts and follow-ups; the branch and handler lists;
   calendar overrides and complete years; policy settings; the numbering counters (the highest
   number issued per prefix and day); and each case row's created_at / created_by / updated_at
   (the write times of its events). A forged cell names its table, row and column; a row
   without events, or whose events say it exists but is gone, is named too.

Read-only; one pass over the audit log in id order (streamed), then one read per table.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from ..domain import callback as cb
from ..domain import claims as cl
from ..domain import complaint as sm
from ..domain import requests as rq
from ..domain.chain import FIELDS, first_break
from ..domain.effects import deadline_changes, own_details
from ..domain.rows import COLUMN_ZH, TABLE_ZH, AnyOf, Rows, Txn
from ..domain.timeutil import comparable
from ..store import db as store_db
from ..store.callback_models import Callback
from ..store.claim_models import Claim, PolicyRecord, ServiceRequest
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent, AuditHead, Deadline
from .context import unit_of_work
from .deadlines import snapshot
from .numbering import DEMO_MARK

# How many problems to list (the first one is the one to look at).
MAX_PROBLEMS = 20

# Column names as a verification message gives them (complaints and callbacks).
COMPLAINT_ZH = {
    "status": "状态",
    "registered_at": "登记时间",
    "created_by": "登记人",
    "received_at": "接收时间",
    "accepted_at": "受理时间",
    "rejected_at": "不予受理时间",
    "reject_reason": "不予受理理由",
    "transferred_at": "转办时间",
    "decided_at": "处理决定时间",
    "result": "处理决定",
    "withdrawn_at": "撤回时间",
    "review_received_at": "收到核查申请时间",
    "review_decided_at": "核查决定时间",
    "review_result": "核查结果",
    "cause": "根本原因",  # 溯源整改
    "rectify_action": "整改措施",
    "rectify_owner": "整改责任人",
    "rectify_due": "整改期限",
    "rectified_at": "整改完成时间",
    "people": "投诉人数",
    "representatives": "代表",
    "about": "被投诉人",
    "major_reason": "重大投诉原因",
    "major_at": "认定重大投诉时间",
    "escalated_at": "上报应急小组时间",
    "escalated_to": "上报至",
    "materials_complete_at": "材料齐全时间",
    "missing_materials": "缺少的材料",
    "merged_into": "合并至",
    "extension_level": "延期级别",
    "paused_at": "中止时间",
    "branch": "机构",
    "handler": "处理人",
    "ended_at": "结束时间",
    "kind": "回访类型",
    "voided_at": "作废时间",
    "void_reason": "作废原因",
    "reject_note": "不予受理说明",
    "extension_approver": "延期批准人",
    "pause_reason": "中止原因",
    "pause_kind": "中止类型",
    "paused_workdays": "累计中止工作日",
    "name": "姓名",
    "phone": "电话",
    "relation": "与消费者关系",
    "policy_no": "保单号",
    "summary": "投诉内容",
    "category": "类别",
    "channel": "受理方式",
    "regulator_ref": "监管转办编号",
    "regulator_due": "监管报告期限",
    "dispute": "纠纷类型",
    "product_line": "险种",
    "scheduled_at": "约定回访时间",
    "due": "回访期限",
    "receipt_date": "回执签收日",
    "cooling_off_days": "犹豫期",
    "closed_date": "理赔结案日",
    "product": "产品",
}


def _kind(kind: str | None) -> str:
    from ..domain.deadlines import DEADLINE_KIND_ZH, DeadlineKind

    return DEADLINE_KIND_ZH[DeadlineKind(kind)] if kind in set(DeadlineKind) else str(kind)


class _Mismatch:
    """A write time its transaction's other rows do not agree on: never equal to the row's."""


def _same(value: Any, expected: Any) -> bool:
    if value == expected:  # most cells: no text form needed
        return True
    if isinstance(expected, _Mismatch):
        return False
    if isinstance(expected, AnyOf):
        return any(comparable(value) == comparable(v) for v in expected.values)
    return comparable(value) == comparable(expected)


def _write_times(expected: list[tuple[Any, dict]], carried: dict) -> None:
    """Resolve the write times (domain/rows.py Txn, AnyOf) of the rows in `expected` — pairs of
    (the row's created_at/updated_at as stored, its folded row) — in place: the rows one
    transaction wrote must all carry the same time: the one its deadline events carry
    (`carried`, events since they carry it), else the one most of them carry is the
    transaction's, a row that differs is named (no majority: each of them is). A transaction
    that wrote one row only tells nothing about it, and a case's updated_at is checked only when
    the time of every transaction of the case is known."""
    from collections import Counter

    votes: dict[Any, Counter] = {}
    for stored, folded in expected:
        for column in ("created_at", "updated_at"):
            mark = folded.get(column)
            if isinstance(mark, Txn) and column in stored:
                votes.setdefault(mark.stamp, Counter())[comparable(stored[column])] += 1
    time_of: dict[Any, Any] = dict(carried)  # a deadline event carries its transaction's write time
    for stamp, counter in votes.items():
        if stamp in time_of:
            continue
        (value, n), *rest = counter.most_common(2) + [(None, 0)]
        time_of[stamp] = value if n > sum(counter.values()) - n else _Mismatch()
    for _, folded in expected:
        for column in ("created_at", "updated_at"):
            mark = folded.get(column)
            if isinstance(mark, Txn):
                folded[column] = time_of.get(mark.stamp, _Mismatch())
            elif isinstance(mark, AnyOf):  # checked when the time of each of the row's transactions is known
                known = tuple(time_of.get(s) for s in mark.values)
                if all(t is not None and not isinstance(t, _Mismatch) for t in known):
                    folded[column] = AnyOf(known)
                else:
                    del folded[column]


def _differences(row: dict, folded: dict) -> list[str]:
    return [k for k, v in folded.items() if k in row and not _same(row[k], v)]


def _check_table(
    sess, table: str, expected: dict, problems: list[str], name=str, optional=frozenset(), legacy=None
) -> int:
    """Compare every row of `table` with the row its events produce (domain/rows.py), column by
    column; rows without events and rows the events have but the table lost (unless `optional`)
    are named too. Returns how many rows were read."""
    t = _table(table)
    key = next(iter(t.primary_key.columns)).name
    zh = f"{TABLE_ZH[table]}({table})"
    seen: set = set()
    n = 0
    for row in sess.execute(select(t).order_by(t.c[key])).mappings():
        n += 1
        k = row[key]
        k = k.isoformat() if isinstance(k, dt.date) else k
        seen.add(k)
        want = expected.get(k)
        if want is None:
            if legacy is None or not legacy(table, dict(row)):
                problems.append(f"{zh} {name(k)} 没有对应的审计事件: 不是由 kefu 写入的")
            continue
        diff = _differences(dict(row), want)
        if diff:
            cols = "、".join(f"{COLUMN_ZH.get(c, c)}({c})" for c in diff)
            problems.append(f"{zh} {name(k)} 的 {cols} 与其审计事件不符: 被直接改动过")
    for k in sorted(set(expected) - seen - optional, key=str):
        problems.append(f"{zh} {name(k)} 在审计事件中存在,但已从表中删除")
    return n


def _table(name: str):
    from sqlmodel import SQLModel

    from ..store import admin_models, callback_models, master_models, models  # noqa: F401  (register tables)

    return SQLModel.metadata.tables[name]


def _check_cases(
    sess, model, folds: dict[str, dict], zh: str, history: str, problems: list[str], key: str = "id"
) -> int:
    """Compare every row of `model` with the fold of its events; returns how many rows were read."""
    seen: set[str] = set()
    for row in sess.execute(select(model).order_by(getattr(model, key))).scalars():
        rid = getattr(row, key)
        seen.add(rid)
        folded = folds.get(rid)
        if folded is None:
            problems.append(f"{zh} {rid} 没有登记事件: 不是由 kefu 登记的")
            continue
        diff = _differences({k: getattr(row, k) for k in folded if hasattr(row, k)}, folded)
        if diff:
            names = "、".join(COMPLAINT_ZH.get(k) or cl.COLUMN_ZH.get(k) or COLUMN_ZH.get(k, k) for k in diff)
            problems.append(f"{zh} {rid} 的记录与其{history}不符({names}): 被直接改动过")
    for cid in sorted(set(folds) - seen):
        problems.append(f"{zh} {cid} 在审计事件中存在,但已从表中删除")
    return len(seen)


def verify(db: str | None) -> dict:
    """The verification report: {database, ok, chain {...}, checked {...}, problems [...]}."""
    problems: list[str] = []
    with unit_of_work(db, write=False) as uow:
        sess = uow.session
        cols = [getattr(AuditEvent, f) for f in ("id", *FIELDS, "prev_hash", "hash")]
        events = sess.execute(select(*cols).order_by(AuditEvent.id).execution_options(yield_per=5000))

        complaints: dict[str, dict] = {}
        callbacks: dict[str, dict] = {}
        claims: dict[str, dict] = {}
        requests: dict[str, dict] = {}
        policies: dict[str, dict] = {}
        deadline_state: dict[str, dict] = {}
        callback_due: dict[str, dict] = {}  # each callback's `callback` deadline open event (old add events)
        rows = Rows()

        def stream():
            for r in events:
                e = dict(r._mapping)
                try:
                    details = json.loads(e["details"] or "{}")
                except ValueError:  # an event edited outside kefu: the chain check names it
                    details = {}
                if not isinstance(details, dict):
                    details = {}
                changes = list(deadline_changes(e, details))  # the deadlines it changed (domain/effects.py)
                details = own_details(details)
                entity, eid = e["entity"], e["entity_id"]
                if entity != "deadline":
                    rows.apply(e, details)
                if entity == "complaint":
                    complaints[eid] = sm.apply(
                        complaints.get(eid, {}), e["action"], e["at"], e["clerk"], e["to_status"], details
                    )
                elif entity == "callback":
                    if e["action"] == "add":
                        details = cb.old_add_details(
                            details, callback_due.get(eid), complaints.get(details.get("complaint_id") or "")
                        )
                    callbacks[eid] = cb.apply(callbacks.get(eid, {}), e["action"], e["at"], e["to_status"], details)
                elif entity == "claim":
                    claims[eid] = cl.apply(
                        claims.get(eid, {}), e["action"], e["at"], e["clerk"], e["to_status"], details
                    )
                elif entity == "request":
                    requests[eid] = rq.apply_request(
                        requests.get(eid, {}), e["action"], e["at"], e["clerk"], e["to_status"], details
                    )
                elif entity == "policy_record":
                    policies[eid] = rq.apply_policy(policies.get(eid, {}), e["action"], details)
                for change, d in changes:
                    rows.apply(change, d)
                    if "state" in d:
                        deadline_state[change["entity_id"]] = d["state"]
                        if change["action"] == "open" and d.get("kind") == "callback":
                            callback_due[d["state"].get("case_id")] = d
                yield e

        walk = stream()
        brk, head_hash, last_id, n = first_break(walk)
        if brk is not None:
            problems.append(brk.reason)
            for _ in walk:  # fold the rest too: the case checks below still say what else changed
                n += 1
        head = sess.get(AuditHead, 1)
        if brk is None and head is not None and (head.hash != head_hash or head.events != n):
            problems.append(
                f"链头记录(audit_head #1: {head.events} 条, {head.hash[:12]}…)与审计事件({n} 条, {head_hash[:12]}…)"
                f"不符({'、'.join(k for k, bad in (('hash', head.hash != head_hash), ('events', head.events != n)) if bad)}): "
                "最新的审计事件被删除或链头被改动过"
            )
        if brk is None and head is None and n:
            problems.append("缺少链头记录(audit_head #1): 数据库被改动过")

        # the rows' write times: the same for every row one transaction wrote (domain/rows.py Txn)
        cases = ((Complaint, "complaint", complaints, "id"), (Callback, "callback", callbacks, "id"),
                 (Claim, "claim", claims, "id"), (ServiceRequest, "request", requests, "id"),
                 (PolicyRecord, "policy_record", policies, "policy_no"))  # fmt: skip
        for _, entity, folds, _ in cases:
            for cid, folded in folds.items():
                folds[cid] = {**rows.case_stamps(entity, cid), **folded}
        written = []
        for did, created, updated in sess.execute(select(Deadline.id, Deadline.created_at, Deadline.updated_at)):
            if did in rows.tables["deadline"]:
                written.append(({"created_at": created, "updated_at": updated}, rows.tables["deadline"][did]))
        for model, _, folds, key in cases:
            for rid, created in sess.execute(select(getattr(model, key), model.created_at)):
                if rid in folds:
                    written.append(({"created_at": created}, folds[rid]))
        _write_times(written, rows.txn_time)

        rows_checked = {"complaint": 0, "callback": 0, "deadline": 0}
        # deadlines: each row is the state of its last event, and every event's deadline exists
        seen: set[str] = set()
        for d in sess.execute(select(Deadline).order_by(Deadline.id)).scalars():
            rows_checked["deadline"] += 1
            key = str(d.id)
            seen.add(key)
            state = deadline_state.get(key)
            if state is None:
                problems.append(f"期限 #{d.id}({d.case_id} {_kind(d.kind)})没有任何审计事件: 不是由 kefu 写入的")
                continue
            diff = _differences(snapshot(d), state)
            terms = rows.tables["deadline"].get(d.id) or {}
            diff += [k for k in _differences({k: getattr(d, k) for k in terms if k != "id"}, terms) if k not in diff]
            if diff:
                problems.append(
                    f"期限 #{d.id}({d.case_id} {_kind(d.kind)})与其审计事件不符(字段: {'、'.join(diff)}): 被直接改动过"
                )
        for key in sorted(set(deadline_state) - seen, key=int):
            st = deadline_state[key]
            problems.append(f"期限 #{key}({st.get('case_id')} {_kind(st.get('kind'))})在审计事件中存在,但已从表中删除")

        for model, folds, zh, history in (
            (Complaint, complaints, "投诉", "办理历史"),
            (Callback, callbacks, "回访", "回访历史"),
            (Claim, claims, "理赔报案", "办理历史"),
            (ServiceRequest, requests, "保全请求", "办理历史"),
        ):
            rows_checked[model.__tablename__] = _check_cases(sess, model, folds, zh, history, problems)
        rows_checked["policy_record"] = _check_cases(
            sess, PolicyRecord, policies, "保单登记簿中的保单", "登记历史", problems, key="policy_no"
        )
        counters = rows.tables["counter"]
        counters[DEMO_MARK] = {"key": DEMO_MARK, "value": 1}  # `kefu demo` marks its own database
        names = {"deadline": lambda k: f"#{k}", "callback_attempt": lambda k: f"#{k}",
                 "callback_followup": lambda k: f"#{k}"}  # fmt: skip
        for table in ("callback_attempt", "callback_followup", "branch", "handler", "calendar_override",
                      "calendar_notice", "policy_setting", "counter"):  # fmt: skip
            rows_checked[table] = _check_table(
                sess,
                table,
                rows.tables[table],
                problems,
                names.get(table, str),
                frozenset({DEMO_MARK}),
                rows.older_than_its_events,
            )

    return {
        "database": store_db.safe_url(uow.url),
        "ok": not problems,
        "chain": {"events": n, "head": head_hash, "head_event_id": last_id, "intact": brk is None},
        "checked": rows_checked,
        "problems": problems[:MAX_PROBLEMS],
        "problem_count": len(problems),
    }
