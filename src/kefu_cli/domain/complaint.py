"""The complaint state machine: statuses, actions, allowed transitions — pure code, no I/O.

    awaiting_materials --materials_complete--> registered --accept--> accepted <--resume-- paused
          |                                        |                    |  \\--pause--> paused
          +--- reject / transfer / merge ----------+                    +--decide--> decided
    any open status --withdraw--> withdrawn

`check(status, action)` returns the status after the action, or raises RuleError with one
sentence naming the current status and the actions allowed from it.
"""

from __future__ import annotations

from enum import StrEnum

from .deadlines import DeadlineKind
from .errors import RuleError


class Status(StrEnum):
    AWAITING_MATERIALS = "awaiting_materials"  # registered, materials incomplete
    REGISTERED = "registered"  # materials complete, acceptance not yet decided
    ACCEPTED = "accepted"  # accepted, being handled
    PAUSED = "paused"  # handling paused: appraisal, testing, valuation or mediation (PauseKind)
    DECIDED = "decided"  # decision made and told to the complainant
    REJECTED = "rejected"  # not accepted (reason code)
    TRANSFERRED = "transferred"  # transferred to an outside unit or another department
    MERGED = "merged"  # merged into an earlier complaint (new facts)
    WITHDRAWN = "withdrawn"  # the complainant withdrew it
    REVIEWING = "reviewing"  # decided; the complainant asked in writing for a review (核查, Art. 20)
    REVIEWED = "reviewed"  # the review is decided (upheld or changed)


STATUS_ZH = {
    Status.AWAITING_MATERIALS: "待补充材料",
    Status.REGISTERED: "待受理",
    Status.ACCEPTED: "已受理(处理中)",
    Status.PAUSED: "中止(鉴定、调解等)",
    Status.DECIDED: "已作出处理决定",
    Status.REJECTED: "不予受理",
    Status.TRANSFERRED: "已转办",
    Status.MERGED: "已合并",
    Status.WITHDRAWN: "已撤回",
    Status.REVIEWING: "核查(复核)中",
    Status.REVIEWED: "已作出核查(复核)决定",
}

# Other ways a clerk or an older export writes a status (the paused label before pauses had kinds).
STATUS_ALIASES = {"accepted": ("处理中",), "paused": ("暂停", "中止(外部鉴定中)")}

# Still being processed: a repeat complaint about the same matter is "duplicate_open".
OPEN_STATUSES = frozenset({Status.AWAITING_MATERIALS, Status.REGISTERED, Status.ACCEPTED, Status.PAUSED})
# Statuses that count for the duplicate hint on registration.
DUPLICATE_HINT_STATUSES = OPEN_STATUSES | {Status.DECIDED}


class Action(StrEnum):
    MATERIALS_COMPLETE = "materials_complete"
    MATERIALS_MISSING = "materials_missing"  # the list of the materials still missing recorded (or replaced)
    NOTIFY = "notify"
    INVESTIGATE = "investigate"
    ACCEPT = "accept"
    REJECT = "reject"
    TRANSFER = "transfer"
    MERGE = "merge"
    EXTEND = "extend"
    PAUSE = "pause"
    RESUME = "resume"
    DECIDE = "decide"
    WITHDRAW = "withdraw"
    REGULATOR_REPORT = "regulator_report"
    RECEIVE_MERGE = "receive_merge"  # being the surviving case of a merge with new facts
    REVIEW = "review"  # the written request for a review of the decision received (Art. 20)
    REVIEW_DECIDE = "review_decide"  # the review decided: decision upheld or changed
    RECTIFY = "rectify"  # a rectification of the root cause opened (溯源整改, Art. 26)
    RECTIFIED = "rectified"  # the rectification done
    MAJOR = "major"  # made a major complaint (Art. 29; domain/major.py MAJOR_REASONS)
    ESCALATE = "escalate"  # a major complaint reported to the emergency group


