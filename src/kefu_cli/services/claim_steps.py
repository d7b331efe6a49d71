"""The steps of a claim report (理赔报案) after its registration: one function per clerk action,
one unit of work each — major case, escalation, application, materials, handover, closing.

Rules in domain/claims.py (seed 002 第四条); which step meets or closes which deadline is its
table `EFFECTS`, applied by `apply_effects`. In words:
- major_case_report (24 clock hours, `claim.major_case_report`): started when a report meets a
  major-case criterion (from the time the report was received, services/claims.py) or when
  `major` marks it later (from that moment: "接到报案或了解情况的24小时内"); met by `escalate`.
- claim_handover (3 working days, `claim.handover`): started when the materials become complete
  (`apply` or `materials`); met by `handover`; not applicable when items are taken back off the
  list or more claim types added (it starts again when complete), or when the claim is withdrawn.
- the claim callback (5 working days from the closing, `callback.claim`): scheduled by `close`
  with result paid or declined (services/callbacks.py), linked by `claim.callback_id`.

Every step is checked against the claim's previous step (`--at` not before it, not in the
future) and written with its audit event (entity `claim`); `db verify` folds the events
(domain/claims.py `apply`) and compares them with the row. The helpers that record a step and
start or close its deadlines are here too (registration uses them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import claim_checks as ck
from ..domain import claims as cl
from ..domain.codes import label, parse_code
from ..domain.deadlines import RUNNING, DeadlineKind, DeadlineStatus
from ..domain.errors import InputError, RuleError
from ..domain.policy import citation
from ..domain.text import NOTE_MAX, clean_text, phone_number
from ..store.claim_models import Claim
from ..store.models import Deadline
from . import core
from .claim_views import CASE, callback_brief, get, view
from .context import UnitOfWork, unit_of_work
from .deadlines import close_deadline, open_deadlines, start_deadline

K = DeadlineKind


# --- helpers ---------------------------------------------------------------------------------


def text_field(value: str | None, field: str, limit: int = 200, required: bool = False, example: str | None = None,
               multiline: bool = False) -> str:  # fmt: skip
    return clean_text(value, field, limit, required, multiline=multiline, example=example)


def record_step(uow: UnitOfWork, c: Claim, action: str, to: str | None = None, /, **details) -> None:
    """The step's audit event, folded into the claim row (domain/claims.py `apply`): the status
    from the transition table (`to` where the materials decide it). The guards ran in `_action`."""
    core.step(uow, CASE, c, action, core.transition(CASE, c, action), to, **details)


def start_claim_deadline(uow: UnitOfWork, c: Claim, kind: DeadlineKind, start_at: dt.datetime, rule: str) -> Deadline:
    """Start the deadline of policy rule `rule` at `start_at`, its basis the rule's citation."""
    r = uow.policy.rule(rule)
    return start_deadline(
        uow,
        case_type=CASE,
        case_id=c.id,
        kind=kind,
        start_at=start_at,
        rule=rule,
        basis=citation(r)[:255],
        branch=c.branch,
        handler=c.handler,
    )


CLOSE_AS = {"met": DeadlineStatus.MET, "not_applicable": DeadlineStatus.NOT_APPLICABLE}


def apply_effects(uow: UnitOfWork, c: Claim, action: str) -> list[Deadline]:
    """Close the running deadlines `action` meets or closes as not applicable (domain/claims.py
    `EFFECTS`); returns the rows closed."""
    rows: list[Deadline] = []
    for effect, kinds in cl.EFFECTS.get(action, {}).items():
        rows += close_running(uow, c, kinds, CLOSE_AS[effect])
    return rows


def close_running(uow: UnitOfWork, c: Claim, kinds, status: DeadlineStatus) -> list[Deadline]:
    rows = open_deadlines(uow, CASE, c.id, kinds, RUNNING)
    for row in rows:
        close_deadline(uow, row, status, uow.at)
    return rows


# --- steps ------------------------------------------------------------------------------------------


def _action(db, claim_id: str, clerk, at, fn) -> dict[str, Any]:
    if isinstance(db, UnitOfWork):  # replayed in the caller's unit of work, at its time (services/claim_import.py)
        return _step(db, claim_id, fn)
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        return _step(uow, claim_id, fn)


