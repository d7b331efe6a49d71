"""Claims intake (理赔报案): the after-sales rules of seed 002, 第四条 — pure code, no I/O.

Claims (第四条):
- a report records the policy, the incident and the reporter; before registering, existing
  reports are searched (same policy or same insured, same incident day: no second registration);
- first checks (信息初步审核): the incident date inside the policy period, the event inside the
  cover (the clerk's judgement), the claim inside the limitation period — 保险法 第二十六条:
  2 years, 5 years for life insurance (人寿保险), from the day the claimant knew or should have
  known of the incident; counted as the Civil Code counts periods (民法典 第二百零一至二百零三条:
  the start day does not count, a period of years ends on the corresponding day — the last day
  of the month when there is none — and a last day that is a rest day moves to the next working
  day). A failed check is told to the customer in writing with the reason;
- a major case (重大案件) is reported to head office within 24 hours: 2 or more deaths in one
  accident; expected payment over 500,000 yuan, or sum insured over 500,000 yuan with the outcome
  of a serious accident still uncertain; a dispute taken to the authorities, the industry
  association or the media; a dispute likely to go to court or already there;
- a claim application is accepted only with complete materials (base documents plus, by claim
  type, the proofs); complete materials are handed over to the insurer within 3 working days;
- after the claim is closed, the claim callback (理赔回访) within 5 working days.
Here: the claim statuses and steps, the claim code tables and materials checklist, the major-case
criteria, the claim fold `db verify` checks the rows against, and the column names as clerks read
them. The checks of what clerks type (amounts, resident ID numbers, the limitation period, the
first checks) are in domain/claim_checks.py; service requests and the policy register's fold in
domain/requests.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from .claim_checks import yuan
from .codes import CodeTable, label
from .errors import RuleError

# --- claim statuses and actions ---------------------------------------------------------------


class Status(StrEnum):
    REPORTED = "reported"  # registered, first checks passed, no application yet
    REFUSED = "refused"  # a first check failed: told in writing, not accepted
    APPLYING = "applying"  # application started, materials incomplete (supplement list told)
    COMPLETE = "complete"  # materials complete: hand over to the insurer within 3 working days
    HANDED_OVER = "handed_over"  # materials handed over to the insurer
    CLOSED = "closed"  # closed: paid, declined or withdrawn


STATUS_ZH = {
    Status.REPORTED: "已报案",
    Status.REFUSED: "初审不予受理",
    Status.APPLYING: "待补充材料",
    Status.COMPLETE: "材料齐全(待移交)",
    Status.HANDED_OVER: "已移交保险公司",
    Status.CLOSED: "已结案",
}
OPEN_STATUSES = frozenset({Status.REPORTED, Status.APPLYING, Status.COMPLETE, Status.HANDED_OVER})


class Action(StrEnum):
    APPLY = "apply"
    MATERIALS = "materials"
    HANDOVER = "handover"
    CLOSE = "close"


# action -> statuses it may be taken from
ALLOWED = {
    Action.APPLY: frozenset({Status.REPORTED, Status.APPLYING, Status.COMPLETE}),
    Action.MATERIALS: frozenset({Status.APPLYING, Status.COMPLETE}),
    Action.HANDOVER: frozenset({Status.COMPLETE}),
    Action.CLOSE: OPEN_STATUSES,
}
ACTION_ZH = {
    Action.APPLY: "受理理赔申请(apply)",
    Action.MATERIALS: "登记收到的材料(materials)",
    Action.HANDOVER: "移交保险公司(handover)",
    Action.CLOSE: "结案(close)",
}
NEXT_HINT = {
    Status.REPORTED: "下一步: 指导客户填写理赔申请书,按索赔类型收集材料(kefu claim apply {id} --type …)",
    Status.REFUSED: "初审未通过的报案不再办理;如客户补充了新的情况,可重新报案",
    Status.APPLYING: "下一步: 收到补充材料后登记(kefu claim materials {id} --received …)",
    Status.COMPLETE: "下一步: 将理赔材料移交保险公司(kefu claim handover {id})",
    Status.HANDED_OVER: "下一步: 保险公司结案后登记结果(kefu claim close {id} --result paid|declined|withdrawn)",
    Status.CLOSED: "已结案",
}


def check(status: str, action: Action, claim_id: str) -> None:
    """RuleError with one sentence when `action` may not be taken in `status`."""
    st = Status(status)
    if st in ALLOWED[action]:
        return
    allowed = [ACTION_ZH[a] for a, froms in ALLOWED.items() if st in froms]
    then = f"现在可以: {'、'.join(allowed)}" if allowed else NEXT_HINT[st].format(id=claim_id)
    raise RuleError(f"理赔报案 {claim_id} 的状态是“{STATUS_ZH[st]}”,不能{ACTION_ZH[action]};{then}")


# The status a step leads to; `apply` and `materials` lead to applying or complete as the
# materials say (the step gives it), the other audit actions (major, escalate, edit, note,
# assign, void) keep the status.
NEXT_STATUS = {Action.HANDOVER: Status.HANDED_OVER, Action.CLOSE: Status.CLOSED}


def next_status(status: str, action: str, claim_id: str) -> Status:
    """The status after the audit action `action` (RuleError when the step is not allowed)."""
    if action not in set(Action):
        return Status(status)
    step = Action(action)
    check(status, step, claim_id)
    return NEXT_STATUS.get(step, Status(status))


# What each step does to the claim's running deadlines (services/claim_steps.py applies it): "met" /
# "not_applicable" close the listed kinds with that status. Besides the table: a report meeting a
# major-case criterion, and `major`, open the 24-hour major_case_report; materials becoming
# complete (`apply`, `materials`) open the 3-working-day claim_handover, and items taken back off
# the list (or claim types added) close it as not applicable until they are complete again; a
# paid or declined closing schedules the claim callback (5 working days).
# (Kinds as domain/deadlines.py `DeadlineKind` values: this module does not load the calendar.)
EFFECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "escalate": {"met": ("major_case_report",)},
    Action.HANDOVER: {"met": ("claim_handover",)},
    Action.CLOSE: {"not_applicable": ("claim_handover",)},
}


# --- codes -------------------------------------------------------------------------------------

CLAIM_CHANNELS: CodeTable = {  # 报案方式 (第四条(二)): 电话、上门、传真、书信; the desk's other channels too
    "phone": ("电话", ("电话报案", "电话热线", "热线")),
    "visit": ("上门", ("上门报案", "现场", "来访", "现场接待")),
    "fax": ("传真", ("传真报案",)),
    "letter": ("信函", ("书信", "书信报案", "来信")),
    "email": ("电子邮件", ("邮件",)),
    "online": ("在线", ("在线客服", "网络")),
}
REPORTER_RELATIONS: CodeTable = {  # 报案人与出险人关系
    "self": ("本人", ()),
    "spouse": ("配偶", ("夫妻", "丈夫", "妻子")),
    "parent": ("父母", ("父亲", "母亲")),
    "child": ("子女", ("儿子", "女儿")),
    "relative": ("其他亲属", ("亲属", "亲戚")),
    "employer": ("单位", ("工作单位", "雇主", "同事")),
    "agent": ("代理人", ("受托人", "业务员")),
    "other": ("其他", ("其它",)),
}
LINES: CodeTable = {  # 险种类型: the limitation period depends on it (保险法 第二十六条)
    "life": ("人寿保险", ("寿险", "人寿", "终身寿险", "定期寿险", "两全保险", "年金保险")),
    "health": ("健康保险", ("健康险", "重大疾病保险", "重疾险", "医疗保险", "医疗险")),
    "accident": ("意外伤害保险", ("意外险", "意外伤害险", "意外")),
    "property": ("财产保险", ("财产险", "车险", "机动车辆保险", "家财险")),
    "other": ("其他", ("其它",)),
}
DISPUTES: CodeTable = {  # 第四条 重大案件 3): 向主管机关、同业公会、媒体投诉
    "media": ("媒体", ("新闻媒体", "媒体介入")),
    "regulator": ("主管机关", ("监管", "监管机构", "主管部门", "金融监管")),
    "association": ("同业公会", ("行业协会", "保险行业协会", "公会")),
}
RESULTS: CodeTable = {
    "paid": ("赔付", ("已赔付", "给付", "赔款")),
    "declined": ("拒赔", ("拒付", "不予赔付")),
    "withdrawn": ("撤案", ("撤回", "客户撤案", "撤销")),
}
CLAIM_TYPES: CodeTable = {  # 索赔类型 (第四条(四)2)
    "death": ("身故", ("死亡", "身故理赔")),
    "disability": ("伤残", ("残疾",)),
    "medical": ("医疗", ("医疗费用", "住院", "门诊")),
    "accident": ("意外", ("意外事故", "事故")),
    "burn": ("烧烫伤", ("烧伤", "烫伤")),
    "property": ("财产损失", ("物损", "车损", "财产", "维修")),
}
# The materials of 第四条(四)2, each a code a clerk ticks (Chinese label accepted).
MATERIALS: CodeTable = {
    "policy_original": ("保险单正本", ("保单正本", "保单原件", "保险单")),
    "premium_receipt": ("保费收据", ("保费发票", "缴费凭证")),
    "insured_id": ("被保险人身份证件", ("被保险人身份证",)),
    "beneficiary_id": ("受益人身份证件", ("受益人身份证", "申请人身份证件")),
    "claim_form": ("理赔申请书", ("理赔申请表", "索赔申请书", "申请书")),
    "accident_proof": ("事故证明", ("意外事故证明", "交通事故认定书")),
    "death_certificate": ("身故证明(死亡医学证明或公安机关死亡证明)", ("死亡证明", "身故证明", "死亡医学证明")),
    "disability_proof": ("残疾鉴定证明", ("残疾证明", "伤残鉴定", "伤残证明", "残疾鉴定")),
    "burn_proof": ("烧烫伤证明", ("烧伤证明", "烫伤证明")),
    "medical_records": ("医疗证明(门急诊病史、检(化)验资料、病理报告等)", ("病历", "医疗证明", "病史", "检验报告")),
    "medical_receipts": ("门急诊及住院收据原件", ("医疗收据", "医疗发票", "住院收据", "门诊收据", "发票")),
    "repair_invoices": ("维修、物损发票", ("维修发票", "物损发票", "修理发票")),
}
BASE_MATERIALS = ("policy_original", "premium_receipt", "insured_id", "beneficiary_id", "claim_form")
TYPE_MATERIALS = {
    "accident": ("accident_proof",),
    "death": ("death_certificate",),
    "disability": ("disability_proof",),
    "burn": ("burn_proof",),
    "medical": ("medical_records", "medical_receipts"),
    "property": ("repair_invoices",),
}
# Checklist order: the base documents, then the proofs in the order of the seed.
MATERIAL_ORDER = tuple(MATERIALS)


def checklist(types: Iterable[str]) -> list[str]:
    """The materials a claim of these types needs: the base documents and each type's proofs."""
    wanted = set(BASE_MATERIALS)
    for t in types:
        wanted.update(TYPE_MATERIALS[t])
    return [m for m in MATERIAL_ORDER if m in wanted]


