"""Written notices (告知书): what each one must say — pure code, no I/O.

Every limit kefu tracks ends in telling someone in writing. This module knows, per notice type:
its title, the fields a template may use (and those it must use), which complaint states it
fits, which deadline it answers, and the wording that is rule rather than template: dates in
Chinese form, a rejection's reason, the routes of redress a decision must name (2020 rule), the
reason of an extension.

The Word templates (kefu_cli/notices/templates/*.docx) hold the letter; the fields hold the
facts. A template may use only the fields listed here (`fields_for`) and must use the ones
that carry what the rules require (`REQUIRED`), so an edited template can not drop the reason
of a rejection or the routes of redress without being refused.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from .codes import CodeTable
from .codes import label as code_label
from .deadlines import DEADLINE_KIND_ZH, DeadlineKind
from .errors import RuleError


class NoticeType(StrEnum):
    SUPPLEMENT = "supplement"  # 补正材料通知书: what to supply (5 working days)
    ACCEPTANCE = "acceptance"  # 受理通知书 (10 working days from complete materials)
    REJECTION = "rejection"  # 不予受理通知书, with its reason
    TRANSFER = "transfer"  # 转办告知书
    EXTENSION = "extension"  # 处理期限延长告知书, with its reason (and approver)
    PAUSE = "pause"  # 中止告知书: outside appraisal, time not counted
    DECISION = "decision"  # 处理决定告知书, with the routes of redress
    REGULATOR_REPORT = "regulator_report"  # 监管转办投诉办理情况报告
    REVIEW_DECISION = "review_decision"  # 复核决定告知书: the review's result, the routes that remain (Art. 20)


# code -> (short Chinese name, other accepted spellings): `--type 受理` works like `--type acceptance`.
NOTICE_TYPES: CodeTable = {
    "supplement": ("补正材料通知书", ("补正", "补充材料", "补正通知书", "补充材料通知书")),
    "acceptance": ("受理通知书", ("受理",)),
    "rejection": ("不予受理通知书", ("不予受理",)),
    "transfer": ("转办告知书", ("转办",)),
    "extension": ("延期告知书", ("延期", "延长", "处理期限延长告知书")),
    "pause": ("中止告知书", ("中止", "鉴定")),
    "decision": ("处理决定告知书", ("处理决定", "决定")),
    "regulator_report": ("监管转办情况报告", ("监管报告", "监管", "书面报告")),
    "review_decision": ("复核决定告知书", ("复核决定", "核查决定", "复核", "核查", "核查决定告知书")),
}

# The title printed on the document.
TITLES = {
    NoticeType.SUPPLEMENT: "投诉材料补正通知书",
    NoticeType.ACCEPTANCE: "投诉受理通知书",
    NoticeType.REJECTION: "投诉不予受理通知书",
    NoticeType.TRANSFER: "投诉转办告知书",
    NoticeType.EXTENSION: "投诉处理期限延长告知书",
    NoticeType.PAUSE: "投诉处理中止告知书",
    NoticeType.DECISION: "投诉处理决定告知书",
    NoticeType.REGULATOR_REPORT: "关于监管转办投诉办理情况的报告",
    NoticeType.REVIEW_DECISION: "投诉复核决定告知书",
}

# How a notice went out (`--via`), and the proof of telling each way leaves (2020 rule Art. 21: a
# written notice handed over or posted, an SMS or e-mail sent, a call placed, within the period).
VIAS: CodeTable = {
    "letter": ("信函", ("邮寄", "挂号信", "书面")),
    "email": ("电子邮件", ("邮件",)),
    "sms": ("短信", ("手机短信",)),
    "phone": ("电话", ("电话告知", "致电")),
    "in_person": ("当面送达", ("当面", "面交", "现场")),
}
DEFAULT_VIA = "letter"  # `--issue` without `--via`: a letter (as before `--proof` existed)
# What `--proof` holds per way: a posted letter's tracking number (挂号信/EMS 邮件号), an e-mail's or
# SMS's message id, a call's recording, the complainant's signed receipt of a letter handed over.
# Every way needs its reference to be proven: a letter without a tracking number can not show it
# was posted, one handed over without a signed receipt that it was received.
PROOF_ZH = {
    "letter": "邮件号(挂号信/EMS)",
    "email": "邮件发送记录(Message-ID)",
    "sms": "短信发送记录编号",
    "phone": "通话录音编号",
    "in_person": "签收回执编号",
}


def via_label(code: str | None) -> str:
    """信函, 短信 … of a via code (an unknown one as it is; none: the default, a letter)."""
    code = code or DEFAULT_VIA
    return VIAS[code][0] if code in VIAS else code


def proof_state(details: dict) -> dict:
    """{via, proof, proven} of an issued notice's event details: proven when a proof reference was
    recorded (a notice issued before `--proof` existed has none: unproven, by letter when no via)."""
    proof = (details.get("proof") or "").strip() or None
    return {"via": details.get("via") or DEFAULT_VIA, "proof": proof, "proven": proof is not None}


def proof_missing_text(via: str) -> str:
    """The warning of a notice issued without proof: what to keep, and how to record it."""
    return f"未记录发出凭证({PROOF_ZH.get(via, '凭证编号')}),本次告知记为“无凭证”(办法第二十一条要求留存告知的证明)"


def label(code: str) -> str:
    """The short Chinese name of a notice type."""
    return code_label(NOTICE_TYPES, code)


# --- fields ---------------------------------------------------------------------------------
# Every field a template may use, with what it holds (the export's 字段说明 lists them).
FIELD_ZH: dict[str, str] = {
    # every notice
    "case_no": "投诉编号,例如 TS-20261009-0001",
    "title": "告知书标题,例如 投诉受理通知书",
    "complainant": "投诉人姓名",
    "received_date": "收到投诉的日期(中文日期,例如 2026年10月9日)",
    "notice_date": "告知书日期(发出之日,中文日期)",
    "matter": "投诉事项(登记的投诉内容;未填写时为“您反映的××类问题”)",
    "policy_no": "保单号(未填写时为“未提供”)",
    "branch_name": "机构全称(信头与落款;机构名单未登记全称时用机构名称)",
    "branch_address": "机构地址(机构名单)",
    "branch_phone": "机构客服电话(机构名单)",
    "handler": "经办人(案件的处理人;未指定处理人时为“客服柜面”,这时只能预览、不能登记发出)",
    "contact": "联系谁: “经办人李娜”,未指定处理人时为“本公司客服柜面”(接在“请与”之后)",
    # supplement
    "materials": "需要补正(补充提供)的材料",
    "acceptance_limit": "受理告知期限,例如 自收到完整材料之日起10个工作日内",
    # acceptance
    "accepted_date": "受理日期",
    "decision_due": "处理决定的期限(最后一日,中文日期)",
    # rejection
    "rejected_date": "作出不予受理决定的日期",
    "reject_reason": "不予受理的理由(按理由代码写成的完整句子)",
    "reject_advice": "后续可以怎么办(按理由代码)",
    # transfer
    "transferred_date": "转办日期",
    "transfer_to": "接收单位",
    "transfer_text": "转办说明(内部转办 / 转外部单位,完整句子)",
    # extension
    "extension_level": "延期级别: 情况复杂 / 情况特别复杂",
    "extension_reason": "延期理由",
    "approver": "批准延期的高级管理人员(情况复杂的延期为“无需审批”)",
    "previous_due": "延期前的处理期限",
    # pause
    "paused_date": "中止日期",
    "appraisal": "中止的事项(登记中止时写的原因,例如 委托第三方医学鉴定)",
    "pause_kind": "中止的类别: 鉴定 / 检测 / 评估 / 调解",
    "pause_text": "中止的说明(按类别写明依据: 调解为办法第二十三条,鉴定、检测、评估为第十八条;完整句子)",
    # decision
    "decided_date": "作出处理决定的日期",
    "result": "处理决定",
    "routes": "对处理决定有异议时的救济途径(上一级机构核查、调解、仲裁、诉讼)",
    # regulator report
    "recipient": "报告对象(转办的监管机构)",
    "regulator_ref": "监管转办编号",
    "regulator_due": "监管要求的报告日期",
    "status_text": "投诉当前状态",
    "handling": "办理经过(受理、延期、中止、处理决定等步骤及日期)",
    # review decision
    "review_received_date": "收到核查(复核)申请的日期",
    "reviewed_date": "作出核查(复核)决定的日期",
    "review_result": "核查(复核)结论: 维持原处理决定 / 变更原处理决定,及核查意见(完整句子)",
    "remaining_routes": "核查(复核)后仍可选择的途径(调解、仲裁、诉讼;不再核查)",
}

COMMON_FIELDS = (
    "case_no",
    "title",
    "complainant",
    "received_date",
    "notice_date",
    "matter",
    "policy_no",
    "branch_name",
    "branch_address",
    "branch_phone",
    "handler",
    "contact",
)

TYPE_FIELDS: dict[NoticeType, tuple[str, ...]] = {
    NoticeType.SUPPLEMENT: ("materials", "acceptance_limit"),
    NoticeType.ACCEPTANCE: ("accepted_date", "decision_due"),
    NoticeType.REJECTION: ("rejected_date", "reject_reason", "reject_advice"),
    NoticeType.TRANSFER: ("transferred_date", "transfer_to", "transfer_text"),
    NoticeType.EXTENSION: ("extension_level", "extension_reason", "approver", "previous_due", "decision_due"),
    NoticeType.PAUSE: ("paused_date", "appraisal", "pause_kind", "pause_text", "decision_due"),
    NoticeType.DECISION: ("decided_date", "result", "routes"),
    NoticeType.REGULATOR_REPORT: (
        "recipient",
        "regulator_ref",
        "regulator_due",
        "status_text",
        "handling",
        "result",
    ),
    NoticeType.REVIEW_DECISION: (
        "decided_date",
        "review_received_date",
        "reviewed_date",
        "review_result",
        "remaining_routes",
    ),
}

# What a template of each type must contain: the addressee, the case, the sender, the date, and
# what the rules require the notice to say. An entry "a|b" is satisfied by either field.
BASE_REQUIRED = ("case_no", "complainant", "notice_date", "branch_name")
REQUIRED: dict[NoticeType, tuple[str, ...]] = {
    NoticeType.SUPPLEMENT: (*BASE_REQUIRED, "materials"),
    NoticeType.ACCEPTANCE: (*BASE_REQUIRED, "accepted_date"),
    NoticeType.REJECTION: (*BASE_REQUIRED, "reject_reason"),
    NoticeType.TRANSFER: (*BASE_REQUIRED, "transfer_text|transfer_to"),
    NoticeType.EXTENSION: (*BASE_REQUIRED, "extension_reason", "decision_due"),
    NoticeType.PAUSE: (*BASE_REQUIRED, "pause_text|appraisal"),  # an older template with the matter only still works
    NoticeType.DECISION: (*BASE_REQUIRED, "result", "routes"),
    NoticeType.REGULATOR_REPORT: (*BASE_REQUIRED, "regulator_ref", "handling"),
    NoticeType.REVIEW_DECISION: (*BASE_REQUIRED, "review_result", "remaining_routes"),
}


def missing_required(kind: NoticeType | str, used: set[str] | frozenset[str]) -> list[str]:
    """The required entries of `kind` that a template using `used` leaves out ("a|b": neither)."""
    return [r for r in REQUIRED[NoticeType(kind)] if not any(f in used for f in r.split("|"))]


def is_required(kind: NoticeType | str, field: str) -> bool:
    return any(field in r.split("|") for r in REQUIRED[NoticeType(kind)])


def fields_for(kind: NoticeType | str) -> tuple[str, ...]:
    """Every field a template of `kind` may use."""
    return COMMON_FIELDS + TYPE_FIELDS[NoticeType(kind)]


# --- the deadline each notice answers ---------------------------------------------------------
# supplement meets the supplement notice (as `complaint notify` does) and regulator_report the
# regulator's report date (as `complaint regulator-report` does) when they are issued before
# those steps were recorded; the others document a step already recorded and say whether the
# writing went out within the limit of that step.
ANSWERS = {
    NoticeType.SUPPLEMENT: "supplement_notice",
    NoticeType.ACCEPTANCE: "acceptance",
    NoticeType.REJECTION: "acceptance",
    NoticeType.TRANSFER: "acceptance",
    NoticeType.EXTENSION: "decision",
    NoticeType.PAUSE: "decision",
    NoticeType.DECISION: "decision",
    NoticeType.REGULATOR_REPORT: "regulator_report",
    NoticeType.REVIEW_DECISION: "review",
}

# The limit a notice is measured against, in a sentence, where the deadline's own name would mislead.
ANSWERED_LIMIT_ZH = {NoticeType.EXTENSION: "延期前的处理期限", NoticeType.PAUSE: "中止时的处理期限"}


def answered_limit_zh(kind: NoticeType | str) -> str:
    """What the deadline a notice of `kind` answers is called: 受理决定期限, 延期前的处理期限 …"""
    k = NoticeType(kind)
    return ANSWERED_LIMIT_ZH.get(k) or DEADLINE_KIND_ZH[DeadlineKind(ANSWERS[k])] + "期限"


# --- wording ---------------------------------------------------------------------------------
_ZH_PUNCT = str.maketrans({",": "，", ";": "；", "(": "（", ")": "）", ":": "："})


def zh_punct(text: str) -> str:
    """Letter wording with Chinese (full-width) punctuation: `,:;()` become `，：；（）` (a space
    after a colon goes). Only for kefu's own wording — a clerk's text (an amount like 5,000) is
    left as typed."""
    return text.replace(": ", ":").translate(_ZH_PUNCT)


def zh_date(value: dt.date | dt.datetime | None) -> str:
    """2026年10月9日 (no leading zeros), the form of a Chinese letter."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


