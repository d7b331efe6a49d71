"""Claim reports (理赔报案): one function per clerk action, one unit of work each.

Rules in domain/claims.py (seed 002 第四条); which step meets or closes which deadline is its
table `EFFECTS`, applied by `_effects`. In words:
- major_case_report (24 clock hours, `claim.major_case_report`): started when a report meets a
  major-case criterion (from the time the report was received) or when `major` marks it later
  (from that moment: "接到报案或了解情况的24小时内"); met by `escalate`.
- claim_handover (3 working days, `claim.handover`): started when the materials become complete
  (`apply` or `materials`); met by `handover`; not applicable when items are taken back off the
  list or more claim types added (it starts again when complete), or when the claim is withdrawn.
- the claim callback (5 working days from the closing, `callback.claim`): scheduled by `close`
  with result paid or declined (services/callbacks.py), linked by `claim.callback_id`.

Every step is checked against the claim's previous step (`--at` not before it, not in the
future) and written with its audit event (entity `claim`); `db verify` folds the events
(domain/claims.py `apply`) and compares them with the row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, or_, select

from ..domain import claim_checks as ck
from ..domain import claims as cl
from ..domain.codes import label, parse_code, table_of
from ..domain.deadlines import RUNNING, DeadlineKind, DeadlineStatus
from ..domain.errors import InputError, RuleError
from ..domain.policy import UNIT_ZH
from ..domain.text import NOTE_MAX, SHORT_MAX, clean_text, phone_number
from ..store.claim_models import Claim, PolicyRecord
from ..store.models import Deadline
from . import clock, core
from . import policy_register as reg
from .context import UnitOfWork, unit_of_work
from .deadlines import case_deadlines, case_timeline, close_deadline, deadline_view, open_deadlines, start_deadline
from .edit import EditSpec
from .past import past_of

CASE = "claim"
PREFIX = "BA"  # 报案
K = DeadlineKind
ID_EXAMPLE = "BA-20261120-0001"

COLUMNS = tuple(Claim.model_fields)


# --- helpers ---------------------------------------------------------------------------------


def _text(value: str | None, field: str, limit: int = 200, required: bool = False, example: str | None = None,
          multiline: bool = False) -> str:  # fmt: skip
    return clean_text(value, field, limit, required, multiline=multiline, example=example)


def get(uow: UnitOfWork, claim_id: str) -> Claim:
    return core.get(uow, CASE, claim_id)


def _step(uow: UnitOfWork, c: Claim, action: str, to: str | None = None, /, **details) -> None:
    """The step's audit event, folded into the claim row (domain/claims.py `apply`): the status
    from the transition table (`to` where the materials decide it). The guards ran in `_action`."""
    core.step(uow, CASE, c, action, core.transition(CASE, c, action), to, **details)


def _start(uow: UnitOfWork, c: Claim, kind: DeadlineKind, start_at: dt.datetime, rule: str, why: str) -> Deadline:
    r = uow.policy.rule(rule)
    return start_deadline(
        uow,
        case_type=CASE,
        case_id=c.id,
        kind=kind,
        start_at=start_at,
        rule=rule,
        basis=f"{why} {start_at:%Y-%m-%d %H:%M} 起 {r.value} {UNIT_ZH[r.unit]}({rule})"[:255],
        branch=c.branch,
        handler=c.handler,
    )


CLOSE_AS = {"met": DeadlineStatus.MET, "not_applicable": DeadlineStatus.NOT_APPLICABLE}


def _effects(uow: UnitOfWork, c: Claim, action: str) -> list[Deadline]:
    """Close the running deadlines `action` meets or closes as not applicable (domain/claims.py
    `EFFECTS`); returns the rows closed."""
    rows: list[Deadline] = []
    for effect, kinds in cl.EFFECTS.get(action, {}).items():
        rows += _close(uow, c, kinds, CLOSE_AS[effect])
    return rows


def _close(uow: UnitOfWork, c: Claim, kinds, status: DeadlineStatus) -> list[Deadline]:
    rows = open_deadlines(uow, CASE, c.id, kinds, RUNNING)
    for row in rows:
        close_deadline(uow, row, status, uow.at)
    return rows


# --- finding the policy -------------------------------------------------------------------------


def _find_policy(
    uow: UnitOfWork, policy_no: str, insured: str, id_number: str, incident: dt.date
) -> PolicyRecord:
    """The policy of the report, or one sentence for the outcomes of 第四条(二) 报案记录查询:
    no policy of the company covers the person (tell the reporter at once), several insured of
    the same name (confirm identity first), the policy's insured not the person reported."""
    from ..render.output import mask_name

    if policy_no:
        p = uow.session.get(PolicyRecord, policy_no)
        if p is None:
            others = reg.by_insured(uow, insured, id_number) if (insured or id_number) else []
            if others:
                listed = ";".join(reg.describe(o) for o in others[:5])
                raise RuleError(
                    f"保单登记簿中没有保单 {policy_no};该被保险人名下有: {listed}。请与报案人核对保单号后重新报案"
                )
            raise RuleError(
                f"保单登记簿中没有保单 {policy_no}"
                + ("" if not (insured or id_number) else ",也未查到该出险人的任何保险合同")
                + ": 请立即告知报案人,核实是否未在我公司投保(或保单号有误);"
                "如保单确已承保但尚未登记,请先登记: kefu policy-register add --policy 保单号 …"
            )
        if id_number and p.insured_id and p.insured_id != id_number:
            raise RuleError(
                f"{reg.describe(p)}的被保险人证件号码与报案所说的不符: 请与报案人核实出险人身份后再报案"
            )
        if insured and p.insured_name and p.insured_name != insured:
            raise RuleError(
                f"{reg.describe(p)}的被保险人不是 {mask_name(insured)}: 请与报案人核实出险人身份和保单号后再报案"
            )
        return p
    if not (insured or id_number):
        raise InputError("请给出保单号 --policy,或出险人(被保险人)的 --insured 姓名 / --id-number 证件号码,例如 --policy P2026110001")
    found = reg.by_insured(uow, insured, id_number)
    if not found:
        who = mask_name(insured) if insured else ck.mask_id_number(id_number)
        raise RuleError(
            f"未查到与出险人 {who} 相关的任何保险合同: 请立即告知报案人,核实是否未在我公司投保"
            "(如有保单号,请用 --policy 指明)"
        )
    persons = sorted({p.insured_id for p in found})
    if not id_number and len(persons) > 1:
        listed = ";".join(reg.describe(p) for p in found[:6])
        raise RuleError(
            f"有 {len(persons)} 位同名被保险人 {mask_name(insured)}({listed}): 无法确认出险人身份,"
            "请立即与报案人核实出险人的证件号码和承保信息,再用 --id-number 或 --policy 指明"
        )
    covering = [p for p in found if reg.in_force(p, incident) is not False]
    if len(found) == 1:
        return found[0]
    if len(covering) == 1:
        return covering[0]
    listed = ";".join(reg.describe(p) for p in (covering or found)[:6])
    raise RuleError(f"出险人名下有多张保单({listed}): 请与报案人确认本次报案的保单,用 --policy 指明")