def missing(required: Iterable[str], received: Iterable[str]) -> list[str]:
    have = set(received)
    return [m for m in required if m not in have]


def codes_text(codes: Iterable[str]) -> str:
    """Codes as stored in a column: comma-separated, in checklist order where known."""
    items = list(dict.fromkeys(codes))
    order = {m: i for i, m in enumerate(MATERIAL_ORDER + tuple(CLAIM_TYPES))}
    return ",".join(sorted(items, key=lambda c: order.get(c, len(order))))


def codes_of(text: str | None) -> list[str]:
    return [c for c in (text or "").split(",") if c]


def labels(table: CodeTable, codes: Iterable[str]) -> str:
    return "、".join(label(table, c) for c in codes)


# --- major cases (重大案件) ----------------------------------------------------------------------

MAJOR_DEATHS = 2  # 一次事故导致 2 人或 2 人以上死亡
MAJOR_AMOUNT = 500_000  # 预计理赔金额或保险金额超过 50 万元
MAJOR_SOURCE = "售后服务管理细则 第四条(二) 重大案件"


def major_reasons(
    *,
    deaths: int = 0,
    estimate: int | None = None,
    sum_insured: int | None = None,
    uncertain: bool = False,
    dispute: str | None = None,
    litigation: bool = False,
) -> list[str]:
    """Which of the four criteria the case meets, one Chinese phrase each (empty: not major)."""
    out = []
    if deaths >= MAJOR_DEATHS:
        out.append(f"一次事故导致 {deaths} 人死亡")
    if estimate is not None and estimate > MAJOR_AMOUNT:
        out.append(f"预计理赔金额 {yuan(estimate)} 超过 {yuan(MAJOR_AMOUNT)}")
    if uncertain and sum_insured is not None and sum_insured > MAJOR_AMOUNT:
        out.append(f"保险金额 {yuan(sum_insured)} 超过 {yuan(MAJOR_AMOUNT)},重大事故后结果暂时无法确定")
    if dispute:
        out.append(f"争议已向{label(DISPUTES, dispute)}投诉")
    if litigation:
        out.append("争议较大,可能引起诉讼或已涉及诉讼")
    return out