def _step(uow: UnitOfWork, claim_id: str, fn) -> dict[str, Any]:
    c = get(uow, claim_id)
    core.guard(uow, CASE, c)
    extra = fn(uow, c) or {}
    uow.session.flush()
    return view(uow, c) | extra


def mark_major(
    db, claim_id: str, *, deaths: int = 0, estimate: str | None = None, dispute: str | None = None,
    litigation: bool = False, uncertain: bool = False, clerk=None, at=None,
) -> dict[str, Any]:  # fmt: skip
    """`kefu claim major`: a criterion learned after the report; 24 hours from now (了解情况)."""
    code = parse_code(cl.DISPUTES, dispute, "--dispute") if dispute else None
    amount = ck.parse_amount(estimate, "--estimate") if estimate else None
    if not 0 <= deaths <= 10_000:
        raise InputError(f"--deaths 死亡人数应为 0 到 10000 的整数,例如 --deaths 2(收到 {deaths})")

    def fn(uow: UnitOfWork, c: Claim):
        if c.major:
            raise RuleError(
                f"理赔报案 {c.id} 已是重大案件({c.major_reasons})"
                + (f",已于 {c.escalated_at:%Y-%m-%d %H:%M} 向{c.escalated_to}呈报" if c.escalated_at else
                   f",请在期限内向总部呈报: kefu claim escalate {c.id} --to 总部")  # fmt: skip
            )
        new = dict(
            deaths=max(deaths, c.deaths), estimate=amount if amount is not None else c.estimate,
            dispute=code or c.dispute, litigation=litigation or c.litigation,
            outcome_uncertain=uncertain or c.outcome_uncertain,
        )  # fmt: skip
        reasons = cl.major_reasons(
            deaths=new["deaths"], estimate=new["estimate"], sum_insured=c.sum_insured, uncertain=new["outcome_uncertain"],
            dispute=new["dispute"], litigation=new["litigation"],
        )  # fmt: skip
        if not reasons:
            raise RuleError(
                f"所给情况不构成重大案件(须满足其一: 一次事故 {cl.MAJOR_DEATHS} 人以上死亡;预计理赔金额超过"
                f" {ck.yuan(cl.MAJOR_AMOUNT)};保额超过 {ck.yuan(cl.MAJOR_AMOUNT)} 且结果暂时无法确定;"
                "争议已向主管机关、同业公会或媒体投诉;可能或已涉及诉讼),例如 --dispute media"
            )
        start_claim_deadline(uow, c, K.MAJOR_CASE_REPORT, uow.at, "claim.major_case_report")
        record_step(uow, c, "major", **new, major=True, major_reasons=";".join(reasons))

    return _action(db, claim_id, clerk, at, fn)