def _same_incident(
    uow: UnitOfWork, policy_no: str, insured_id: str, incident: dt.date
) -> tuple[list[Claim], list[Claim]]:
    """(reports of this incident, other reports of the policy or the insured): the duplicate
    search of 第四条(二) by policy number, insured name and ID number."""
    conds = [Claim.policy_no == policy_no]
    if insured_id:
        conds.append(Claim.insured_id == insured_id)
    rows = uow.session.exec(
        select(Claim).where(or_(*conds), col(Claim.voided_at).is_(None)).order_by(col(Claim.reported_at))
    ).all()
    same = [c for c in rows if c.incident_at.date() == incident]
    return same, [c for c in rows if c.incident_at.date() != incident]


def progress(uow: UnitOfWork, c: Claim) -> str:
    """Where a claim stands, in one line to read to the reporter."""
    st = cl.Status(c.status)
    text = f"{c.id}(报案 {c.reported_at:%Y-%m-%d %H:%M},{cl.STATUS_ZH[st]}"
    if st is cl.Status.APPLYING:
        miss = cl.missing(cl.codes_of(c.materials_required), cl.codes_of(c.materials_received))
        text += f",尚缺 {len(miss)} 项材料: {cl.labels(cl.MATERIALS, miss)}"
    elif st is cl.Status.HANDED_OVER and c.handed_over_at:
        text += f",{c.handed_over_at:%Y-%m-%d} 已移交{c.handed_over_to or '保险公司'}"
    elif st is cl.Status.CLOSED:
        text += f",结果: {label(cl.RESULTS, c.result)}"
    return text + ")"