# --- the folds: a row's columns from its audit events (`db verify`) -------------------------------

REPORT_FIELDS = (
    "channel", "reported_at", "policy_no", "product", "line", "holder", "insured_name", "insured_id",
    "period_start", "period_end", "sum_insured", "incident_at", "incident_place", "cause", "course", "injury",
    "measures", "present_state", "hospital", "reporter_name", "reporter_phone", "reporter_address",
    "reporter_relation", "known_date", "limitation_years", "limitation_end", "check_period", "check_cover",
    "check_limitation", "refusal_reason", "deaths", "estimate", "dispute", "litigation", "outcome_uncertain",
    "major", "major_reasons", "branch", "handler",
)  # fmt: skip
MAJOR_FIELDS = ("deaths", "estimate", "dispute", "litigation", "outcome_uncertain", "major", "major_reasons")
APPLY_FIELDS = ("claim_types", "materials_required", "materials_received", "applicant_name", "applicant_phone",
                "applied_at", "complete_at")  # fmt: skip
CLOSE_FIELDS = ("result", "result_reason", "paid_amount", "callback_id")
# The columns later steps set, as a report leaves them: the fold starts from these, so a step
# column written without its event (a forged close or handover) differs from the fold.
CLAIM_UNSET: dict[str, Any] = {
    **dict.fromkeys(("major_at", "escalated_at", "escalated_to", "applicant_name", "applicant_phone", "applied_at",
                     "complete_at", "handed_over_at", "handed_over_to", "closed_at", *CLOSE_FIELDS, "voided_at",
                     "void_reason")),
    "claim_types": "", "materials_required": "", "materials_received": "",
}  # fmt: skip


