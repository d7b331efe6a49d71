"""Callbacks (回访): kinds, methods, results, the escalation rule and the KPI arithmetic.

Pure: no I/O. Rules from RULES.md §3:
- method order electronic (电子化) → phone, recorded (电话, 录音) → letter or visit with the
  holder's signed receipt (信函/上门, 签名回执); `callback.phone_attempts` failed phone attempts
  (or a wrong number) open the letter/visit step;
- a phone attempt needs a recording reference; a letter/visit success needs the signed receipt;
- a case ends as success, refused, cancelled (policy withdrawn/surrendered before the
  callback) or unreachable after every method (with the reason recorded);
- success rate = 成功量 / (应访量 − 拒访量 − 回访前撤退保量), against the 90% line;
  letter + visit ≤ 10% of callbacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum

from .codes import CodeTable
from .errors import RuleError


class CallbackKind(StrEnum):
    NEW_POLICY = "new_policy"
    CLAIM = "claim"
    COMPLAINT = "complaint"
    REGULATOR = "regulator"
    SATISFACTION = "satisfaction"
    OTHER = "other"


class Method(StrEnum):
    ELECTRONIC = "electronic"
    PHONE = "phone"
    LETTER = "letter"
    VISIT = "visit"


class Result(StrEnum):
    SUCCESS = "success"
    NO_ANSWER = "no_answer"
    REFUSED = "refused"
    WRONG_NUMBER = "wrong_number"
    CANCELLED = "cancelled"


class Status(StrEnum):
    OPEN = "open"
    SUCCESS = "success"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    UNREACHABLE = "unreachable"


KINDS: CodeTable = {
    "new_policy": ("新契约", ("新契约回访", "新单", "新单回访")),
    "claim": ("理赔", ("理赔回访",)),
    "complaint": ("投诉处理", ("投诉", "投诉处理回访", "投诉回访")),
    "regulator": ("监管转办", ("监管", "监管转办回访")),
    "satisfaction": ("满意度", ("满意度回访",)),
    "other": ("其他", ("其它",)),
}
METHODS: CodeTable = {
    "electronic": ("电子化", ("电子", "电子化回访")),
    "phone": ("电话", ("电话回访",)),
    "letter": ("信函", ("信函回访", "函件")),
    "visit": ("上门", ("上门回访", "面访")),
}
RESULTS: CodeTable = {
    "success": ("成功", ("回访成功",)),
    "no_answer": ("未接通", ("无人接听", "未联系上")),
    "refused": ("拒访", ("拒绝回访",)),
    "wrong_number": ("号码错误", ("错号", "空号")),
    "cancelled": ("撤退保", ("回访前撤退保", "撤单", "退保")),
}
STATUSES: CodeTable = {
    "open": ("待回访", ("进行中",)),
    "success": ("回访成功", ("成功",)),
    "refused": ("拒访", ()),
    "cancelled": ("回访前撤退保", ("撤退保",)),
    "unreachable": ("无法联系", ("失联",)),
}

# Which results end a case, and in which status.
ENDING = {Result.SUCCESS: Status.SUCCESS, Result.REFUSED: Status.REFUSED, Result.CANCELLED: Status.CANCELLED}
FAILED = frozenset({Result.NO_ANSWER, Result.WRONG_NUMBER})
LETTER_OR_VISIT = frozenset({Method.LETTER, Method.VISIT})


class NextStep(StrEnum):
    """What an open case needs next (`kefu callback list --next`)."""

    ELECTRONIC = "electronic"
    PHONE = "phone"
    LETTER_OR_VISIT = "letter_or_visit"
    CLOSE_UNREACHABLE = "close_unreachable"  # every method failed: record unreachable with a reason
    NONE = "none"  # case ended


NEXT_STEP_ZH = {
    NextStep.ELECTRONIC: "电子化回访",
    NextStep.PHONE: "电话回访(录音)",
    NextStep.LETTER_OR_VISIT: "信函或上门(签名回执)",
    NextStep.CLOSE_UNREACHABLE: "各方式均失败, 可登记无法联系",
    NextStep.NONE: "已结束",
}


@dataclass(frozen=True, slots=True)
class AttemptFact:
    """The part of an attempt the escalation rule looks at."""

    method: str
    result: str


@dataclass(frozen=True, slots=True)
class Escalation:
    electronic_failed: int
    phone_failed: int
    phone_wrong_number: bool
    letter_visit_failed: int
    next: NextStep


def escalation(attempts: Sequence[AttemptFact], phone_attempts: int, ended: bool = False) -> Escalation:
    """Where a case stands on the method ladder, from its attempts in time order.

    - nothing tried: electronic first;
    - electronic failed: phone;
    - `phone_attempts` failed phone attempts, or one wrong number on the phone: letter/visit;
    - a failed letter/visit after that: every method is exhausted (still allowed to try another
      letter/visit, or to record the case as unreachable).
    """
    e_failed = p_failed = lv_failed = 0
    wrong = False
    for a in attempts:
        if a.result not in FAILED:
            continue
        if a.method == Method.ELECTRONIC:
            e_failed += 1
        elif a.method == Method.PHONE:
            p_failed += 1
            wrong = wrong or a.result == Result.WRONG_NUMBER
        else:
            lv_failed += 1
    if ended:
        nxt = NextStep.NONE
    elif phone_ladder_done(p_failed, wrong, phone_attempts):
        nxt = NextStep.CLOSE_UNREACHABLE if lv_failed else NextStep.LETTER_OR_VISIT
    elif p_failed or e_failed:
        nxt = NextStep.PHONE
    else:
        nxt = NextStep.ELECTRONIC
    return Escalation(e_failed, p_failed, wrong, lv_failed, nxt)


def phone_ladder_done(phone_failed: int, wrong_number: bool, phone_attempts: int) -> bool:
    return wrong_number or phone_failed >= max(phone_attempts, 1)


def check_attempt(
    method: str,
    result: str,
    *,
    recording: str | None,
    receipt: bool,
    problem: str | None,
    status: str,
    state: Escalation,
    phone_attempts: int,
    case_id: str,
) -> None:
    """RuleError with one sentence when the attempt may not be recorded; None when it may."""
    if status != Status.OPEN:
        raise RuleError(
            f"回访 {case_id} 已结束(状态: {STATUSES[status][0]}),不能再登记回访记录;"
            f"发现的问题请用 `kefu callback show {case_id}` 查看跟进"
        )
    if method == Method.PHONE and not (recording or "").strip():
        raise RuleError("电话回访必须提供录音编号 --recording,例如 --recording REC-20261008-0012")
    if method in LETTER_OR_VISIT:
        if not phone_ladder_done(state.phone_failed, state.phone_wrong_number, phone_attempts):
            raise RuleError(
                f"还不能改用信函/上门: 须先电话回访未成功 {phone_attempts} 次(已 {state.phone_failed} 次)"
                "或电话号码错误;请先用 --method phone 回访"
            )
        if result == Result.SUCCESS and not receipt:
            raise RuleError("信函/上门回访成功须取得投保人签名回执,请加 --receipt(未取得回执请登记为 no_answer)")
    if receipt and method not in LETTER_OR_VISIT:
        raise RuleError("--receipt(签名回执)只用于信函或上门回访,例如 --method letter --result success --receipt")
    if problem is not None:
        if not problem.strip():
            raise RuleError("--problem 不能为空,例如 --problem 投保人未亲笔签名")
        if result not in (Result.SUCCESS, Result.REFUSED):
            raise RuleError(
                f"回访结果为 {RESULTS[result][0]} 时没有联系到客户,不能登记发现的问题;"
                "问题须在联系上客户(success 或 refused)时登记"
            )


def check_unreachable(status: str, state: Escalation, phone_attempts: int, reason: str, case_id: str) -> None:
    """A case may be recorded unreachable only after every method failed, with a reason."""
    if status != Status.OPEN:
        raise RuleError(f"回访 {case_id} 已结束(状态: {STATUSES[status][0]}),不能再登记为无法联系")
    if not (reason or "").strip():
        raise RuleError("登记无法联系须写明原因 --reason,例如 --reason 电话空号且信函被退回")
    if state.next != NextStep.CLOSE_UNREACHABLE:
        raise RuleError(
            f"回访 {case_id} 还有未尝试的方式(下一步: {NEXT_STEP_ZH[state.next]}),"
            f"须电子化/电话(失败 {phone_attempts} 次或号码错误)和信函/上门都未成功后才能登记无法联系"
        )


# --- KPIs ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KpiCounts:
    """Counts of callbacks due in a period (one group: all, a branch, a handler, a kind)."""

    due: int = 0  # 应访量: callbacks due in the period
    success: int = 0
    refused: int = 0
    cancelled: int = 0  # 回访前撤退保
    unreachable: int = 0
    open: int = 0
    letter_visit: int = 0  # successes reached by letter or visit
    on_time: int = 0  # successes on or before their due date
    new_policy_success: int = 0
    new_policy_on_time: int = 0  # new-policy successes inside the cooling-off period

    def __add__(self, other: KpiCounts) -> KpiCounts:
        return KpiCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def total(groups: Iterable[KpiCounts]) -> KpiCounts:
    out = KpiCounts()
    for g in groups:
        out = out + g
    return out


def percent(num: int, den: int) -> float | None:
    """num/den as a percentage rounded to 2 decimals; None when there is nothing to divide."""
    if den <= 0:
        return None
    return round(100 * num / den, 2)


def kpi_figures(c: KpiCounts, success_rate_min: int, letter_visit_max: int) -> dict:
    """The figures for one group of counts.

    - success_rate = success / (due − refused − cancelled), checked against `success_rate_min` (≥);
    - letter_visit_share = successes by letter/visit / successes, against `letter_visit_max` (≤);
    - on_time_rate = successes on or before due / successes;
    - cooling_off_on_time_rate = new-policy successes inside the cooling-off period /
      new-policy successes.
    Rates are percentages (2 decimals) or None when the denominator is 0; the `_ok` checks use
    exact integer arithmetic, and are None when there is no rate.
    """
    base = c.due - c.refused - c.cancelled
    return {
        "due": c.due,
        "success": c.success,
        "refused": c.refused,
        "cancelled": c.cancelled,
        "unreachable": c.unreachable,
        "open": c.open,
        "success_base": base,
        "success_rate": percent(c.success, base),
        "success_rate_ok": None if base <= 0 else c.success * 100 >= success_rate_min * base,
        "letter_visit": c.letter_visit,
        "letter_visit_share": percent(c.letter_visit, c.success),
        "letter_visit_ok": None if c.success <= 0 else c.letter_visit * 100 <= letter_visit_max * c.success,
        "on_time": c.on_time,
        "on_time_rate": percent(c.on_time, c.success),
        "new_policy_success": c.new_policy_success,
        "new_policy_on_time": c.new_policy_on_time,
        "cooling_off_on_time_rate": percent(c.new_policy_on_time, c.new_policy_success),
    }


# The audit actions of a callback as a clerk reads them in its timeline.
EVENT_ZH = {
    "add": "安排回访",
    "attempt": "回访",
    "problem": "发现问题",
    "resolve": "答复问题",
    "unreachable": "无法联系",
    "cancel": "取消(回访前撤退保)",
    "note": "备注/联系记录",
    "assign": "改派",
    "void": "作废",
    "edit": "更正登记信息",
    "reschedule": "改约回访时间",
    "undo": "撤销上一步",
}


# The columns an `add` event sets, as the event names them (old events carry only some of them).
ADD_FIELDS = (
    "kind", "name", "phone", "policy_no", "product", "branch", "handler", "receipt_date", "cooling_off_days",
    "closed_date", "complaint_id", "due",
)  # fmt: skip
# Every column of a callback row at registration: what `apply` starts from.
EMPTY = {
    "kind": None, "name": "", "phone": "", "policy_no": "", "product": "", "branch": "", "handler": "",
    "receipt_date": None, "cooling_off_days": None, "closed_date": None, "complaint_id": None, "due": None,
    "status": Status.OPEN.value, "outcome_method": None, "outcome_reason": None, "ended_at": None,
    "registered_at": None, "scheduled_at": None, "voided_at": None, "void_reason": None,
}  # fmt: skip


def old_add_details(details: dict, deadline_open: dict | None, complaint: dict | None) -> dict:
    """The `add` event of a callback written before the event carried the whole registration,
    completed from what the events around it do tell: its `callback` deadline's open event
    (written just before it: branch, handler, the receipt or closing day it starts from, the
    cooling-off days) and, for a callback a complaint scheduled, the complaint as its fold stood
    then (name, phone; no product). What neither tells stays unchecked."""
    if "name" in details:
        return details
    out = dict(details)
    state = (deadline_open or {}).get("state") or {}
    if state:
        out.setdefault("branch", state.get("branch"))
        out.setdefault("handler", state.get("handler"))
        start = str(state.get("start_at") or "")[:10] or None
        kind = details.get("kind")
        out["receipt_date"] = start if kind == CallbackKind.NEW_POLICY else None
        out["closed_date"] = start if kind == CallbackKind.CLAIM else None
        out["cooling_off_days"] = (deadline_open or {}).get("amount") if kind == CallbackKind.NEW_POLICY else None
    if details.get("complaint_id") and complaint is not None and "name" in complaint and "phone" in complaint:
        out.update(name=complaint["name"], phone=complaint["phone"], product="")
    return out


def apply(state: dict, action: str, at, to_status: str | None, details: dict) -> dict:
    """A callback's row after one of its audit events (the fold `db verify` checks).

    `add` starts every column at its empty value, then sets what the event carries. Events
    written before `add` carried the whole registration (name, phone, branch, handler, product,
    dates) hold only kind, complaint_id, policy_no and due: the columns they lack are left out
    of the result, and so unchecked, for those old callbacks (events are never rewritten).
    Every later action sets the columns it changes: attempt / unreachable / cancel end the case
    (ended_at, outcome_method, outcome_reason), assign moves it, reschedule sets the requested
    time, edit applies its `after` values, undo its `restore`, void marks it. note / problem / resolve change no
    column of the callback row (their rows are callback_followup's, domain/rows.py).
    """
    s = dict(state)
    if action == "add":
        s = dict(EMPTY, registered_at=at)
        for k in ADD_FIELDS:
            if k in details:
                s[k] = details[k]
            elif k not in ("complaint_id", "policy_no", "due", "kind"):
                s.pop(k, None)  # an old add event: this column is not checked
        if "kind" not in details:
            s.pop("kind")
    elif action == "void":
        s.update(voided_at=at, void_reason=details.get("reason"))
    elif action == "reschedule":
        s["scheduled_at"] = details.get("to")
    elif action == "edit":  # a correction: the columns it sets, as recorded
        s.update(details.get("after") or {})
    elif action == "undo":  # a step taken back (services/undo.py): the columns this fold carries, as before it
        s.update({k: v for k, v in (details.get("restore") or {}).items() if k in s})
    elif action == "assign":
        for k in ("handler", "branch"):
            if k in details:
                s[k] = details[k]
    ending = to_status is not None and s.get("status") == Status.OPEN.value and to_status != Status.OPEN.value
    if ending:
        s["ended_at"] = at
        if action == "attempt":
            s.update(outcome_method=details.get("method"), outcome_reason=details.get("note"))
        elif action in ("unreachable", "cancel"):
            s.update(outcome_method=None, outcome_reason=details.get("reason"))
    if to_status is not None:
        s["status"] = to_status
    return s


def fold(state: dict, action: str, at, clerk: str | None, to_status: str | None, details: dict) -> dict:
    """`apply` with the signature every case fold has (services/core.py): the clerk changes no
    column of a callback row."""
    return apply(state, action, at, to_status, details)
