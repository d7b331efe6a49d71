"""The facts of a complaint that a notice tells (告知书的内容): dates, deadlines answered, the
handling so far, the letterhead — read from the case, its events and its deadline rows
(services/notices.py fills a template with them)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..domain import complaint as sm
from ..domain import notices as nd
from ..domain.codes import CATEGORIES, label
from ..domain.deadlines import RUNNING, DeadlineKind, DeadlineStatus
from ..domain.errors import InputError, RuleError
from ..domain.notices import NoticeType, zh_date
from ..domain.policy import Start, Unit
from ..domain.text import clean_text

if TYPE_CHECKING:
    from ..store.complaint_models import Complaint
    from .context import UnitOfWork
    from .report_source import QuickSource

    Source = QuickSource | UnitOfWork

CASE = "complaint"
TEMPLATES_ENV = "KEFU_TEMPLATES"
MISSING_ADDRESS = "（未登记地址）"
MISSING_PHONE = "（未登记客服电话）"
DEFAULT_RECIPIENT = "监管部门"
FIELD_NOTES = "字段说明.txt"


# --- the facts of a case ----------------------------------------------------------------------
# Read as SQL text on either source (services/report_source.py): a preview on a SQLite file runs
# on plain sqlite3 without the ORM; a unit of work (issuing, PostgreSQL…) reads the same rows.
_DAY_COLUMNS = frozenset({"regulator_due", "due", "fixed_due"})


def typed(names, values) -> SimpleNamespace:
    """A row as the ORM gives it: DATE columns as dates, `at` and *_at columns as datetimes."""
    from .deadline_query import day_of, when_of

    out: dict[str, Any] = dict(zip(names, values, strict=True))
    for k, v in out.items():
        if v is not None and k in _DAY_COLUMNS:
            out[k] = day_of(v)
        elif k == "at" or k.endswith("_at"):
            out[k] = when_of(v)
    return SimpleNamespace(**out)


def _rows(src: Source, sql: str, params: dict) -> list[SimpleNamespace]:
    if hasattr(src, "conn"):  # plain sqlite3: the column names from the cursor
        cur = src.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [typed(names, r) for r in cur.fetchall()]
    from sqlalchemy import text

    result = src.session.execute(text(sql), params)
    names = list(result.keys())
    return [typed(names, r) for r in result.all()]


def complaint_row(src: Source, complaint_id: str) -> SimpleNamespace | None:
    """The complaint's row (every column) by its exact number, or None."""
    rows = _rows(src, "SELECT * FROM complaint WHERE id = :id", {"id": complaint_id})
    return rows[0] if rows else None


def case_events(src: Source, c: Complaint) -> list[SimpleNamespace]:
    """The complaint's events that stand: a step reversed by `complaint undo` (and the undo
    itself) is left out, so an undone pause or extension is neither told nor reported."""
    events = _rows(
        src,
        "SELECT id, at, action, details FROM audit_event WHERE entity = :e AND entity_id = :id ORDER BY id",
        {"e": CASE, "id": c.id},
    )
    undone = {i for e in events if e.action == "undo" for i in details_of(e).get("undone", [])}
    return [e for e in events if e.action != "undo" and e.id not in undone]


def details_of(e) -> dict:
    return json.loads(e.details or "{}") if e is not None else {}


def last_event(events: list, action: str):
    return next((e for e in reversed(events) if e.action == action), None)


def kind_rows(src: Source, c: Complaint, kind: str) -> list[SimpleNamespace]:
    """The complaint's deadline rows of `kind` (id, due, status), oldest first, voided ones left out."""
    rows = _rows(
        src,
        "SELECT id, due, status FROM deadline WHERE case_type = :t AND case_id = :id AND kind = :k ORDER BY id",
        {"t": CASE, "id": c.id, "k": str(kind)},
    )
    return [d for d in rows if d.status != DeadlineStatus.VOID]


def branch_letterhead(src: Source, name: str | None) -> dict:
    """The branch's full name, address and service phone ({} when it is not on the list)."""
    rows = _rows(src, "SELECT full_name, address, phone FROM branch WHERE name = :n", {"n": (name or "").strip()})
    return vars(rows[0]) if rows else {}


def _current(rows: list):
    """The running row of a kind, else the latest one."""
    running = [d for d in rows if d.status in RUNNING]
    return (running or rows or [None])[-1]


def _due_at_pause(src: Source, c: Complaint, pause) -> dt.date | None:
    """The decision's due date as it stood when the clock stopped (its `pause` deadline event)."""
    from .deadline_query import timeline_of

    ids = [d.id for d in kind_rows(src, c, DeadlineKind.DECISION)]
    for e in timeline_of(src, CASE, c.id, ids):
        due = e["details"].get("state", {}).get("due")
        if e["entity"] == "deadline" and e["action"] == "pause" and e["at"] == pause.at and due:
            return dt.date.fromisoformat(due)
    return None