ACTION_ZH = {
    Action.MATERIALS_COMPLETE: "材料齐全(materials --complete)",
    Action.MATERIALS_MISSING: "登记缺少的材料(materials --missing)",
    Action.NOTIFY: "告知补充材料(notify)",
    Action.INVESTIGATE: "开始初步调查(investigate)",
    Action.ACCEPT: "受理(accept)",
    Action.REJECT: "不予受理(reject)",
    Action.TRANSFER: "转办(transfer)",
    Action.MERGE: "合并(merge)",
    Action.EXTEND: "延期(extend)",
    Action.PAUSE: "中止(pause)",
    Action.RESUME: "恢复(resume)",
    Action.DECIDE: "作出处理决定(decide)",
    Action.WITHDRAW: "撤回(withdraw)",
    Action.REGULATOR_REPORT: "向监管报告(regulator-report)",
    Action.RECEIVE_MERGE: "并入新事实",
    Action.REVIEW: "登记核查(复核)申请(review)",
    Action.REVIEW_DECIDE: "作出核查(复核)决定(review-decide)",
    Action.RECTIFY: "登记整改(rectify)",
    Action.RECTIFIED: "整改完成(rectified)",
    Action.MAJOR: "认定为重大投诉(major)",
    Action.ESCALATE: "上报应急小组(escalate)",
}

# The audit actions of a complaint as a clerk reads them in its timeline.
EVENT_ZH = {
    "register": "登记",
    "materials_complete": "材料齐全",
    "materials_missing": "登记缺少的材料",
    "notify": "告知补充材料",
    "investigate": "开始初步调查",
    "accept": "受理",
    "reject": "不予受理",
    "transfer": "转办",
    "merge": "合并",
    "merge_in": "并入新事实",
    "extend": "延期",
    "pause": "中止",
    "resume": "恢复",
    "decide": "作出处理决定",
    "withdraw": "撤回",
    "regulator_report": "向监管报告",
    "review": "申请核查(复核)",
    "review_decide": "作出核查(复核)决定",
    "rectify": "登记整改",
    "rectified": "整改完成",
    "major": "认定为重大投诉",
    "escalate": "上报投诉应急处理领导小组",
    "note": "备注/联系记录",
    "assign": "改派",
    "void": "作废",
    "edit": "更正登记信息",
    "undo": "撤销上一步",
    "notice": "发出告知书",
}

_A, _R, _C, _P = Status.AWAITING_MATERIALS, Status.REGISTERED, Status.ACCEPTED, Status.PAUSED

# action -> {from status: to status}. An action that keeps the status maps s -> s.
TRANSITIONS: dict[Action, dict[Status, Status]] = {
    Action.MATERIALS_COMPLETE: {_A: _R},
    Action.MATERIALS_MISSING: {_A: _A},
    Action.NOTIFY: {_A: _A},
    Action.INVESTIGATE: {s: s for s in OPEN_STATUSES},
    Action.ACCEPT: {_R: _C},
    Action.REJECT: {_A: Status.REJECTED, _R: Status.REJECTED},
    Action.TRANSFER: {_A: Status.TRANSFERRED, _R: Status.TRANSFERRED},
    Action.MERGE: {_A: Status.MERGED, _R: Status.MERGED},
    Action.EXTEND: {_C: _C, _P: _P},
    Action.PAUSE: {_C: _P},
    Action.RESUME: {_P: _C},
    Action.DECIDE: {_C: Status.DECIDED},
    Action.WITHDRAW: {s: Status.WITHDRAWN for s in OPEN_STATUSES},
    # The written report to the regulator is owed whatever became of the complaint.
    Action.REGULATOR_REPORT: {s: s for s in Status if s is not Status.WITHDRAWN},
    Action.RECEIVE_MERGE: {_R: _R, _C: _C},
    Action.REVIEW: {Status.DECIDED: Status.REVIEWING},
    Action.REVIEW_DECIDE: {Status.REVIEWING: Status.REVIEWED},
    # rectification (溯源整改) follows a decision, whatever the review made of it; it keeps the status
    Action.RECTIFY: {s: s for s in (Status.DECIDED, Status.REVIEWING, Status.REVIEWED)},
    Action.RECTIFIED: {s: s for s in (Status.DECIDED, Status.REVIEWING, Status.REVIEWED)},
    # A major complaint is named, and reported to the emergency group, whatever its stage.
    Action.MAJOR: {s: s for s in Status if s not in (Status.WITHDRAWN, Status.MERGED)},
    Action.ESCALATE: {s: s for s in Status if s not in (Status.WITHDRAWN, Status.MERGED)},
}


def allowed_actions(status: Status | str) -> list[Action]:
    s = Status(status)
    return [a for a, moves in TRANSITIONS.items() if s in moves and a is not Action.RECEIVE_MERGE]


