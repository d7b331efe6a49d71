"""Claim reports (理赔报案) registered and corrected: the report (第四条(二): the duplicate
search, the policy identified, the first checks, the major-case criteria) and `kefu claim edit`,
one unit of work each.

Rules in domain/claims.py and domain/claim_checks.py (seed 002 第四条). A report meeting a
major-case criterion starts the 24-hour major_case_report deadline from the time it was received;
the later steps and their deadlines are in services/claim_steps.py, reading a claim and the claim
list in services/claim_views.py. Every report is written with its audit event (entity `claim`);
`db verify` folds the events (domain/claims.py `apply`) and compares them with the row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, or_, select

from ..domain import claim_checks as ck
from ..domain import claims as cl
from ..domain.codes import label, parse_code
from ..domain.deadlines import DeadlineKind
from ..domain.errors import InputError, RuleError
from ..domain.text import SHORT_MAX, phone_number
from ..store.claim_models import Claim, PolicyRecord
from . import clock, core
from . import policy_register as reg
from .claim_steps import start_claim_deadline, text_field
from .claim_views import CASE, view
from .context import UnitOfWork, unit_of_work
from .edit import EditSpec

PREFIX = "BA"  # 报案
K = DeadlineKind
ID_EXAMPLE = "BA-20261120-0001"


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
    number: str | None = None,
) -> dict[str, Any]:
    """Register a claim report (第四条(二)): search, identify the policy, first checks, major case.
    `number`: the claim's own number (an import of kefu's export keeps it, services/numbering.py)."""
    channel = parse_code(cl.CLAIM_CHANNELS, channel or "phone", "--channel 报案方式")
    relation = parse_code(cl.REPORTER_RELATIONS, relation or "self", "--relation 与出险人关系")
    reporter = text_field(reporter, "--reporter 报案人姓名", 50, True, "王小明")
    reporter_phone = phone_number(reporter_phone, "--reporter-phone")
    reporter_address = text_field(reporter_address, "--reporter-address 报案人联系地址", 255, example="北京市朝阳区建国路 1 号")
    policy_no = text_field(policy_no, "--policy 保单号", 60, example="P2026110001")
    insured = text_field(insured, "--insured 出险人(被保险人)姓名", 50, example="林志远")
    id_number = ck.check_id_number(id_number, "--id-number", clock.today()) if (id_number or "").strip() else ""
    place = text_field(place, "--place 出险地点", 200, example="北京市朝阳区建国路与东三环路口")
    cause = text_field(cause, "--cause 出险原因", 2000, multiline=True, example="交通事故")
    course = text_field(course, "--course 出险经过", 2000, multiline=True, example="骑电动车被机动车撞倒")
    injury = text_field(injury, "--injury 伤害程度", 2000, multiline=True, example="左腿骨折")
    measures = text_field(measures, "--measures 已采取措施", 2000, multiline=True, example="已送医,已报警")
    present_state = text_field(present_state, "--state 目前状况", 2000, multiline=True, example="住院治疗中")
    hospital = text_field(hospital, "--hospital 就诊医院", 200, example="北京朝阳医院")
    not_covered = text_field(not_covered, "--not-covered 不属保险责任的原因", 500, multiline=True,
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

    branch = text_field(branch, "--branch 机构", SHORT_MAX, example="朝阳支公司") or p.branch
    handler = text_field(handler, "--handler 经办人", SHORT_MAX, example="李娜")
    branch = ensure_branch(uow, branch, new_branch)
    handler = ensure_handler(uow, handler, branch, new_handler)

    from .numbering import next_number

    if uow.at < received:
        raise InputError(
            f"--at 登记时间 {uow.at:%Y-%m-%d %H:%M} 早于报案时间 {received:%Y-%m-%d %H:%M},请检查 --received 或 --at"
        )
    if number:
        from .numbering import keep_number

        number = keep_number(uow, PREFIX, number)
    else:
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
        start_claim_deadline(uow, c, K.MAJOR_CASE_REPORT, received, "claim.major_case_report")
    core.register_event(uow, CASE, c, "report", details)
    out = view(uow, c, as_of=uow.now.date())
    out["failures"] = failures
    out["other_claims"] = [progress(uow, x) for x in others]
    out["same_incident"] = [progress(uow, x) for x in same]
    return out


def add(db: str | None, *, clerk: str | None = None, at: dt.datetime | None = None, **fields) -> dict[str, Any]:
    """`kefu claim report`."""
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        return report(uow, **fields)


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
    return text_field(value, field, limit, key == "reporter_name", multiline=multiline)


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
