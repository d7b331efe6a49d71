"""What a case needs next and the command that does it — pure rules, no I/O.

- `CLOSES`: the one table deadline kind -> the step that meets it (case type, sub-command, the
  values still to be typed, in Chinese). `kefu today` prints each item's command from it, and the
  `show` of every case type takes its 下一步 from it where a running deadline decides.
- one function per case type (`complaint_next`, `callback_next`, `claim_next`, `request_next`):
  status + running deadlines -> the next action (`Step`), the line every `show` ends with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Closes:
    case_type: str  # the command group: complaint | callback | claim | request
    action: str  # its sub-command
    args: str  # the values still to be typed ("--result …"), "" when none
    text: str  # the step in Chinese

    def command(self, case_id: str) -> str:
        return f"kefu {self.case_type} {self.action} {case_id}" + (f" {self.args}" if self.args else "")


# deadline kind (domain/deadlines.py DeadlineKind values) -> the step that meets it
CLOSES: dict[str, Closes] = {
    "supplement_notice": Closes("complaint", "notify", "", "告知投诉人补充材料"),
    "acceptance": Closes("complaint", "accept", "", "作出受理决定(受理,或 reject 不予受理)"),
    "decision": Closes("complaint", "decide", "--result …", "作出处理决定"),
    "regulator_report": Closes("complaint", "regulator-report", "", "向监管报告处理情况"),
    "initial_investigation": Closes("complaint", "investigate", "", "开始初步调查"),
    "review": Closes("complaint", "review-decide", "--result …", "作出核查(复核)决定"),
    "rectification": Closes("complaint", "rectified", "", "完成整改并登记"),
    "major_complaint_report": Closes(
        "complaint", "escalate", "--to 投诉应急处理领导小组", "重大投诉上报投诉应急处理领导小组"
    ),
    "callback": Closes("callback", "attempt", "--method … --result …", "回访客户"),
    "callback_reply": Closes("callback", "resolve", "--reply …", "答复回访中发现的问题"),
    "major_case_report": Closes("claim", "escalate", "--to 总部", "向总部呈报重大案件"),
    "claim_handover": Closes("claim", "handover", "", "将理赔材料移交保险公司"),
}


def closing_command(kind: str, case_id: str) -> str:
    """The command that meets a deadline of `kind` of case `case_id` ("" for an unknown kind)."""
    c = CLOSES.get(kind)
    return c.command(case_id) if c else ""


@dataclass(frozen=True, slots=True)
class Step:
    """A case's next action: `action` a code (the sub-command, or "none" when nothing is left),
    `text` in Chinese, `command` the line that takes it ("" when nothing is left)."""

    action: str
    text: str
    command: str = ""

    def line(self) -> str:
        return f"下一步: {self.text}" + (f"({self.command})" if self.command else "")

    def as_dict(self) -> dict:
        return {"action": self.action, "text": self.text, "command": self.command}


VOIDED = Step("none", "无(已作废)")


def _step(case_type: str, action: str, text: str, case_id: str, args: str = "") -> Step:
    return Step(action, text, Closes(case_type, action, args, text).command(case_id))


def _by_deadline(running: Sequence[str], case_id: str, allowed) -> Step | None:
    """The step meeting the first of `running` (deadline kinds, the next deadline first) that
    `allowed(action)` says may be taken now."""
    for kind in running:
        c = CLOSES.get(kind)
        if c is not None and allowed(c.action):
            return Step(c.action, c.text, c.command(case_id))
    return None


# --- complaint -------------------------------------------------------------------------------


def complaint_next(
    status: str, running: Sequence[str], case_id: str, voided: bool = False, pause_kind: str | None = None
) -> Step:
    """The next action on a complaint: the step meeting its next running deadline that its status
    allows, else what its status asks for (materials, acceptance, decision, the review's decision,
    resume; reviewed: nothing left); a closed one with the regulator's report still owed reports
    it; a paused one resumes when its pause (`pause_kind`: appraisal, testing, valuation,
    mediation) ends."""
    from .complaint import OLD_PAUSE_KIND, PAUSE_KIND_ZH, TRANSITIONS, Action, PauseKind, Status

    if voided:
        return VOIDED
    s = Status(status)

    def allowed(action: str) -> bool:
        try:
            return s in TRANSITIONS[Action(action.replace("-", "_"))]
        except ValueError:
            return False

    step = _by_deadline(running, case_id, allowed)
    if step is not None:
        return step
    if s is Status.AWAITING_MATERIALS:
        return _step("complaint", "materials", "材料齐全后登记", case_id, "--complete")
    if s is Status.REGISTERED:
        return _step("complaint", "accept", CLOSES["acceptance"].text, case_id)
    if s is Status.ACCEPTED:
        return _step("complaint", "decide", "作出处理决定", case_id, "--result …")
    if s is Status.REVIEWING:
        return _step("complaint", "review-decide", CLOSES["review"].text, case_id, "--result …")
    if s is Status.PAUSED:
        kind = PauseKind(pause_kind) if pause_kind in set(PauseKind) else OLD_PAUSE_KIND
        return _step("complaint", "resume", f"{PAUSE_KIND_ZH[kind]}结束后恢复处理", case_id)
    return Step("none", f"无(已办结: {_complaint_status_zh(s)})")


def _complaint_status_zh(s) -> str:
    from .complaint import STATUS_ZH

    return STATUS_ZH[s]


# --- callback --------------------------------------------------------------------------------

_LADDER = {
    "electronic": ("电子化回访", "--method electronic --result …"),
    "phone": ("电话回访(录音)", "--method phone --result … --recording …"),
    "letter_or_visit": ("信函或上门回访(签名回执)", "--method letter --result …"),
}


def callback_next(status: str, ladder: str, open_followups: Sequence[int], case_id: str, voided: bool = False) -> Step:
    """The next action on a callback: while open, the next method on the ladder (`ladder`: the
    domain/callback.py NextStep code) or, every method failed, recording it unreachable; once
    ended, a problem found and not yet answered is answered (`open_followups`: their numbers);
    only then is nothing left."""
    if voided:
        return VOIDED
    if status == "open":
        if ladder == "close_unreachable":
            return _step("callback", "unreachable", "各方式均失败,登记无法联系", case_id, "--reason …")
        text, args = _LADDER.get(ladder, _LADDER["electronic"])
        return _step("callback", "attempt", text, case_id, args)
    if open_followups:
        n = open_followups[0]
        more = f"(还有 {len(open_followups) - 1} 个问题待答复)" if len(open_followups) > 1 else ""
        return _step("callback", "resolve", f"答复回访发现的问题 #{n}{more}", case_id, f"--followup {n} --reply …")
    return Step("none", "无(回访已结束)")


# --- claim report ----------------------------------------------------------------------------

_CLAIM = {
    "reported": ("apply", "指导客户填写理赔申请书,按索赔类型收集材料", "--type …"),
    "applying": ("materials", "收到补充材料后登记", "--received …"),
    "complete": ("handover", "将理赔材料移交保险公司", ""),
    "handed_over": ("close", "保险公司结案后登记结果", "--result paid|declined|withdrawn"),
}


def claim_next(status: str, running: Sequence[str], case_id: str, voided: bool = False) -> Step:
    """The next action on a claim report: a running 24-hour major-case report first, then what
    its status asks for; a refused or closed report has nothing left."""
    if voided:
        return VOIDED
    step = _by_deadline(running, case_id, lambda a: a == "escalate" and status != "closed")
    if step is not None:
        return step
    if status in _CLAIM:
        action, text, args = _CLAIM[status]
        return _step("claim", action, text, case_id, args)
    if status == "refused":
        return Step("none", "无(初审不予受理;客户补充了新的情况可重新报案)")
    return Step("none", "无(已结案)")


# --- service request -------------------------------------------------------------------------


def request_next(status: str, case_id: str, voided: bool = False) -> Step:
    """The next action on a service request: an open one is closed once handled."""
    if voided:
        return VOIDED
    if status == "open":
        return _step("request", "close", "办理完成后办结(转保险公司办理的加 --result referred)", case_id)
    return Step("none", "无(已办结)")


def running_kinds(deadlines: Sequence[dict]) -> list[str]:
    """The kinds of a case's running (open or paused) deadlines as `show` gives them, the next
    deadline first (earliest due day, then due moment, then the older row)."""
    running = [d for d in deadlines if d["status"] in ("open", "paused")]
    running.sort(key=lambda d: (d["due"], str(d.get("due_at") or ""), d.get("id") or 0))
    return [d["kind"] for d in running]