def check(status: Status | str, action: Action) -> Status:
    """The status after `action`, or RuleError naming the current status and what is allowed."""
    s = Status(status)
    moves = TRANSITIONS[action]
    if s in moves:
        return moves[s]
    allowed = allowed_actions(s)
    what = "、".join(ACTION_ZH[a] for a in allowed) if allowed else "无(案件已办结)"
    raise RuleError(f"投诉当前状态为“{STATUS_ZH[s]}”,不能{ACTION_ZH[action]};此状态下允许的操作: {what}")


# The audit actions that are complaint steps of their own name (the surviving case's event of a
# merge is `merge_in`); any other action of a complaint (note, edit, assign, void, undo, notice)
# keeps its status.
STEP_OF_EVENT = {a.value: a for a in Action} | {"merge_in": Action.RECEIVE_MERGE}


def next_status(status: Status | str, action: str, case_id: str | None = None) -> Status:
    """The status after the audit action `action` (RuleError when the step is not allowed)."""
    step = STEP_OF_EVENT.get(action)
    return check(status, step) if step is not None else Status(status)


def check_merge_target(status: Status | str, new_facts: bool) -> None:
    """A surviving case with new facts must still be within its period (not decided, not ended)."""
    s = Status(status)
    if new_facts and s not in TRANSITIONS[Action.RECEIVE_MERGE]:
        if s is Status.PAUSED:
            hint = "请先恢复(resume)原投诉再合并"
        elif s is Status.DECIDED:
            hint = "原投诉已作出处理决定,新投诉请按新的投诉受理"
        else:
            hint = "只能并入“待受理”或“已受理(处理中)”的投诉"
        raise RuleError(f"原投诉当前状态为“{STATUS_ZH[s]}”,不能并入新事实;{hint}")
    if not new_facts and s not in DUPLICATE_HINT_STATUSES:
        raise RuleError(f"原投诉当前状态为“{STATUS_ZH[s]}”,不能作为重复投诉的依据;只有处理中或已作出处理决定的投诉可以")


# The clocks an external appraisal stops (2020 rule §18). The regulator's report date is set by
# the regulator and keeps running; the 24-hour investigation is met by the pause itself.
PAUSED_BY_APPRAISAL = (DeadlineKind.SUPPLEMENT_NOTICE, DeadlineKind.ACCEPTANCE, DeadlineKind.DECISION)

_K = DeadlineKind
# What each step does to the case's running deadlines, in this order (services/complaint_steps.py
# applies it): "met", "not_applicable", "superseded" close the listed kinds (None: every running
# one) with that status; "paused" / "resumed" stop and restart the clocks (a resume moves each
# due date by the time paused). Besides the table: registration opens the supplement notice
# (materials incomplete), the acceptance and decision periods where their policy rule starts on
# receipt, the 24-hour initial investigation and, for 监管转办, the regulator's report;
# `materials_complete` opens the periods whose rule starts on complete materials; `extend` and
# `merge_in` open the decision period again (from its old start, or from the new materials).
# - the 24-hour initial investigation is met by the first handling step, whichever comes first;
# - the regulator's report stays open through rejection or transfer (it is owed either way);
# - rejection, transfer and merge decide acceptance, the rest of the handling does not apply.
HANDLING = (_K.INITIAL_INVESTIGATION,)
EFFECTS: dict[Action, dict[str, tuple[DeadlineKind, ...] | None]] = {
    Action.MATERIALS_COMPLETE: {"met": (_K.SUPPLEMENT_NOTICE,)},
    Action.NOTIFY: {"met": (_K.SUPPLEMENT_NOTICE, *HANDLING)},
    Action.INVESTIGATE: {"met": HANDLING},
    Action.ACCEPT: {"met": (_K.ACCEPTANCE, *HANDLING)},
    Action.REJECT: {"met": (_K.ACCEPTANCE, *HANDLING), "not_applicable": (_K.SUPPLEMENT_NOTICE, _K.DECISION)},
    Action.TRANSFER: {"met": (_K.ACCEPTANCE, *HANDLING), "not_applicable": (_K.SUPPLEMENT_NOTICE, _K.DECISION)},
    Action.MERGE: {
        "met": (_K.ACCEPTANCE, *HANDLING),
        "not_applicable": (_K.SUPPLEMENT_NOTICE,),
        "superseded": (_K.DECISION,),
    },
    Action.RECEIVE_MERGE: {"superseded": (_K.DECISION,)},
    Action.EXTEND: {"superseded": (_K.DECISION,)},
    Action.PAUSE: {"met": HANDLING, "paused": PAUSED_BY_APPRAISAL},
    Action.RESUME: {"resumed": None},
    Action.DECIDE: {"met": (_K.DECISION, *HANDLING)},
    Action.WITHDRAW: {"not_applicable": None},
    Action.REGULATOR_REPORT: {"met": (_K.REGULATOR_REPORT,)},
    Action.REVIEW_DECIDE: {"met": (_K.REVIEW,)},
    Action.RECTIFIED: {"met": (_K.RECTIFICATION,)},
    Action.ESCALATE: {"met": (_K.MAJOR_COMPLAINT_REPORT,)},
}
# The deadlines a step opens, each (kind, policy rule, why), started when the step says (the
# review from the receipt of the written request). Registration, complete materials, extensions
# and merges open theirs as the comment above EFFECTS says.
OPENS: dict[Action, tuple[tuple[DeadlineKind, str, str], ...]] = {
    Action.REVIEW: ((_K.REVIEW, "complaint.review", "收到核查(复核)申请"),),
    # due on the day the rectify step gives (rule "fixed"), held by the rectification's owner
    Action.RECTIFY: ((_K.RECTIFICATION, "fixed", "溯源整改"),),
    Action.MAJOR: ((_K.MAJOR_COMPLAINT_REPORT, "complaint.major_report", "认定为重大投诉"),),
}
# A registration of 20 or more people (domain/major.py GROUP_PEOPLE) opens this, from the receipt.
MAJOR_AT_REGISTRATION = (_K.MAJOR_COMPLAINT_REPORT, "complaint.major_report")