RULE_2020 = "《银行业保险业消费投诉处理管理办法》"

# Why a complaint was not accepted, as a clause after “经审查,” (seed 000 §14, §15).
REJECT_REASON_TEXT = {  # zh_punct applied below
    "not_consumer": "该投诉不是由保险消费者本人或者其受托人提出的",
    "duplicate_open": "本公司已经受理您就同一事项提出的投诉{ref},目前仍在处理期限内,您此次再次提出的投诉没有新的事实和理由",
    "duplicate_decided": "本公司已经就同一事项{ref}作出投诉处理决定,您此次再次提出的投诉没有新的事实和理由",
    "not_company": "您反映的事项属于保险消费投诉,但不属于本公司负责处理的范围",
    "not_complaint": "您反映的事项不属于保险消费投诉,也不属于本公司其他部门负责处理的事项",
}

# What the complainant can do next, per reason.
REJECT_ADVICE = {
    "not_consumer": "如您是保险消费者本人,或受保险消费者委托代为投诉,请携带本人身份证明,或受托人身份证明及经投诉人签字的授权委托书原件,重新提出投诉。",
    "duplicate_open": "本公司将在原投诉的处理期限内作出处理决定并告知您;如您有新的事实和理由,请随时提供,我们将合并处理。",
    "duplicate_decided": "如您对原处理决定有异议,可以自收到原处理决定之日起30日内向本公司上一级机构书面申请核查,也可以申请调解、仲裁或者向人民法院提起诉讼;如您有新的事实和理由,欢迎提供。",
    "not_company": "建议您向负责处理该事项的单位反映,本公司可以协助您转交相关单位。",
    "not_complaint": "如您需要咨询相关业务,欢迎拨打本公司客服电话,我们将竭诚为您服务。",
}


