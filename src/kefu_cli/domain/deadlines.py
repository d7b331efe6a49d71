"""Deadline kinds and the one function that turns a rule into a due date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from .calendar import WorkCalendar
from .policy import Unit


class DeadlineKind(StrEnum):
    SUPPLEMENT_NOTICE = "supplement_notice"
    ACCEPTANCE = "acceptance"
    DECISION = "decision"
    REGULATOR_REPORT = "regulator_report"
    INITIAL_INVESTIGATION = "initial_investigation"
    CALLBACK = "callback"
    CALLBACK_REPLY = "callback_reply"
    MAJOR_CASE_REPORT = "major_case_report"
    CLAIM_HANDOVER = "claim_handover"
    REVIEW = "review"  # the superior branch's review (核查) of a decision (2020 rule Art. 20)
    RECTIFICATION = "rectification"  # the rectification a decision's root cause asks for (溯源整改, Art. 26)
    MAJOR_COMPLAINT_REPORT = "major_complaint_report"  # a major complaint to the emergency group (Art. 29)


DEADLINE_KIND_ZH = {
    DeadlineKind.SUPPLEMENT_NOTICE: "告知补充材料",
    DeadlineKind.ACCEPTANCE: "受理决定",
    DeadlineKind.DECISION: "处理决定",
    DeadlineKind.REGULATOR_REPORT: "监管转办报告",
    DeadlineKind.INITIAL_INVESTIGATION: "初步调查",
    DeadlineKind.CALLBACK: "回访",
    DeadlineKind.CALLBACK_REPLY: "回访问题答复",
    DeadlineKind.MAJOR_CASE_REPORT: "重大案件上报",
    DeadlineKind.CLAIM_HANDOVER: "理赔材料移交",
    DeadlineKind.REVIEW: "核查(复核)决定",
    DeadlineKind.RECTIFICATION: "整改",
    DeadlineKind.MAJOR_COMPLAINT_REPORT: "重大投诉上报应急小组",
}


class DeadlineStatus(StrEnum):
    OPEN = "open"  # still running
    PAUSED = "paused"  # clock stopped (external appraisal): never overdue, countdown frozen
    MET = "met"  # done (met_at says when; late if met_at's day is after due)
    NOT_APPLICABLE = "not_applicable"  # ended without being needed (withdrawal, rejection…)
    SUPERSEDED = "superseded"  # replaced by a newer row (restart, extension)
    VOID = "void"  # its case was registered by mistake and voided: in no list or figure


DEADLINE_STATUS_ZH = {
    DeadlineStatus.OPEN: "进行中",
    DeadlineStatus.PAUSED: "暂停",
    DeadlineStatus.MET: "已完成",
    DeadlineStatus.NOT_APPLICABLE: "不适用",
    DeadlineStatus.SUPERSEDED: "已被替代",
    DeadlineStatus.VOID: "已作废",
}

# The audit actions of a deadline as a clerk reads them in a case's timeline.
DEADLINE_EVENT_ZH = {
    "open": "开始计时",
    "close": "结束",
    "pause": "暂停计时",
    "resume": "恢复计时(顺延)",
    "recompute": "按新日历重算",
    "shift": "顺延",
    "assign": "随案件改派",
    "void": "作废",
    "undo": "撤销上一步,恢复",
    "correct": "随更正重算",
}

# Kinds held by someone other than the case's handler (a rectification by its owner): they stay with
# that holder when the case is reassigned or corrected, or a step is undone.
OWN_HOLDER = frozenset({DeadlineKind.RECTIFICATION.value})

# Rows whose clock has not ended: a report lists them, a calendar change recomputes them.
RUNNING = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)

END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True, slots=True)
class Due:
    due: dt.date  # the last day (end of that day) — or the day of due_at for clock-hour rules
    due_at: dt.datetime  # the exact moment the limit passes
    provisional: bool


def compute_due(
    calendar: WorkCalendar,
    start_at: dt.datetime,
    unit: Unit | str,
    amount: int,
    extra_workdays: int = 0,
    fixed_due: dt.date | None = None,
    paused_days: int = 0,
) -> Due:
    """The due date of a rule started at `start_at`.

    - workdays: the (amount + extra_workdays)-th working day after the start day;
    - days: start day + amount + paused_days calendar days, rolled to the next working day
      (§203) — paused time is added before the roll (RULES.md §2, paused clocks);
    - hours: clock hours from the start moment, plus paused hours (kept in paused_days);
    - `fixed_due` (e.g. a date set by the regulator) is taken as given.
    """
    unit = Unit(unit)
    start = start_at.date()
    if fixed_due is not None:
        return Due(
            fixed_due, dt.datetime.combine(fixed_due, END_OF_DAY), calendar.touches_provisional(start, fixed_due)
        )
    if unit is Unit.WORKDAYS:
        due = calendar.add_workdays_date(start, amount + extra_workdays)
    elif unit is Unit.DAYS:
        due = calendar.add_workdays_date(calendar.add_days_date(start, amount + paused_days), extra_workdays)
    elif unit is Unit.HOURS:
        at = start_at + dt.timedelta(hours=amount + paused_days)
        return Due(at.date(), at, False)
    else:
        raise ValueError(f"unit {unit} does not set a deadline")
    return Due(due, dt.datetime.combine(due, END_OF_DAY), calendar.touches_provisional(start, due))


def pause_amount(calendar: WorkCalendar, unit: Unit | str, paused_at: dt.datetime, resumed_at: dt.datetime) -> int:
    """How much a pause from `paused_at` to `resumed_at` adds to a rule, in the rule's unit.

    workdays: the working days in (pause day, resume day]; days: the calendar days between
    the two days; hours: whole clock hours, rounded up. A pause and resume on the same day add 0.
    """
    unit = Unit(unit)
    if unit is Unit.WORKDAYS:
        return max(calendar.count_workdays(paused_at.date(), resumed_at.date()), 0)
    if unit is Unit.DAYS:
        return max((resumed_at.date() - paused_at.date()).days, 0)
    if unit is Unit.HOURS:
        seconds = (resumed_at - paused_at).total_seconds()
        return max(int(-(-seconds // 3600)), 0)
    return 0


def is_breached(breached: bool, status: str, due_at: dt.datetime, moment: dt.datetime) -> bool:
    """A deadline is breached once its due time passed unmet: a stored breach stays; an open
    row is breached when `moment` is past its due time; a paused row's clock is frozen."""
    return bool(breached) or (status == DeadlineStatus.OPEN and moment > due_at)


def state_zh(status: str, breached: bool) -> str:
    """The Chinese word for a deadline's state, the breach included: 逾期完成, 逾期, 暂停…"""
    st = DeadlineStatus(status)
    if st is DeadlineStatus.MET:
        return "逾期完成" if breached else "已完成"
    if st is DeadlineStatus.OPEN:
        return "逾期" if breached else "进行中"
    text = DEADLINE_STATUS_ZH[st]
    return f"{text}(此前已逾期)" if breached else text


def working_days_left(calendar: WorkCalendar, as_of: dt.date, due: dt.date) -> int:
    """Working days from `as_of` to `due`: 0 due today, negative when overdue.

    When overdue, the magnitude counts the working days in (due, as_of].
    """
    if due >= as_of:
        return calendar.count_workdays(as_of, due)
    return -calendar.count_workdays(due, as_of)