class ReviewResult(StrEnum):
    UPHELD = "upheld"  # the decision stands
    CHANGED = "changed"  # the decision is changed


REVIEW_RESULTS = {
    ReviewResult.UPHELD.value: ("维持原处理决定", ("维持",)),
    ReviewResult.CHANGED.value: ("变更原处理决定", ("变更", "改变")),
}
# The effects that close a deadline, in the order a step applies them.
CLOSING = ("met", "not_applicable", "superseded")


class RejectReason(StrEnum):
    NOT_CONSUMER = "not_consumer"  # not filed by the consumer or an authorised agent
    DUPLICATE_OPEN = "duplicate_open"  # same complaint accepted, still in its period, no new facts
    DUPLICATE_DECIDED = "duplicate_decided"  # same complaint already decided, no new facts
    NOT_COMPANY = "not_company"  # a complaint, but not the company's to handle (may be transferred out)
    NOT_COMPLAINT = "not_complaint"  # not a complaint, nobody responsible


REJECT_REASON_ZH = {
    RejectReason.NOT_CONSUMER: "非消费者本人或其受托人提出",
    RejectReason.DUPLICATE_OPEN: "同一投诉已受理且在处理期限内,无新事实或新理由",
    RejectReason.DUPLICATE_DECIDED: "同一投诉已作出处理决定,无新事实或新理由",
    RejectReason.NOT_COMPANY: "属于投诉但不属本公司处理",
    RejectReason.NOT_COMPLAINT: "不属于投诉",
}

REJECT_REASON_ALIASES = {
    RejectReason.NOT_CONSUMER: ("非本人", "非消费者", "非消费者本人"),
    RejectReason.DUPLICATE_OPEN: ("重复投诉(处理中)", "重复投诉(处理中)", "重复受理"),
    RejectReason.DUPLICATE_DECIDED: ("重复投诉(已决定)", "重复投诉(已决定)", "已处理过"),
    RejectReason.NOT_COMPANY: ("不属本公司", "非本公司", "不属本公司处理"),
    RejectReason.NOT_COMPLAINT: ("非投诉", "不是投诉"),
}
REJECT_REASONS = {r.value: (REJECT_REASON_ZH[r], REJECT_REASON_ALIASES[r]) for r in RejectReason}


class PauseKind(StrEnum):
    """Why handling is paused: time that does not count towards the periods (2020 rule Art. 18:
    appraisal, testing, valuation; Art. 23: mediation)."""

    APPRAISAL = "appraisal"
    TESTING = "testing"
    VALUATION = "valuation"
    MEDIATION = "mediation"