REJECT_REASON_TEXT = {k: zh_punct(v) for k, v in REJECT_REASON_TEXT.items()}
REJECT_ADVICE = {k: zh_punct(v) for k, v in REJECT_ADVICE.items()}


def reject_wording(code: str, duplicate_of: str | None = None, note: str | None = None) -> tuple[str, str]:
    """(reason, advice) of a rejection in plain Chinese; the clerk's note is added to the advice."""
    if code not in REJECT_REASON_TEXT:
        raise RuleError(f"不予受理理由代码 '{code}' 无法写入告知书,可用: {'、'.join(REJECT_REASON_TEXT)}")
    ref = f"（投诉编号 {duplicate_of}）" if duplicate_of else ""
    reason = REJECT_REASON_TEXT[code].format(ref=ref)
    advice = REJECT_ADVICE[code]
    note = (note or "").strip()
    if note:
        advice += f"补充说明：{note.rstrip('。')}。"
    return reason, advice


# 2020 rule: the decision must tell the complainant the routes open to them if they disagree.
ROUTES = zh_punct(
    "如您对本处理决定有异议,可以通过以下途径解决: "
    "(一)自收到本处理决定之日起30日内,向本公司上一级机构书面申请核查;"
    "(二)向依法设立的银行业保险业消费纠纷调解组织申请调解;"
    "(三)根据合同约定或者法律规定,向仲裁机构申请仲裁;"
    "(四)向有管辖权的人民法院提起诉讼。"
)

