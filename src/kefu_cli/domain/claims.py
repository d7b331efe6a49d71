"""Claims intake (理赔报案) and service requests (退保、批改): the after-sales rules of seed 002,
第四条 to 第六条 — pure code, no I/O.

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
Service requests (第五条 退保, 第六条 批改): the policy, for a surrender the reason; the customer
is guided to the documents.

Also here: the resident ID number (居民身份证号码, GB 11643-1999) check and mask, amounts as
clerks type them (600000、60万、1.5万元), and the folds `db verify` checks the rows against.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from .codes import CodeTable, label
from .errors import InputError, RuleError

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


# What each step does to the claim's running deadlines (services/claims.py applies it): "met" /
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


# --- amounts -------------------------------------------------------------------------------------

AMOUNT_MAX = 10**12  # yuan
_AMOUNT = re.compile(r"(?P<n>[0-9]+(?:\.[0-9]+)?)(?P<wan>万)?元?")


def _example(field: str, value: str) -> str:
    """例如 --estimate 600000 for an option ("--estimate 预计理赔金额"), 例如 600000 for a column."""
    option = field.split(" ")[0] if field.startswith("--") else ""
    return f"例如 {option} {value}" if option else f"例如 {value}"


def parse_amount(text: str | None, field: str, example: str = "600000") -> int | None:
    """Whole yuan from 600000、600,000、600000元、60万、1.5万元; None for empty. Fractions of a
    yuan are refused (amounts are recorded in whole yuan)."""
    v = (text or "").strip().translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,"))
    if not v:
        return None
    v = v.replace(",", "").replace(" ", "")
    m = _AMOUNT.fullmatch(v)
    if m is None:
        raise InputError(f"{field} 应为金额(元,可写 万),{_example(field, example)} 或 60万")
    from decimal import Decimal

    amount = Decimal(m.group("n")) * (10_000 if m.group("wan") else 1)
    if amount != amount.to_integral_value():
        raise InputError(f"{field} 请按整元填写(不含角分),{_example(field, example)}")
    if not 0 <= amount <= AMOUNT_MAX:
        raise InputError(f"{field} 金额超出范围(最多 {AMOUNT_MAX} 元),{_example(field, example)}")
    return int(amount)


def yuan(amount: int | None) -> str:
    """600000 -> 60万元, 1234567 -> 1,234,567元."""
    if amount is None:
        return "-"
    if amount and amount % 10_000 == 0:
        return f"{amount // 10_000:,}万元"
    return f"{amount:,}元"


# --- the limitation period (保险法 第二十六条) ------------------------------------------------

LIMITATION_YEARS = {"life": 5}  # 人寿保险 5 年, 其他 2 年
LIMITATION_DEFAULT_YEARS = 2
LIMITATION_SOURCE = "保险法 第二十六条;民法典 第二百零一至二百零三条"


def limitation_years(line: str | None) -> int:
    return LIMITATION_YEARS.get(line or "", LIMITATION_DEFAULT_YEARS)


def corresponding_day(start: dt.date, years: int) -> dt.date:
    """The day `years` after `start` (民法典 第二百零二条): the same month and day, or the last
    day of the month when that day does not exist (2024-02-29 + 2 years = 2026-02-28)."""
    import calendar

    year = start.year + years
    last = calendar.monthrange(year, start.month)[1]
    return dt.date(year, start.month, min(start.day, last))


def limitation_end(known: dt.date, years: int, next_workday) -> dt.date:
    """The last day to claim: the corresponding day `years` after the day the claimant knew of
    the incident (the start day not counted, 第二百零一条), moved to the next working day when it
    is a rest day (第二百零三条; `next_workday` is the calendar's)."""
    return next_workday(corresponding_day(known, years))


def first_check_failures(
    *,
    incident: dt.date,
    period_start: dt.date | None,
    period_end: dt.date | None,
    claimed: dt.date,
    limitation_last: dt.date,
    years: int,
    not_covered: str | None,
) -> dict[str, str]:
    """The first checks that fail, {check: reason} (empty: all pass). `claimed` is the day of
    the report."""
    out: dict[str, str] = {}
    if (period_start is not None and incident < period_start) or (period_end is not None and incident > period_end):
        out["period"] = (
            f"出险日期 {incident} 不在保险期间({period_start or '-'} 至 {period_end or '-'})内"
        )
    if not_covered:
        out["cover"] = f"保险事故不属于保险责任范围: {not_covered}"
    if claimed > limitation_last:
        out["limitation"] = (
            f"已超过索赔时效: 自知道保险事故之日起 {years} 年,最后一日为 {limitation_last}(保险法 第二十六条)"
        )
    return out


CHECK_ZH = {"period": "保险期间", "cover": "保险责任", "limitation": "索赔时效"}


# --- resident ID numbers (GB 11643-1999) ---------------------------------------------------------

ID_EXAMPLE = "11010519491231002X"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# 省级行政区划代码 (GB/T 2260): 11 北京 … 65 新疆, 71 台湾, 81 香港, 82 澳门, 91 (外国人永久居留)
_PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
     "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83", "91"}
)  # fmt: skip
_ID_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def check_id_number(text: str | None, field: str, today: dt.date) -> str:
    """An 18-character resident ID number, upper-case X, or InputError naming what is wrong
    (never echoing the number): length, characters, region, date of birth (not after `today`), check digit."""
    v = re.sub(r"[\s\-\u3000]", "", (text or "").translate(_ID_FULL_WIDTH)).upper()
    example = _example(field, ID_EXAMPLE)
    if not v:
        raise InputError(f"{field} 身份证号码不能为空,{example}")
    if len(v) == 15 and v.isascii() and v.isdigit():
        raise InputError(f"{field} 是 15 位的旧身份证号码,已停止使用: 请填写 18 位的居民身份证号码,{example}")
    if len(v) != 18:
        raise InputError(f"{field} 身份证号码应为 18 位(现为 {len(v)} 位),{example}")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", v):
        raise InputError(f"{field} 身份证号码前 17 位只能是数字,最后一位是数字或 X,{example}")
    if v[:2] not in _PROVINCES:
        raise InputError(f"{field} 身份证号码的前两位不是有效的省级行政区划代码,请核对证件,{example}")
    try:
        born = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > today:
        raise InputError(f"{field} 身份证号码第 7 至 14 位不是有效的出生日期,请核对证件,{example}")
    if id_check_digit(v[:17]) != v[17]:
        raise InputError(f"{field} 身份证号码校验位不符(号码中有数字录错),请对照证件逐位核对,{example}")
    return v