PAUSE_KIND_ZH = {
    PauseKind.APPRAISAL: "鉴定",
    PauseKind.TESTING: "检测",
    PauseKind.VALUATION: "评估",
    PauseKind.MEDIATION: "调解",
}
PAUSE_KIND_ALIASES = {
    PauseKind.APPRAISAL: ("外部鉴定", "伤残鉴定"),
    PauseKind.TESTING: ("外部检测",),
    PauseKind.VALUATION: ("外部评估",),
    PauseKind.MEDIATION: ("调解中", "第三方调解"),
}
PAUSE_KINDS = {k.value: (PAUSE_KIND_ZH[k], PAUSE_KIND_ALIASES[k]) for k in PauseKind}
# what the pause excludes, as the basis of a resumed deadline and the show say it
PAUSE_KIND_BASIS = {
    PauseKind.APPRAISAL: "外部鉴定中止",
    PauseKind.TESTING: "外部检测中止",
    PauseKind.VALUATION: "外部评估中止",
    PauseKind.MEDIATION: "调解中止",
}
# a pause event written before pauses had kinds was an outside appraisal
OLD_PAUSE_KIND = PauseKind.APPRAISAL


def duplicate_reason(status_of_first: Status | str) -> RejectReason:
    """The rejection code of a repeat complaint without new facts."""
    return RejectReason.DUPLICATE_DECIDED if Status(status_of_first) is Status.DECIDED else RejectReason.DUPLICATE_OPEN


class ExtensionLevel(StrEnum):
    COMPLEX = "complex"
    SPECIAL = "special"


EXTENSION_ZH = {ExtensionLevel.COMPLEX: "情况复杂", ExtensionLevel.SPECIAL: "特别复杂(经高级管理人员批准)"}
# The policy key whose number is the whole decision period at each level.
EXTENSION_RULE = {
    None: "complaint.decision",
    ExtensionLevel.COMPLEX: "complaint.decision_complex",
    ExtensionLevel.SPECIAL: "complaint.decision_special",
}


def check_extension(current: str | None, level: ExtensionLevel | str, approver: str | None) -> ExtensionLevel:
    """complex once, then special (with an approver); special directly also needs the approver."""
    lv = ExtensionLevel(level)
    cur = ExtensionLevel(current) if current else None
    if lv is ExtensionLevel.SPECIAL and not (approver or "").strip():
        raise RuleError("“特别复杂”延期必须写明批准的高级管理人员: --approver 姓名,例如 --approver 王总")
    if cur is ExtensionLevel.SPECIAL:
        raise RuleError("处理期限已按“特别复杂”延期,不能再延期")
    if cur is lv:
        raise RuleError(f"处理期限已按“{EXTENSION_ZH[lv]}”延期过,不能重复;需要再延期请用 --level special")
    return lv


# --- the fold: a complaint's row from its events -----------------------------------------------

# Fields a registration event carries (older events carry fewer: a fold checks what it has).
REGISTERED_FIELDS = (
    "channel",
    "category",
    "received_at",
    "name",
    "phone",
    "relation",
    "policy_no",
    "summary",
    "branch",
    "handler",
    "regulator_ref",
    "regulator_due",
    "dispute",  # the regulator's coding (domain/regulator.py); registrations before 0012 have none
    "product_line",
    "people",  # a group complaining together (Art. 12, 29), its representatives, whom it is about (Art. 17)
    "representatives",
    "about",
)


# The columns later steps set, as a registration leaves them: the fold starts from these, so a
# step's column written without its event (a forged reject reason on an accepted complaint)
# differs from the fold.
COMPLAINT_UNSET: dict = {
    **dict.fromkeys(("accepted_at", "rejected_at", "reject_reason", "reject_note", "transferred_at", "transfer_to",
                     "transfer_internal", "merged_into", "extension_level", "extension_approver", "paused_at",
                     "pause_reason", "pause_kind", "decided_at", "result", "withdrawn_at", "voided_at", "void_reason",
                     "review_received_at", "review_decided_at", "review_result", "missing_materials",
                     "people", "representatives", "about", "major_reason", "major_at", "escalated_at", "escalated_to")),
    "paused_workdays": 0,
}  # fmt: skip
# the root cause of the decision and its one rectification (溯源整改, Art. 26)
RECTIFY_COLUMNS = ("rectify_action", "rectify_owner", "rectify_due", "rectified_at")
COMPLAINT_UNSET.update(dict.fromkeys(("cause", *RECTIFY_COLUMNS)))