# 2020 rule Art. 20: one review; after it the complainant may still go to mediation, arbitration or court.
REVIEW_ROUTES = zh_punct(
    "本核查(复核)决定为本公司对您投诉的最终处理意见,本公司不再就同一事项另行核查。"
    "如您对本核查(复核)决定仍有异议,可以通过以下途径解决: "
    "(一)向依法设立的银行业保险业消费纠纷调解组织申请调解;"
    "(二)根据合同约定或者法律规定,向仲裁机构申请仲裁;"
    "(三)向有管辖权的人民法院提起诉讼。"
)


def review_wording(result_zh: str, note: str | None) -> str:
    """The review's result as the letter says it: 经核查,本公司决定维持原处理决定。核查意见: …"""
    text = f"经核查,本公司决定{result_zh}。"
    note = " ".join((note or "").split()).rstrip("。")
    return zh_punct(text) + (f"核查意见：{note}。" if note else "")


# A pause in the letter: which kind, and the article that leaves its time out of the period.
PAUSE_ARTICLE = {"mediation": "第二十三条", "appraisal": "第十八条", "testing": "第十八条", "valuation": "第十八条"}


def pause_wording(kind: str, kind_zh: str, matter: str) -> str:
    """The sentence of a pause notice: mediation (调解, Art. 23) or an outside 鉴定/检测/评估 (Art. 18);
    the clerk's `matter` is left as typed."""
    article = PAUSE_ARTICLE.get(kind, "第十八条")
    what = f"（事项：{matter}）" if matter else ""
    if kind == "mediation":
        return f"您反映的事项已进入调解程序{what}，根据{RULE_2020}{article}的规定，调解期间不计入投诉处理期限。"
    return (
        f"因处理该投诉需要由外部机构进行{kind_zh}{what}，根据{RULE_2020}{article}的规定，"
        f"{kind_zh}期间不计入投诉处理期限。"
    )