# --- the report ----------------------------------------------------------------------------------


def report(
    uow: UnitOfWork,
    *,
    reporter: str,
    reporter_phone: str,
    incident: dt.datetime,
    received: dt.datetime | None = None,
    channel: str = "phone",
    policy_no: str = "",
    insured: str = "",
    id_number: str = "",
    place: str = "",
    cause: str = "",
    course: str = "",
    injury: str = "",
    measures: str = "",
    present_state: str = "",
    hospital: str = "",
    reporter_address: str = "",
    relation: str = "self",
    known: dt.date | None = None,
    not_covered: str | None = None,
    deaths: int = 0,
    estimate: str | int | None = None,
    dispute: str | None = None,
    litigation: bool = False,
    uncertain: bool = False,
    branch: str = "",
    handler: str = "",
    new_branch: bool = False,
    new_handler: bool = False,
    new_incident: bool = False,
) -> dict[str, Any]:
    """Register a claim report (第四条(二)): search, identify the policy, first checks, major case."""
    channel = parse_code(cl.CLAIM_CHANNELS, channel or "phone", "--channel 报案方式")
    relation = parse_code(cl.REPORTER_RELATIONS, relation or "self", "--relation 与出险人关系")
    reporter = _text(reporter, "--reporter 报案人姓名", 50, True, "王小明")
    reporter_phone = phone_number(reporter_phone, "--reporter-phone")
    reporter_address = _text(reporter_address, "--reporter-address 报案人联系地址", 255, example="北京市朝阳区建国路 1 号")
    policy_no = _text(policy_no, "--policy 保单号", 60, example="P2026110001")
    insured = _text(insured, "--insured 出险人(被保险人)姓名", 50, example="林志远")
    id_number = ck.check_id_number(id_number, "--id-number", clock.today()) if (id_number or "").strip() else ""
    place = _text(place, "--place 出险地点", 200, example="北京市朝阳区建国路与东三环路口")
    cause = _text(cause, "--cause 出险原因", 2000, multiline=True, example="交通事故")
    course = _text(course, "--course 出险经过", 2000, multiline=True, example="骑电动车被机动车撞倒")
    injury = _text(injury, "--injury 伤害程度", 2000, multiline=True, example="左腿骨折")
    measures = _text(measures, "--measures 已采取措施", 2000, multiline=True, example="已送医,已报警")
    present_state = _text(present_state, "--state 目前状况", 2000, multiline=True, example="住院治疗中")
    hospital = _text(hospital, "--hospital 就诊医院", 200, example="北京朝阳医院")
    not_covered = _text(not_covered, "--not-covered 不属保险责任的原因", 500, multiline=True,
                        example="既往症,属责任免除") or None  # fmt: skip
    dispute = parse_code(cl.DISPUTES, dispute, "--dispute") if dispute else None
    if not 0 <= deaths <= 10_000:
        raise InputError(f"--deaths 死亡人数应为 0 到 10000 的整数,例如 --deaths 2(收到 {deaths})")
    estimate_yuan = estimate if isinstance(estimate, int) or estimate is None else ck.parse_amount(estimate, "--estimate")

    received = received or uow.at
    latest = min(uow.at, uow.now)
    if received > latest + dt.timedelta(minutes=5):
        raise InputError(
            f"--received 报案时间 {received:%Y-%m-%d %H:%M} 晚于登记时间 {latest:%Y-%m-%d %H:%M}: "
            "报案只能在接到后登记,请检查日期,例如 --received 2026-11-20T09:30"
        )
    if incident > received:
        raise InputError(
            f"--incident 出险时间 {incident:%Y-%m-%d %H:%M} 晚于报案时间 {received:%Y-%m-%d %H:%M}: 请检查日期,"
            f"例如 --incident {received:%Y-%m-%d}"
        )
    known = known or incident.date()
    if known < incident.date() or known > received.date():
        raise InputError(
            f"--known 知道出险之日 {known} 应在出险日 {incident.date()} 与报案日 {received.date()} 之间(含),"
            f"例如 --known {incident.date()}"
        )
    uow.calendar.day(received.date())  # a clear error for dates outside the calendar

    p = _find_policy(uow, policy_no, insured, id_number, incident.date())
    # the register's insured; what the reporter said when the register does not know it
    insured_name, insured_id = p.insured_name or insured, p.insured_id or id_number
    same, others = _same_incident(uow, p.policy_no, insured_id, incident.date())
    if same and not new_incident:
        first = same[0]
        raise RuleError(
            f"该事故已报案: {progress(uow, first)}。请告知报案人我司已受理及目前进展,不再重复登记"
            f"(详情: kefu claim show {first.id});如确为同一天的另一次事故,请加 --new-incident"
        )

    if p.period_start is None and p.period_end is None:
        raise RuleError(
            f"{reg.describe(p)}在登记簿中没有保险期间,无法初审出险日期是否在保险期间内:"
            f" 请先补录 kefu policy-register add --policy {p.policy_no} --start 日期 --end 日期 --update --reason 补录保险期间"
        )
    years = ck.limitation_years(p.line)
    last = ck.limitation_end(known, years, uow.calendar.next_workday)
    failures = ck.first_check_failures(
        incident=incident.date(), period_start=p.period_start, period_end=p.period_end, claimed=received.date(),
        limitation_last=last, years=years, not_covered=not_covered,
    )  # fmt: skip
    reasons = cl.major_reasons(
        deaths=deaths, estimate=estimate_yuan, sum_insured=p.sum_insured, uncertain=uncertain, dispute=dispute,
        litigation=litigation,
    )  # fmt: skip

    from .masters import ensure_branch, ensure_handler

    branch = _text(branch, "--branch 机构", SHORT_MAX, example="朝阳支公司") or p.branch
    handler = _text(handler, "--handler 经办人", SHORT_MAX, example="李娜")
    branch = ensure_branch(uow, branch, new_branch)
    handler = ensure_handler(uow, handler, branch, new_handler)

    from .numbering import next_number

    if uow.at < received:
        raise InputError(
            f"--at 登记时间 {uow.at:%Y-%m-%d %H:%M} 早于报案时间 {received:%Y-%m-%d %H:%M},请检查 --received 或 --at"
        )
    number = next_number(uow, PREFIX, received.date())
    status = cl.Status.REFUSED if failures else cl.Status.REPORTED
    fields = dict(
        channel=channel, reported_at=received, policy_no=p.policy_no, product=p.product, line=p.line, holder=p.holder,
        insured_name=insured_name, insured_id=insured_id, period_start=p.period_start, period_end=p.period_end,
        sum_insured=p.sum_insured, incident_at=incident, incident_place=place, cause=cause, course=course,
        injury=injury, measures=measures, present_state=present_state, hospital=hospital, reporter_name=reporter,
        reporter_phone=reporter_phone, reporter_address=reporter_address, reporter_relation=relation,
        known_date=known, limitation_years=years, limitation_end=last, check_period="period" not in failures,
        check_cover="cover" not in failures, check_limitation="limitation" not in failures,
        refusal_reason=";".join(failures.values()) or None, deaths=deaths, estimate=estimate_yuan,
        dispute=dispute, litigation=litigation, outcome_uncertain=uncertain, major=bool(reasons),
        major_reasons=";".join(reasons), branch=branch, handler=handler,
    )  # fmt: skip
    details = fields | dict(not_covered=not_covered, same_incident=[x.id for x in same],
                            other_claims=[x.id for x in others])  # fmt: skip
    c = core.new_row(uow, CASE, number, "report", str(status), details)
    uow.session.flush()
    if reasons:
        _start(uow, c, K.MAJOR_CASE_REPORT, received, "claim.major_case_report", "接到重大案件报案")
    core.register_event(uow, CASE, c, "report", details)
    out = view(uow, c, as_of=received.date())
    out["failures"] = failures
    out["other_claims"] = [progress(uow, x) for x in others]
    out["same_incident"] = [progress(uow, x) for x in same]
    return out