# The separators a clerk writes between missing materials (`--missing "身份证复印件、保单"`); the
# row keeps the list joined by the first.
MATERIAL_SEPARATORS = "、,，;；\n"


def split_materials(text: str | None) -> list[str]:
    """The items of a list of missing materials, trimmed, empty ones and repeats dropped, in order."""
    import re

    items = (" ".join(t.split()) for t in re.split(f"[{MATERIAL_SEPARATORS}]", text or ""))
    return list(dict.fromkeys(t for t in items if t))


def materials_text(items) -> str | None:
    """A list of missing materials as the complaint row keeps it (None: no list)."""
    return "、".join(items) if items else None


def materials_list(text: str | None) -> list[str]:
    """The row's list of missing materials as a list ([] when none is recorded)."""
    return text.split("、") if text else []


def apply(state: dict, action: str, at, clerk: str, to_status: str | None, details: dict) -> dict:
    """The complaint's columns after one of its audit events (the state machine as a fold).

    The only code that changes a complaint row: services/core.py `step` folds each new event
    into the row with it; `db verify`, undo and as-of reads fold the stored events.
    """
    s = dict(state)
    if to_status is not None:
        s["status"] = to_status
    if action == "register":
        s.update(COMPLAINT_UNSET, registered_at=at, created_by=clerk)
        s.update({k: details[k] for k in REGISTERED_FIELDS if k in details})
        if "incomplete" in details:
            s["materials_complete_at"] = None if details["incomplete"] else details.get("received_at")
        if details.get("major_reason"):  # 20 or more people: major from the receipt
            s.update(major_reason=details["major_reason"], major_at=details.get("received_at"))
        s["missing_materials"] = materials_text(details.get("missing_materials"))
    elif action == "materials_complete":
        s.update(materials_complete_at=at, missing_materials=None)
    elif action == "materials_missing":
        s["missing_materials"] = materials_text(details.get("missing_materials"))
    elif action == "accept":
        s["accepted_at"] = at
    elif action == "reject":
        s.update(rejected_at=at, reject_reason=details.get("reason"), reject_note=details.get("note"))
    elif action == "transfer":
        s.update(transferred_at=at, transfer_to=details.get("to"), transfer_internal=details.get("internal"))
    elif action == "merge":
        s["merged_into"] = details.get("into")
    elif action == "extend":
        s["extension_level"] = details.get("level")
        if details.get("approver"):
            s["extension_approver"] = details["approver"].strip()
    elif action == "pause":
        s.update(paused_at=at, pause_reason=details.get("reason"), pause_kind=details.get("kind", OLD_PAUSE_KIND.value))
    elif action == "resume":
        s["paused_at"] = None
        if details.get("paused_workdays") is not None:
            s["paused_workdays"] = (s.get("paused_workdays") or 0) + details["paused_workdays"]
    elif action == "decide":
        s.update(decided_at=at, result=details.get("result"))
    elif action == "review":
        s["review_received_at"] = details.get("received_at")
    elif action == "review_decide":
        s.update(review_decided_at=at, review_result=details.get("result"))
    elif action == "major":
        s.update(major_reason=details.get("reason"), major_at=at)
    elif action == "escalate":
        s.update(escalated_at=at, escalated_to=details.get("to"))
    elif action == "withdraw":
        s.update(withdrawn_at=at, paused_at=None)
    elif action == "assign":
        s.update(handler=details.get("handler"), branch=details.get("branch"))
    elif action == "void":
        s.update(voided_at=at, void_reason=details.get("reason"))
    elif action in ("edit", "undo"):  # a correction: the columns it sets, as recorded
        s.update(details.get("after") or details.get("restore") or {})
    # the root cause named with the decision, its rectification opened and done (溯源整改, Art. 26)
    if action == "decide" and details.get("cause"):
        s["cause"] = details["cause"]
    elif action == "rectify":
        s.update(
            rectify_action=details.get("measure"), rectify_owner=details.get("owner"), rectify_due=details.get("due")
        )
    elif action == "rectified":
        s["rectified_at"] = at
    return s