EXTENSION_LEVEL_ZH = {"complex": "情况复杂", "special": "情况特别复杂"}


def extension_reason(level: str, approver: str | None, given: str | None, period: str) -> str:
    """Why the period was extended: the clerk's reason (`--reason`), else the rule's wording; and
    the whole period after the extension (`period`, from the policy table: 自收到投诉之日起30日)."""
    given = (given or "").strip().rstrip("。")
    if level == "special":
        base = given or "您反映的事项情况特别复杂，需要进一步调查核实"
        who = f"本公司高级管理人员{approver}" if approver else "本公司高级管理人员"
        return f"{base}，经{who}审批，处理期限再次延长至{period}"
    base = given or "您反映的事项情况复杂，需要进一步调查核实"
    return f"{base}，处理期限延长至{period}"


def transfer_wording(to: str, internal: bool, on: dt.date | None) -> str:
    """The sentence that says where the complaint went (seed 000 §14 items 2 and 3)."""
    when = f"于{zh_date(on)}" if on else ""
    if internal:
        return (
            f"经审查，您反映的事项不属于保险消费投诉，但属于本公司{to}的职责范围，本公司已{when}将其转交{to}"
            f"依照有关规定处理，{to}将直接与您联系。"
        )
    return (
        f"经审查，您反映的事项属于保险消费投诉，但不属于本公司负责处理，本公司已{when}将其转至{to}处理，"
        f"请您与{to}联系。"
    )


# --- who the letter names ------------------------------------------------------------------------
# A letter names the case's handler; a case without one names the branch's service desk (never the
# account of whoever runs kefu). Issuing a letter needs the handler (services/notices.py).
SERVICE_DESK = "客服柜面"


def contact(handler: str | None) -> tuple[str, str]:
    """(handler, contact) as a letter says them: ("李娜", "经办人李娜") or ("客服柜面", "本公司客服柜面")."""
    name = (handler or "").strip()
    return (name, f"经办人{name}") if name else (SERVICE_DESK, f"本公司{SERVICE_DESK}")