def escalate(db, claim_id: str, *, to: str, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    """`kefu claim escalate`: the major case reported to head office (meets major_case_report)."""
    unit = text_field(to, "--to 呈报单位", 100, True, "总公司理赔部")
    note = text_field(note, "--note 备注", NOTE_MAX, multiline=True) or None

    def fn(uow: UnitOfWork, c: Claim):
        if not c.major:
            raise RuleError(
                f"理赔报案 {c.id} 不是重大案件,不需要向总部呈报;如了解到重大案件情况,请先用 "
                f"kefu claim major {c.id} --deaths/--estimate/--dispute/--litigation 标记"
            )
        if c.escalated_at is not None:
            raise RuleError(f"理赔报案 {c.id} 已于 {c.escalated_at:%Y-%m-%d %H:%M} 向{c.escalated_to}呈报,不需要重复呈报")
        rows = apply_effects(uow, c, "escalate")
        late = any(d.breached for d in rows)
        record_step(uow, c, "escalate", to=unit, note=note, late=late)
        return {"late": late}

    return _action(db, claim_id, clerk, at, fn)


def _items(values: list[str] | None, field: str, allowed: list[str]) -> list[str]:
    """Material codes from `--received` values (codes, Chinese labels, comma-separated; 全部/all:
    every item of the checklist). An item not on this claim's checklist is refused."""
    out: list[str] = []
    for part in _split(values):
        if part.lower() in ("all", "全部"):
            out.extend(allowed)
            continue
        if part in ("身份证", "身份证件", "身份证明"):
            raise InputError(
                f"{field} '{part}' 不明确: 请写明 被保险人身份证件(insured_id)或 受益人身份证件(beneficiary_id)"
            )
        code = parse_code(cl.MATERIALS, part, field)
        if code not in allowed:
            raise RuleError(
                f"{field} “{label(cl.MATERIALS, code)}”不在本案的材料清单中;本案需要: {cl.labels(cl.MATERIALS, allowed)}"
                "(如需增加索赔类型,请用 claim apply --type)"
            )
        out.append(code)
    return list(dict.fromkeys(out))


def _settle_materials(
    uow: UnitOfWork, c: Claim, required: list[str], received: list[str], **changed: Any
) -> tuple[str, dict[str, Any]]:
    """(status, the event's application fields) after the checklist or the ticks changed, and the
    handover deadline; `changed` are the other application fields the step sets."""
    miss = cl.missing(required, received)
    was_complete = c.status == cl.Status.COMPLETE
    status, complete_at = c.status, c.complete_at
    if miss:
        status, complete_at = str(cl.Status.APPLYING), None
        if was_complete:
            close_running(uow, c, [K.CLAIM_HANDOVER], DeadlineStatus.NOT_APPLICABLE)
    elif not was_complete:
        status, complete_at = str(cl.Status.COMPLETE), uow.at
        start_claim_deadline(uow, c, K.CLAIM_HANDOVER, uow.at, "claim.handover")
    fields = {k: getattr(c, k) for k in cl.APPLY_FIELDS} | changed | {
        "materials_required": ",".join(required),
        "materials_received": cl.codes_text(m for m in received if m in required),
        "complete_at": complete_at,
    }  # fmt: skip
    return status, fields | {"missing": miss}


def apply_claim(
    db, claim_id: str, *, types: list[str], received: list[str] | None = None, applicant: str | None = None,
    applicant_phone: str | None = None, clerk=None, at=None,
) -> dict[str, Any]:  # fmt: skip
    """`kefu claim apply`: the claim application by type; the checklist; complete materials start
    the handover deadline, incomplete ones give the supplement list."""
    codes = [parse_code(cl.CLAIM_TYPES, t, "--type 索赔类型") for t in _split(types)]
    if not codes:
        raise InputError("请给出索赔类型 --type: death 身故、disability 伤残、medical 医疗、accident 意外、burn 烧烫伤、property 财产损失,例如 --type medical")
    name = text_field(applicant, "--applicant 申请人姓名", 50, example="林志远") or None
    phone = phone_number(applicant_phone, "--applicant-phone") if (applicant_phone or "").strip() else None
    if phone and not name:
        raise InputError("--applicant-phone 须与申请人姓名 --applicant 一起填写,例如 --applicant 林志远 --applicant-phone 13811110001")

    def fn(uow: UnitOfWork, c: Claim):
        cl.check(c.status, cl.Action.APPLY, c.id)
        types_now = list(dict.fromkeys([*cl.codes_of(c.claim_types), *codes]))
        required = cl.checklist(types_now)
        ticked = list(dict.fromkeys([*cl.codes_of(c.materials_received), *_items(received, "--received", required)]))
        changed = {"claim_types": cl.codes_text(types_now), "applied_at": c.applied_at or uow.at}
        if name:
            changed |= {"applicant_name": name, "applicant_phone": phone}
        status, details = _settle_materials(uow, c, required, ticked, **changed)
        record_step(uow, c, "apply", status, **details)
        return {"missing": details["missing"]}

    return _action(db, claim_id, clerk, at, fn)


def _split(values: list[str] | None) -> list[str]:
    out = []
    for v in values or []:
        out += [p.strip() for p in str(v).replace(",", ",").replace("、", ",").split(",") if p.strip()]
    return out


def materials(
    db, claim_id: str, *, received: list[str] | None = None, remove: list[str] | None = None, clerk=None, at=None
) -> dict[str, Any]:
    """`kefu claim materials`: tick received items (or take a wrongly ticked one off)."""
    if not received and not remove:
        raise InputError("请给出收到的材料 --received(可多次),例如 --received 保费收据 --received medical_receipts")

    def fn(uow: UnitOfWork, c: Claim):
        cl.check(c.status, cl.Action.MATERIALS, c.id)
        required = cl.codes_of(c.materials_required)
        have = cl.codes_of(c.materials_received)
        add = _items(received, "--received", required)
        off = _items(remove, "--remove", required)
        again = [m for m in add if m in have]
        if again and len(again) == len(add) and not off:
            raise RuleError(f"{cl.labels(cl.MATERIALS, again)} 已登记为收到,不需要重复登记")
        ticked = [m for m in dict.fromkeys([*have, *add]) if m not in off]
        status, details = _settle_materials(uow, c, required, ticked)
        record_step(uow, c, "materials", status, **details, added=add, removed=off)
        return {"missing": details["missing"]}

    return _action(db, claim_id, clerk, at, fn)


def handover(db, claim_id: str, *, to: str | None = None, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    """`kefu claim handover`: complete materials handed over to the insurer (meets claim_handover)."""
    unit = text_field(to, "--to 移交单位", 100, example="XX人寿保险股份有限公司北京分公司理赔部") or "保险公司"
    note = text_field(note, "--note 备注", NOTE_MAX, multiline=True) or None

    def fn(uow: UnitOfWork, c: Claim):
        if c.status == cl.Status.APPLYING:
            miss = cl.missing(cl.codes_of(c.materials_required), cl.codes_of(c.materials_received))
            raise RuleError(
                f"理赔报案 {c.id} 的材料还不齐全(缺 {cl.labels(cl.MATERIALS, miss)}),材料齐全后才能移交保险公司"
            )
        cl.check(c.status, cl.Action.HANDOVER, c.id)
        rows = apply_effects(uow, c, cl.Action.HANDOVER)
        late = any(d.breached for d in rows)
        record_step(uow, c, "handover", to=unit, note=note, late=late)
        return {"late": late}

    return _action(db, claim_id, clerk, at, fn)


def close(
    db, claim_id: str, *, result: str, reason: str | None = None, amount: str | None = None, clerk=None, at=None
) -> dict[str, Any]:
    """`kefu claim close`: paid / declined (after the handover; a declined claim needs its reason)
    schedule the claim callback (5 working days); withdrawn ends the claim at any stage."""
    code = parse_code(cl.RESULTS, result, "--result 结案结果")
    why = text_field(reason, "--reason 原因", 2000, multiline=True, example="属责任免除(既往症)") or None
    paid = ck.parse_amount(amount, "--amount 赔付金额", "12000") if amount else None
    if code == "declined" and not why:
        raise InputError("拒赔必须写明原因 --reason(将据此告知客户),例如 --reason 属责任免除(既往症)")
    if paid is not None and code != "paid":
        raise InputError(f"--amount 赔付金额只用于 --result paid(赔付),本次结果是{label(cl.RESULTS, code)}")

    def fn(uow: UnitOfWork, c: Claim):
        cl.check(c.status, cl.Action.CLOSE, c.id)
        if code != "withdrawn" and c.status != cl.Status.HANDED_OVER:
            raise RuleError(
                f"理赔报案 {c.id} 的状态是“{cl.STATUS_ZH[cl.Status(c.status)]}”,材料移交保险公司后才能登记"
                f"{label(cl.RESULTS, code)}结案;客户撤案请用 --result withdrawn"
            )
        apply_effects(uow, c, cl.Action.CLOSE)
        callback_id = _schedule_callback(uow, c).id if code != "withdrawn" else None
        record_step(uow, c, "close", result=code, result_reason=why, paid_amount=paid, callback_id=callback_id)
        return {"callback": callback_brief(uow, c)}

    return _action(db, claim_id, clerk, at, fn)


def _schedule_callback(uow: UnitOfWork, c: Claim):
    """The claim callback (理赔回访): 5 working days from the closing day, to the applicant
    (the reporter when no applicant was recorded)."""
    from ..store.master_models import Handler
    from .callbacks import NewCallback, add_callback

    handler = c.handler
    h = uow.session.get(Handler, handler) if handler else None
    if h is not None and not h.active:
        handler = ""  # the claim's handler has left: the callback centre assigns it
    uow.session.flush()
    return add_callback(
        uow,
        NewCallback(
            kind="claim",
            name=c.applicant_name or c.reporter_name,
            phone=c.applicant_phone or c.reporter_phone,
            policy_no=c.policy_no,
            product=c.product,
            branch=c.branch,
            handler=handler,
            closed_date=uow.at.date(),
        ),
    )