def apply(state: dict, action: str, at, clerk: str, to_status: str | None, details: dict) -> dict:
    """A claim's columns after one of its audit events (the fold `db verify` checks)."""
    s = dict(state)
    if to_status is not None:
        s["status"] = to_status
    if action == "report":
        s.update(CLAIM_UNSET, registered_at=at, created_by=clerk)
        s.update({k: details[k] for k in REPORT_FIELDS if k in details})
        s["major_at"] = details.get("reported_at") if details.get("major") else None
    elif action == "major":
        s.update({k: details[k] for k in MAJOR_FIELDS if k in details})
        s["major_at"] = at
    elif action == "escalate":
        s.update(escalated_at=at, escalated_to=details.get("to"))
    elif action in ("apply", "materials"):
        s.update({k: details[k] for k in APPLY_FIELDS if k in details})
    elif action == "handover":
        s.update(handed_over_at=at, handed_over_to=details.get("to"))
    elif action == "close":
        s["closed_at"] = at
        s.update({k: details.get(k) for k in CLOSE_FIELDS})
    elif action == "assign":
        s.update(handler=details.get("handler"), branch=details.get("branch"))
    elif action == "void":
        s.update(voided_at=at, void_reason=details.get("reason"))
    elif action == "edit":  # a correction: the columns it sets, as recorded
        s.update(details.get("after") or {})
    elif action == "undo":  # a step taken back (services/undo.py): the columns as before it
        s.update(details.get("restore") or {})
    return s


# Column names as a clerk reads them (verify messages, corrections).
COLUMN_ZH = {
    "reported_at": "报案时间", "product": "险种名称", "line": "险种类型", "holder": "投保人",
    "insured_name": "被保险人", "insured_id": "被保险人证件号码", "period_start": "保险期间起",
    "period_end": "保险期间止", "sum_insured": "保险金额", "incident_at": "出险时间", "incident_place": "出险地点",
    "cause": "出险原因", "course": "出险经过", "injury": "伤害程度", "measures": "已采取措施",
    "present_state": "目前状况", "hospital": "就诊医院", "reporter_name": "报案人", "reporter_phone": "报案人电话",
    "reporter_address": "报案人地址", "reporter_relation": "与出险人关系", "known_date": "知道出险之日",
    "limitation_years": "索赔时效(年)", "limitation_end": "索赔时效届满日", "check_period": "初审: 保险期间",
    "check_cover": "初审: 保险责任", "check_limitation": "初审: 索赔时效", "refusal_reason": "不予受理原因",
    "deaths": "死亡人数", "estimate": "预计理赔金额", "dispute": "争议投诉去向", "litigation": "涉及诉讼",
    "outcome_uncertain": "结果暂时无法确定", "major": "重大案件", "major_reasons": "重大案件依据",
    "major_at": "认定重大案件时间", "escalated_at": "向总部呈报时间", "escalated_to": "呈报单位",
    "claim_types": "索赔类型", "materials_required": "应交材料", "materials_received": "已收材料",
    "applicant_name": "申请人", "applicant_phone": "申请人电话", "applied_at": "申请时间", "complete_at": "材料齐全时间",
    "handed_over_at": "移交时间", "handed_over_to": "移交单位", "closed_at": "结案时间", "result": "结案结果",
    "result_reason": "结案说明", "paid_amount": "赔付金额", "callback_id": "理赔回访",
    "type": "请求类型", "reason": "退保原因", "reason_note": "原因说明", "content": "批改内容", "close_note": "办结说明",
    "received_at": "接收时间",
}  # fmt: skip