# --- which notices fit which state ------------------------------------------------------------
def check_fits(
    kind: NoticeType | str,
    *,
    case_id: str,
    status: str,
    status_zh: str,
    accepted: bool,
    extended: bool,
    paused_ever: bool,
    regulator: bool,
) -> None:
    """RuleError (one sentence: what is wrong, what to do) when the notice does not fit the case."""
    k = NoticeType(kind)
    title = label(k)

    def no(why: str, hint: str) -> RuleError:
        return RuleError(f"投诉 {case_id} 当前状态为“{status_zh}”,{why},不能发出{title};{hint}")

    if k is NoticeType.SUPPLEMENT and status != "awaiting_materials":
        raise no("材料已经齐全(或已办结)", "补正材料通知书只用于材料不全、待补充的投诉")
    if k is NoticeType.ACCEPTANCE and not accepted:
        raise no("尚未受理", f"请先记录受理: kefu complaint accept {case_id}")
    if k is NoticeType.REJECTION and status != "rejected":
        hint = (
            f"请先记录不予受理: kefu complaint reject {case_id} --reason not_company"
            if status in ("registered", "awaiting_materials")
            else "只有不予受理的投诉才能发出不予受理通知书"
        )
        raise no("不是不予受理", hint)
    if k is NoticeType.TRANSFER and status != "transferred":
        hint = (
            f"请先记录转办: kefu complaint transfer {case_id} --to 核保部 --internal"
            if status in ("registered", "awaiting_materials")
            else "只有已转办的投诉才能发出转办告知书"
        )
        raise no("没有转办", hint)
    if k is NoticeType.EXTENSION and not extended:
        raise no("处理期限没有延期", f"请先记录延期: kefu complaint extend {case_id} --level complex")
    if k is NoticeType.PAUSE and not paused_ever:
        raise no(
            "没有中止过(鉴定、检测、评估或调解)",
            f"请先记录中止: kefu complaint pause {case_id} --kind 鉴定 --reason 委托第三方医学鉴定",
        )
    if k is NoticeType.REVIEW_DECISION and status != "reviewed":
        hint = (
            f"请先记录核查(复核)决定: kefu complaint review-decide {case_id} --result 维持"
            if status == "reviewing"
            else f"复核决定告知书只用于已作出核查(复核)决定的投诉(kefu complaint review {case_id} --received …)"
        )
        raise no("尚未作出核查(复核)决定", hint)
    if k is NoticeType.DECISION and status != "decided":
        raise no("尚未作出处理决定", f"请先记录处理决定: kefu complaint decide {case_id} --result …")
    if k is NoticeType.REGULATOR_REPORT and not regulator:
        raise no("不是监管转办的投诉", "监管转办情况报告只用于监管机构转办的投诉(--channel regulator)")


# The states that leave a notice's step behind: a pause notice once the clock runs again or the case
# is closed, an acceptance or extension notice once the case is decided, withdrawn or merged. Such a
# notice would tell the complainant something no longer true; it goes out again only as a re-issue
# with its reason (`--reissue --reason`).
CLOSED = ("decided", "withdrawn", "merged")


def left_behind(kind: NoticeType | str, *, case_id: str, status: str, status_zh: str) -> RuleError | None:
    """The refusal of a notice whose step the case has left behind (None: the notice is current)."""
    k = NoticeType(kind)
    behind = (
        status != "paused"
        if k is NoticeType.PAUSE
        else k in (NoticeType.ACCEPTANCE, NoticeType.EXTENSION) and status in CLOSED
    )
    if not behind:
        return None
    step = {NoticeType.PAUSE: "中止", NoticeType.ACCEPTANCE: "受理", NoticeType.EXTENSION: "延期"}[k]
    return RuleError(
        f"投诉 {case_id} 当前状态为“{status_zh}”,{step}这一步已经过去,{label(k)}所说的已不再属实,不能发出;"
        f"确需补发时请写明原因,例如 kefu notice {case_id} --type {k.value} --reissue --reason 投诉人称未收到原件"
    )


# --- the notices a case has issued ------------------------------------------------------------------
def issued_view(at, clerk: str | None, details: dict, case_id: str | None = None) -> dict:
    """One issued notice as `notice list` and `complaint show` give it (from its `notice` event)."""
    kind = details.get("type") or ""
    row = {"case_id": case_id} if case_id is not None else {}
    return row | {
        "at": at,
        "clerk": clerk,
        "type": kind,
        "label": label(kind) if kind in NOTICE_TYPES else kind,
        **proof_state(details),
        "due": details.get("due"),
        "on_time": details.get("on_time"),
        "file": details.get("file"),
        "sha256": details.get("sha256"),
        "reissue": details.get("reissue"),
    }


def issued_of(events: list[dict]) -> list[dict]:
    """The notices issued, in the order of a case's timeline (`show`'s events)."""
    return [
        issued_view(e["at"], e.get("clerk"), e.get("details") or {})
        for e in events
        if e.get("action") == "notice" and e.get("entity") in (None, "complaint")
    ]


def proof_text(row: dict) -> str:
    """短信, 凭证 SMS-1 / 信函, 无凭证: how a notice went out and what proves it, for a clerk."""
    return f"{via_label(row['via'])},{'凭证 ' + row['proof'] if row['proven'] else '无凭证'}"