def mask_id_number(text: str | None) -> str:
    """110***********1234: the first 3 and last 4 characters of an ID number."""
    if not text:
        return ""
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def line_from_product(product: str | None) -> str:
    """A guess of the line from a product name, for policies imported without 险种类型."""
    p = product or ""
    if any(w in p for w in ("寿险", "人寿", "年金", "两全")):
        return "life"
    if any(w in p for w in ("疾病", "医疗", "健康", "重疾", "护理")):
        return "health"
    if "意外" in p:
        return "accident"
    if any(w in p for w in ("车", "财产", "家财", "责任险")):
        return "property"
    return "other"


# --- service requests (第五条 退保, 第六条 批改) ------------------------------------------------


class RequestStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"


REQUEST_STATUSES: CodeTable = {
    "open": ("待办理", ("办理中", "已登记")),
    "completed": ("已办结", ("办结", "完成")),
    "referred": ("已转保险公司办理", ("转保险公司", "已转办", "转办")),
    "withdrawn": ("客户撤回", ("撤回", "撤销")),
}
REQUEST_TYPES: CodeTable = {
    "surrender": ("退保", ("退保申请", "解除合同")),
    "endorsement": ("批改", ("批单", "批改申请", "保全变更", "变更")),
}
SURRENDER_REASONS: CodeTable = {  # 退保原因 (kefu request add --reason)
    "hardship": ("经济困难", ("经济原因", "资金紧张")),
    "product": ("对产品不满意", ("产品不满意", "产品")),
    "mis_selling": ("销售误导", ("误导", "销售")),
    "service": ("服务不满意", ("对服务不满意", "服务")),
    "other": ("其他", ("其它",)),
}
REQUEST_DOCUMENTS = {  # what the customer is guided to bring (第五条: 提醒客户准备相关资料)
    "surrender": (
        "保险合同(保单)原件",
        "投保人有效身份证件",
        "退保申请书(投保人签名)",
        "投保人本人银行账户(卡)",
        "委托他人办理的: 授权委托书及受托人身份证件",
    ),
    "endorsement": (
        "批改申请书(指导客户填写,投保人签名)",
        "保险合同(保单)原件",
        "投保人有效身份证件",
        "与批改内容有关的证明(如受益人身份证件、新的银行账户)",
    ),
}


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


REQUEST_FIELDS = ("type", "received_at", "channel", "policy_no", "product", "holder", "insured_name", "name",
                  "phone", "relation", "reason", "reason_note", "content", "branch", "handler")  # fmt: skip


def apply_request(state: dict, action: str, at, clerk: str, to_status: str | None, details: dict) -> dict:
    """A service request's columns after one of its audit events."""
    s = dict(state)
    if to_status is not None:
        s["status"] = to_status
    if action == "add":
        s.update(registered_at=at, created_by=clerk, closed_at=None, close_note=None, voided_at=None, void_reason=None)
        s.update({k: details[k] for k in REQUEST_FIELDS if k in details})
    elif action == "close":
        s.update(closed_at=at, close_note=details.get("note"))
    elif action == "assign":
        s.update(handler=details.get("handler"), branch=details.get("branch"))
    elif action == "void":
        s.update(voided_at=at, void_reason=details.get("reason"))
    elif action == "edit":  # a correction (services/edit.py): the columns it sets, as recorded
        s.update(details.get("after") or {})
    elif action == "undo":  # a step taken back (services/undo.py): the columns as before it
        s.update(details.get("restore") or {})
    return s


def next_request_status(status: str, action: str, request_id: str) -> str:
    """A request's status after an audit action: `close` gives its result (the step says which),
    the other actions keep it."""
    return status


POLICY_FIELDS = ("product", "line", "holder", "phone", "insured_name", "insured_id", "period_start", "period_end",
                 "sum_insured", "branch", "handler")  # fmt: skip


def apply_policy(state: dict, action: str, details: dict) -> dict:
    """A policy register row's columns after one of its audit events."""
    s = dict(state)
    if action == "register":
        s.update({k: details[k] for k in POLICY_FIELDS if k in details})
    elif action == "update":
        s.update({k: v for k, v in (details.get("after") or {}).items() if k in POLICY_FIELDS})
    return s


def apply_policy_event(state: dict, action: str, at, clerk: str, to_status: str | None, details: dict) -> dict:
    """`apply_policy` with the arguments of the other folds (services/core.py): also who
    registered the policy and from where (the command or the file)."""
    s = apply_policy(state, action, details)
    if action == "register":
        s.update(created_by=clerk, source=details.get("source", ""))
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