def answered_due(uow: Source, c: Complaint, kind: NoticeType, events: list) -> dt.date | None:
    """The due date of the deadline a notice of `kind` answers (domain/notices.py `ANSWERS`): an
    extension notice is measured against the period the complainant was promised before it, a
    pause notice against the decision's due date when the clock stopped (None: not recorded)."""
    current = _current(kind_rows(uow, c, nd.ANSWERS[kind]))
    due = current.due if current else None
    if kind is NoticeType.EXTENSION:
        before = details_of(last_event(events, "extend")).get("due_before")
        return dt.date.fromisoformat(before) if before else None
    if kind is NoticeType.PAUSE:
        pause = last_event(events, "pause")
        return (_due_at_pause(uow, c, pause) if pause is not None else None) or due
    return due


def _period_text(uow: Source, rule: str) -> str:
    """A period of the policy table as a letter says it: 自收到完整材料之日起10个工作日."""
    r = uow.policy.rule(rule)
    start = "自收到完整材料之日起" if r.start is Start.COMPLETE else "自收到投诉之日起"
    unit = {Unit.WORKDAYS: "个工作日", Unit.DAYS: "日", Unit.HOURS: "小时"}.get(r.unit, str(r.unit))
    return f"{start}{r.value}{unit}"


# The steps of a case as a report to the regulator tells them.
def _handling(c: Complaint, events: list) -> str:
    parts = [f"{zh_date(c.received_at)}收到转办的投诉并登记"]
    for e in events:
        d = details_of(e)
        day = zh_date(e.at)
        if e.action == "investigate":
            parts.append(f"{day}开始调查核实")
        elif e.action == "notify":
            parts.append(f"{day}告知投诉人补充材料")
        elif e.action == "materials_complete":
            parts.append(f"{day}收到完整材料")
        elif e.action == "accept":
            parts.append(f"{day}予以受理")
        elif e.action == "reject":
            reason = label(sm.REJECT_REASONS, d.get("reason"))
            parts.append(f"{day}决定不予受理" + (f"（{reason}）" if reason else ""))
        elif e.action == "transfer":
            parts.append(f"{day}转{d.get('to') or '相关单位'}处理")
        elif e.action == "extend":
            level = nd.EXTENSION_LEVEL_ZH.get(d.get("level") or "", "")
            due = d.get("due_after")
            parts.append(f"{day}因{level}延长处理期限" + (f"至{zh_date(dt.date.fromisoformat(due))}" if due else ""))
        elif e.action == "pause":
            parts.append(f"{day}因{d.get('reason') or '外部鉴定'}中止计算处理期限")
        elif e.action == "resume":
            parts.append(f"{day}恢复处理")
        elif e.action == "merge_in":
            parts.append(f"{day}收到投诉人新的事实和理由,合并处理")
        elif e.action == "decide":
            parts.append(f"{day}作出处理决定")
        elif e.action == "withdraw":
            parts.append(f"{day}投诉人撤回投诉")
        elif e.action == "review":
            parts.append(f"{day}收到投诉人的核查(复核)申请")
        elif e.action == "review_decide":
            parts.append(f"{day}作出核查(复核)决定({label(sm.REVIEW_RESULTS, d.get('result'))})")
    return nd.zh_punct("；".join(parts) + "。")


def _result_for_regulator(c: Complaint, decision_due: dt.date | None, notice_on: dt.date) -> str:
    status = sm.Status(c.status)
    if status is sm.Status.DECIDED:
        return f"本公司于{zh_date(c.decided_at)}作出处理决定：{_sentence(c.result)}"
    if status is sm.Status.REJECTED:
        reason = label(sm.REJECT_REASONS, c.reject_reason)
        return nd.zh_punct(f"本公司于{zh_date(c.rejected_at)}决定不予受理,理由: {reason}。")
    if status is sm.Status.TRANSFERRED:
        return nd.transfer_wording(c.transfer_to or "相关单位", bool(c.transfer_internal), c.transferred_at)
    if status is sm.Status.WITHDRAWN:
        return f"投诉人已于{zh_date(c.withdrawn_at)}撤回投诉，本公司已终止处理。"
    if status is sm.Status.MERGED:
        return f"该投诉已并入投诉 {c.merged_into} 合并处理。"
    if status is sm.Status.PAUSED:
        why = "调解" if c.pause_kind == sm.PauseKind.MEDIATION else "外部鉴定、检测或评估"
        return f"目前因{why}中止计算处理期限，相关工作完成后本公司将继续处理并告知投诉人。"
    if decision_due is None or decision_due < notice_on:
        return "目前正在办理中，本公司将尽快作出处理决定并告知投诉人。"
    return f"目前正在办理中，本公司将于{zh_date(decision_due)}前作出处理决定并告知投诉人。"