def add(db: str | None, *, clerk: str | None = None, at: dt.datetime | None = None, **fields) -> dict[str, Any]:
    """`kefu claim report`."""
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        return report(uow, **fields)


# --- steps ------------------------------------------------------------------------------------------


def _action(db, claim_id: str, clerk, at, fn) -> dict[str, Any]:
    with unit_of_work(db, clerk=clerk, at=at) as uow:
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
        _start(uow, c, K.MAJOR_CASE_REPORT, uow.at, "claim.major_case_report", "了解到重大案件情况")
        _step(uow, c, "major", **new, major=True, major_reasons=";".join(reasons))

    return _action(db, claim_id, clerk, at, fn)


def escalate(db, claim_id: str, *, to: str, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    """`kefu claim escalate`: the major case reported to head office (meets major_case_report)."""
    unit = _text(to, "--to 呈报单位", 100, True, "总公司理赔部")
    note = _text(note, "--note 备注", NOTE_MAX, multiline=True) or None

    def fn(uow: UnitOfWork, c: Claim):
        if not c.major:
            raise RuleError(
                f"理赔报案 {c.id} 不是重大案件,不需要向总部呈报;如了解到重大案件情况,请先用 "
                f"kefu claim major {c.id} --deaths/--estimate/--dispute/--litigation 标记"
            )
        if c.escalated_at is not None:
            raise RuleError(f"理赔报案 {c.id} 已于 {c.escalated_at:%Y-%m-%d %H:%M} 向{c.escalated_to}呈报,不需要重复呈报")
        rows = _effects(uow, c, "escalate")
        late = any(d.breached for d in rows)
        _step(uow, c, "escalate", to=unit, note=note, late=late)
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
            _close(uow, c, [K.CLAIM_HANDOVER], DeadlineStatus.NOT_APPLICABLE)
    elif not was_complete:
        status, complete_at = str(cl.Status.COMPLETE), uow.at
        _start(uow, c, K.CLAIM_HANDOVER, uow.at, "claim.handover", "理赔材料齐全")
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
    name = _text(applicant, "--applicant 申请人姓名", 50, example="林志远") or None
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
        _step(uow, c, "apply", status, **details)
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
        _step(uow, c, "materials", status, **details, added=add, removed=off)
        return {"missing": details["missing"]}

    return _action(db, claim_id, clerk, at, fn)


def handover(db, claim_id: str, *, to: str | None = None, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    """`kefu claim handover`: complete materials handed over to the insurer (meets claim_handover)."""
    unit = _text(to, "--to 移交单位", 100, example="XX人寿保险股份有限公司北京分公司理赔部") or "保险公司"
    note = _text(note, "--note 备注", NOTE_MAX, multiline=True) or None

    def fn(uow: UnitOfWork, c: Claim):
        if c.status == cl.Status.APPLYING:
            miss = cl.missing(cl.codes_of(c.materials_required), cl.codes_of(c.materials_received))
            raise RuleError(
                f"理赔报案 {c.id} 的材料还不齐全(缺 {cl.labels(cl.MATERIALS, miss)}),材料齐全后才能移交保险公司"
            )
        cl.check(c.status, cl.Action.HANDOVER, c.id)
        rows = _effects(uow, c, cl.Action.HANDOVER)
        late = any(d.breached for d in rows)
        _step(uow, c, "handover", to=unit, note=note, late=late)
        return {"late": late}

    return _action(db, claim_id, clerk, at, fn)


def close(
    db, claim_id: str, *, result: str, reason: str | None = None, amount: str | None = None, clerk=None, at=None
) -> dict[str, Any]:
    """`kefu claim close`: paid / declined (after the handover; a declined claim needs its reason)
    schedule the claim callback (5 working days); withdrawn ends the claim at any stage."""
    code = parse_code(cl.RESULTS, result, "--result 结案结果")
    why = _text(reason, "--reason 原因", 2000, multiline=True, example="属责任免除(既往症)") or None
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
        _effects(uow, c, cl.Action.CLOSE)
        callback_id = _schedule_callback(uow, c).id if code != "withdrawn" else None
        _step(uow, c, "close", result=code, result_reason=why, paid_amount=paid, callback_id=callback_id)
        return {"callback": _callback_brief(uow, c)}

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


def _callback_brief(uow: UnitOfWork, c: Claim) -> dict[str, Any] | None:
    if not c.callback_id:
        return None
    # one row read without the callback table's model: its classes would add to every `claim show`'s start-up
    from sqlalchemy import Date, String, text

    k = uow.session.execute(
        text("SELECT due, status, voided_at FROM callback WHERE id = :id").columns(due=Date, status=String),
        {"id": c.callback_id},
    ).first()
    if k is None:
        return {"id": c.callback_id, "due": None, "status": None, "voided": False}
    return {"id": c.callback_id, "due": k.due, "status": k.status, "voided": k.voided_at is not None}


# --- reading -------------------------------------------------------------------------------------


def view(uow: UnitOfWork, c: Claim, as_of: dt.date | None = None, events: bool = False) -> dict[str, Any]:
    """The claim as a dict: its columns, checklist, deadlines, callback and, on request, timeline."""
    as_of = as_of or uow.at.date()
    out = {k: getattr(c, k) for k in COLUMNS}
    required, received = cl.codes_of(c.materials_required), cl.codes_of(c.materials_received)
    out["claim_types"] = cl.codes_of(c.claim_types)
    out["materials_required"] = required
    out["materials_received"] = received
    out["checklist"] = [{"item": m, "label": label(cl.MATERIALS, m), "received": m in received} for m in required]
    out["missing"] = cl.missing(required, received)
    rows = case_deadlines(uow, CASE, c.id)
    out["deadlines"] = [deadline_view(d, uow.calendar, as_of) for d in rows]
    out["callback"] = _callback_brief(uow, c)
    if events:
        out["events"] = case_timeline(uow, CASE, c.id, rows)
    return out


def show(db, claim_id: str, *, as_of: dt.date | None = None) -> dict[str, Any]:
    with unit_of_work(db, write=False) as uow:
        c, past = get(uow, claim_id), past_of(uow, as_of or uow.now.date())  # a past day: as it stood then
        out = view(uow, c if past is None else past.row(CASE, c), as_of=as_of or uow.now.date(), events=True)
        return out if past is None else past.show(out)


def list_filters(stmt, model, at_column, branch: str | None, handler: str | None, date_from: dt.date | None,
                 date_to: dt.date | None, policy_no: str | None):  # fmt: skip
    """The filters claim and request lists share: branch, handler, received/reported between two
    days (both included), a policy number fragment."""
    from ..domain.timeutil import check_span

    check_span(date_from, date_to)
    if branch:
        stmt = stmt.where(model.branch == branch.strip())
    if handler:
        stmt = stmt.where(model.handler == handler.strip())
    if date_from:
        stmt = stmt.where(at_column >= dt.datetime.combine(date_from, dt.time()))
    if date_to:
        stmt = stmt.where(at_column < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    if policy_no:
        stmt = stmt.where(col(model.policy_no).contains(policy_no.strip(), autoescape=True))
    return stmt


def list_(
    db,
    *,
    status: str | None = None,
    major: bool = False,
    branch: str | None = None,
    handler: str | None = None,
    reported_from: dt.date | None = None,
    reported_to: dt.date | None = None,
    policy_no: str | None = None,
    name: str | None = None,
    overdue: bool = False,
    as_of: dt.date | None = None,
    limit: int | None = None,
    all: bool = False,
) -> dict[str, Any]:
    as_of = as_of or clock.today()
    code = parse_code(_STATUS_CODES, status, "--status 状态") if status else None
    # a past day: void, status, major, branch, handler and overdue of the claims as they stood (services/past.py)
    now = as_of >= clock.today()
    stmt = select(Claim)
    if not all and now:
        stmt = stmt.where(col(Claim.voided_at).is_(None))
    if code and now:
        stmt = stmt.where(Claim.status == code)
    if major and now:
        stmt = stmt.where(Claim.major == True)  # noqa: E712 - SQL
    on = (branch, handler) if now else (None, None)
    stmt = list_filters(stmt, Claim, Claim.reported_at, *on, reported_from, reported_to, policy_no)
    if name:
        n = name.strip()
        stmt = stmt.where(or_(col(Claim.insured_name).contains(n, autoescape=True),
                              col(Claim.reporter_name).contains(n, autoescape=True)))  # fmt: skip
    if overdue and now:
        late = select(Deadline.case_id).where(
            Deadline.case_type == CASE, Deadline.status == DeadlineStatus.OPEN, Deadline.due < as_of
        )
        stmt = stmt.where(col(Claim.id).in_(late.scalar_subquery()))
    stmt = stmt.order_by(col(Claim.reported_at), col(Claim.id))
    if limit and now:
        stmt = stmt.limit(limit)
    with unit_of_work(db, write=False) as uow:
        from .masters import check_names

        check_names(uow.session, branch=branch, handler=handler)
        claims = list(uow.session.exec(stmt).all())
        past = None if now else past_of(uow, as_of)
        if past is not None:
            wanted = {"voided_at": None} if not all else {}
            wanted |= {k: v for k, v in (("status", code), ("major", major), ("branch", branch), ("handler", handler)) if v}
            wanted = {k: v.strip() if isinstance(v, str) else v for k, v in wanted.items()}
            claims = past.kept(CASE, claims, wanted, overdue)[:limit]
        nxt = next_deadlines(uow, [c.id for c in claims], as_of, past)
        items = []
        for c in claims:
            row = {k: getattr(c, k) for k in LIST_KEYS}
            required, received = cl.codes_of(c.materials_required), cl.codes_of(c.materials_received)
            row["claim_types"] = cl.codes_of(c.claim_types)
            row["missing"] = cl.missing(required, received)
            row["next_deadline"] = nxt.get(c.id)
            items.append(row)
    return {"as_of": as_of, "count": len(items), "items": items}


LIST_KEYS = (
    "id", "status", "reported_at", "channel", "policy_no", "product", "insured_name", "insured_id", "incident_at",
    "reporter_name", "reporter_phone", "major", "escalated_at", "result", "callback_id", "branch", "handler",
    "voided_at",
)  # fmt: skip
_STATUS_CODES = table_of(cl.STATUS_ZH)


def next_deadlines(uow: UnitOfWork, ids: list[str], as_of: dt.date, past=None) -> dict[str, dict]:
    """The earliest running deadline of each claim, for lists: the case's next deadline as every
    list finds it (services/reports.py `running_of`) and judges it (`domain.report.judge`)."""
    from ..domain.report import judge
    from .reports import running_of

    out: dict[str, dict] = {}
    units = {}
    nxt = {case_id: rows[0] for case_id, rows in running_of(uow, CASE, ids, past).items()}
    if nxt:
        q = select(Deadline.id, Deadline.unit).where(col(Deadline.id).in_([d.id for d in nxt.values()]))
        units = dict(uow.session.exec(q).all())
    for case_id, d in nxt.items():
        j = judge(uow.calendar, as_of, d.status, d.due, d.due_at, d.breached, d.paused_at)
        out[case_id] = {
            "kind": d.kind, "due": d.due, "due_at": d.due_at, "unit": units.get(d.id), "provisional": d.provisional,
            "overdue": j.overdue, "breached": j.breached, "working_days_left": j.working_days_left,
        }  # fmt: skip
    return out


# --- corrections ---------------------------------------------------------------------------------------

# What `claim edit` corrects: the report's descriptive fields. The policy, the insured, the dates
# and the major-case facts drive the checks and deadlines: a report wrong there is voided and
# reported again (`claim void`), a major case learned later is marked with `claim major`.
EDITABLE = {
    "incident_place": ("--place 出险地点", 200, False),
    "cause": ("--cause 出险原因", 2000, True),
    "course": ("--course 出险经过", 2000, True),
    "injury": ("--injury 伤害程度", 2000, True),
    "measures": ("--measures 已采取措施", 2000, True),
    "present_state": ("--state 目前状况", 2000, True),
    "hospital": ("--hospital 就诊医院", 200, False),
    "reporter_name": ("--reporter 报案人姓名", 50, False),
    "reporter_address": ("--reporter-address 报案人联系地址", 255, False),
}


def _edit_value(key: str, value: Any) -> Any:
    """One corrected field of a report, checked as the report checks it."""
    if key == "reporter_phone":
        return phone_number(value, "--reporter-phone")
    if key == "reporter_relation":
        return parse_code(cl.REPORTER_RELATIONS, value, "--relation 与出险人关系")
    field, limit, multiline = EDITABLE[key]
    return _text(value, field, limit, key == "reporter_name", multiline=multiline)


def _edit_result(uow: UnitOfWork, c: Claim, before: dict, after: dict, moved: list, why: str) -> dict[str, Any]:
    return view(uow, c) | {"changes": [{"field": k, "before": before[k], "after": v} for k, v in after.items()]}


CLAIM_EDIT = EditSpec(
    CASE, {k: (k, cl.COLUMN_ZH.get(k, k)) for k in (*EDITABLE, "reporter_phone", "reporter_relation")}, _edit_value,
    nothing="请给出要更正的项目,例如 kefu claim edit BA-20261120-0001 --reporter-phone 13900001111 --reason 电话记错",
    same="理赔报案 {id} 的这些项目与所填相同,不需要更正", reason_example="报案人电话记错一位", reason_limit=2000,
    reason_first=True, received_guard=True, result=_edit_result,
)  # fmt: skip


def edit(db, claim_id: str, changes: dict[str, Any], *, reason: str, clerk=None, at=None) -> dict[str, Any]:
    """`kefu claim edit`: correct descriptive fields; the event keeps the old and new values and the
    reason (services/edit.py, the one edit of every case type)."""
    from .edit import edit as edit_case

    return edit_case(db, CASE, claim_id, changes, reason=reason, clerk=clerk, at=at)