def _pause_kind(details: dict) -> sm.PauseKind:
    """The kind of a pause event (one written before pauses had kinds: an outside appraisal)."""
    kind = details.get("kind") or sm.OLD_PAUSE_KIND.value
    return sm.PauseKind(kind) if kind in {k.value for k in sm.PauseKind} else sm.OLD_PAUSE_KIND


def _sentence(text: str | None) -> str:
    """A clerk's text as a sentence of the letter: one line, ending in a full stop."""
    t = " ".join((text or "").split())
    return t if not t or t[-1] in "。！？.!?；;" else t + "。"


@dataclass
class Facts:
    """What a notice of one case says, and the deadline it answers."""

    context: dict[str, str]
    warnings: list[str]
    missing_letterhead: list[str]  # what the branch list lacks for a letter that goes out: 全称, 地址, 客服电话
    deadline_kind: str
    due: dt.date | None
    handler: str = ""  # the case's handler ("": none, the letter names the service desk)


def facts(
    uow: Source,
    c: Complaint,
    kind: NoticeType,
    *,
    notice_at: dt.datetime,
    materials: str | None = None,
    reason: str | None = None,
    recipient: str | None = None,
    reissue: bool = False,
    note_for_customer: bool = False,
) -> Facts:
    """The fields of `kind` for complaint `c` (RuleError when the notice does not fit the case, or
    tells of a step the case has left behind and is not a `reissue`). The clerk's internal note
    (a rejection's `--note`) goes into the letter only with `note_for_customer`."""
    if c.voided_at is not None:
        raise RuleError(f"投诉 {c.id} 已作废({c.void_reason}),不能再发出告知书")
    events = case_events(uow, c)
    nd.check_fits(
        kind,
        case_id=c.id,
        status=c.status,
        status_zh=sm.STATUS_ZH[sm.Status(c.status)],
        accepted=c.accepted_at is not None,
        extended=bool(c.extension_level),
        paused_ever=last_event(events, "pause") is not None,
        regulator=c.channel == "regulator" and bool(c.regulator_ref),
    )
    behind = nd.left_behind(kind, case_id=c.id, status=c.status, status_zh=sm.STATUS_ZH[sm.Status(c.status)])
    if behind is not None and not reissue:
        raise behind
    if not (c.branch or "").strip():
        raise RuleError(
            f"投诉 {c.id} 没有所属机构,告知书要以机构的名义发出: 请先补录机构,例如 "
            f"kefu complaint edit {c.id} --branch 朝阳支公司 --reason 补录机构"
        )
    warnings: list[str] = []
    missing: list[str] = []
    branch = branch_letterhead(uow, c.branch)
    full_name = (branch.get("full_name") or "").strip()
    if not full_name:
        full_name = c.branch
        warnings.append(f"机构 {c.branch} 没有登记全称,告知书的信头和落款使用机构名称“{c.branch}”")
    address = (branch.get("address") or "").strip()
    phone = (branch.get("phone") or "").strip()
    if not address:
        missing.append("地址(--address)")
    if not phone:
        missing.append("客服电话(--phone)")
    if missing:
        warnings.append(
            f"机构 {c.branch} 没有登记{'和'.join(m.split('(')[0] for m in missing)},告知书中以"
            f"“{MISSING_ADDRESS if not address else MISSING_PHONE}”等字样标出;请先补充后再发出,例如 "
            f"kefu branch add {c.branch} --address 北京市朝阳区建国路88号 --phone 010-95500"
        )
    summary = " ".join((c.summary or "").split()).rstrip("。")
    handler, contact = nd.contact(c.handler)  # never the account running kefu
    ctx: dict[str, str] = {
        "case_no": c.id,
        "title": nd.TITLES[kind],
        "complainant": c.name,
        "received_date": zh_date(c.received_at),
        "notice_date": zh_date(notice_at),
        "matter": summary or f"{label(CATEGORIES, c.category)}方面的问题",
        "policy_no": c.policy_no or "未提供",
        "branch_name": full_name,
        "branch_address": address or MISSING_ADDRESS,
        "branch_phone": phone or MISSING_PHONE,
        "handler": handler,
        "contact": contact,
    }
    decision = _current(kind_rows(uow, c, DeadlineKind.DECISION))
    decision_due = decision.due if decision else None
    due = answered_due(uow, c, kind, events)

    if kind is NoticeType.SUPPLEMENT:
        text = clean_text(
            materials, "--materials 需要补正的材料", 1000, multiline=True, example="授权委托书原件、受托人身份证复印件"
        )
        text = text or (c.missing_materials or "")  # the list recorded on the case (add/materials --missing)
        if not text:
            raise InputError(
                f"补正材料通知书要写明需要补充的材料: 请加 --materials,或先登记在投诉上,例如 kefu complaint "
                f'materials {c.id} --missing "授权委托书原件、受托人身份证复印件"'
            )
        ctx.update(materials=" ".join(text.split()), acceptance_limit=_period_text(uow, "complaint.acceptance") + "内")
    elif kind is NoticeType.ACCEPTANCE:
        ctx.update(accepted_date=zh_date(c.accepted_at), decision_due=zh_date(decision_due))
    elif kind is NoticeType.REJECTION:
        d = details_of(last_event(events, "reject"))
        dup = d.get("duplicate_of")
        note = (c.reject_note or "").strip() if note_for_customer else ""  # an internal note stays inside
        if dup and note.startswith(f"与 {dup} 重复"):
            note = note[len(f"与 {dup} 重复") :].lstrip(";；,， ")
        why, advice = nd.reject_wording(c.reject_reason or "", dup, note)
        ctx.update(rejected_date=zh_date(c.rejected_at), reject_reason=why, reject_advice=advice)
    elif kind is NoticeType.TRANSFER:
        to = c.transfer_to or ""
        ctx.update(
            transferred_date=zh_date(c.transferred_at),
            transfer_to=to,
            transfer_text=nd.transfer_wording(to, bool(c.transfer_internal), c.transferred_at),
        )
    elif kind is NoticeType.EXTENSION:
        level = c.extension_level or ""
        why = clean_text(reason, "--reason 延期理由", 200, example="需要调取医院病历")
        ctx.update(
            extension_level=nd.EXTENSION_LEVEL_ZH.get(level, level),
            extension_reason=nd.extension_reason(
                level, c.extension_approver, why, _period_text(uow, sm.EXTENSION_RULE[sm.ExtensionLevel(level)])
            ),
            approver=c.extension_approver or "无需审批",
            previous_due=zh_date(due),
            decision_due=zh_date(decision_due),
        )
    elif kind is NoticeType.PAUSE:
        pause = last_event(events, "pause")
        matter = (details_of(pause).get("reason") or c.pause_reason or "").strip()
        pause_kind = _pause_kind(details_of(pause))
        kind_zh = sm.PAUSE_KIND_ZH[pause_kind]
        ctx.update(
            paused_date=zh_date(pause.at),
            appraisal=matter,
            pause_kind=kind_zh,
            pause_text=nd.pause_wording(pause_kind.value, kind_zh, " ".join(matter.split())),
            decision_due=zh_date(due),
        )
    elif kind is NoticeType.DECISION:
        ctx.update(decided_date=zh_date(c.decided_at), result=_sentence(c.result), routes=nd.ROUTES)
    elif kind is NoticeType.REVIEW_DECISION:
        decided = details_of(last_event(events, "review_decide"))
        result_zh = label(sm.REVIEW_RESULTS, c.review_result or decided.get("result") or "")
        ctx.update(
            decided_date=zh_date(c.decided_at),
            review_received_date=zh_date(c.review_received_at),
            reviewed_date=zh_date(c.review_decided_at),
            review_result=nd.review_wording(result_zh, decided.get("note")),
            remaining_routes=nd.REVIEW_ROUTES,
        )
    elif kind is NoticeType.REGULATOR_REPORT:
        to = clean_text(recipient, "--recipient 报告对象", 100, example="国家金融监督管理总局北京监管局")
        if not to:
            to = DEFAULT_RECIPIENT
            warnings.append(
                f"没有指定报告对象(--recipient),抬头写作“{DEFAULT_RECIPIENT}”;例如 --recipient 国家金融监督管理总局北京监管局"
            )
        reg_due = c.regulator_due or due
        ctx.update(
            recipient=to,
            regulator_ref=c.regulator_ref or "",
            regulator_due=zh_date(reg_due) if reg_due else "转办单位要求的期限",
            status_text=nd.zh_punct(sm.STATUS_ZH[sm.Status(c.status)]),
            handling=_handling(c, events),
            result=_result_for_regulator(c, decision_due, notice_at.date()),
        )
    # one line each: a newline or tab in a clerk's text would become a line break, a new
    # paragraph or a tab in the letter (docxtpl reads \n, \a, \t, \f in values)
    ctx = {k: " ".join(str(v).split()) for k, v in ctx.items()}
    letterhead = ([] if (branch.get("full_name") or "").strip() else ["全称(--full-name)"]) + missing
    return Facts(ctx, warnings, letterhead, nd.ANSWERS[kind], due, (c.handler or "").strip())
