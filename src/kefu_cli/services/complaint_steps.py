"""The steps of a complaint after its registration (materials … decision, withdrawal, regulator
report) and the helpers that record a step and start or close its deadlines (registration uses them).

Every function opens its own unit of work, checks the state machine (domain/complaint.py),
changes the complaint, starts/closes its deadline rows and writes the audit events — all in
one transaction, so a refused action changes nothing. Each returns `view(...)` of the case.

Which step meets, closes or supersedes which deadline is the table `EFFECTS` of
domain/complaint.py; `apply_effects` applies it. Besides:
- each period starts where its policy rule says (`start`): on receipt of the complaint
  (decision: 15/30/60 calendar days, 2020 rule §18) or of complete materials (acceptance).
- pause (external appraisal) pauses the running acceptance/decision clocks; resume adds the
  paused time in each rule's own unit. The regulator's report date is the regulator's and keeps
  running. A pause or extension after a deadline passed is refused unless `late=True`, and is
  then recorded as late: the breach stays (services/deadlines.py).
- every step is checked against the case's previous step (`--at` not before it, not in the
  future; services/core.py `check_in_order`).
- the step's event is written and folded into the row by services/core.py `step`
  (domain/complaint.py `apply`): no column is set here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import complaint as sm
from ..domain.codes import parse_code
from ..domain.deadlines import RUNNING, DeadlineKind, DeadlineStatus, is_breached
from ..domain.errors import InputError, RuleError
from ..domain.policy import DEFAULTS, START_ZH, Start, citation
from ..store.complaint_models import Complaint
from ..store.models import Deadline
from . import core
from .complaint_views import CASE, get, view
from .context import UnitOfWork, unit_of_work
from .deadlines import close_deadline, open_deadlines, pause_deadline, resume_deadline, start_deadline

K = DeadlineKind


# --- helpers ------------------------------------------------------------------
def in_order(uow: UnitOfWork, c: Complaint) -> None:
    """A step may not be dated before the receipt or before the case's previous step."""
    core.check_in_order(uow, CASE, c)


def move(uow: UnitOfWork, c: Complaint, action: sm.Action) -> tuple[str, str]:
    """The guards and the transition of a step, before its effects: (status before, after). The
    step's event (`record_step`) then changes the row."""
    return core.begin(uow, CASE, c, action.value)


def record_step(uow: UnitOfWork, c: Complaint, action: str, moved: tuple[str, str], /, **details) -> None:
    """The step's audit event, folded into the complaint row (domain/complaint.py `apply`)."""
    core.step(uow, CASE, c, action, moved, None, **details)


CLOSE_AS = {"met": DeadlineStatus.MET, "not_applicable": DeadlineStatus.NOT_APPLICABLE,
            "superseded": DeadlineStatus.SUPERSEDED}  # fmt: skip


def apply_effects(uow: UnitOfWork, c: Complaint, action: sm.Action) -> dict[str, list[Deadline]]:
    """Close the running deadlines `action` meets, closes as not applicable or supersedes
    (domain/complaint.py `EFFECTS`, in the table's order); returns the rows closed, by effect."""
    effects = [(e, kinds) for e, kinds in sm.EFFECTS.get(action, {}).items() if e in CLOSE_AS]
    if not effects:
        return {}
    running = open_deadlines(uow, CASE, c.id, None, RUNNING)
    out: dict[str, list[Deadline]] = {}
    for effect, kinds in effects:
        order = {str(k): i for i, k in enumerate(kinds or ())}
        rows = [d for d in running if kinds is None or d.kind in order]
        rows.sort(key=lambda d: order.get(d.kind, 0))  # stable: by id within a kind
        for row in rows:
            close_deadline(uow, row, CLOSE_AS[effect], uow.at)
            running.remove(row)
        out[effect] = rows
    return out


def _met(closed: dict[str, list[Deadline]], kind: DeadlineKind) -> list[Deadline]:
    return [d for d in closed.get("met", []) if d.kind == kind]


def deadline_basis(terms: str, note: str | None = None) -> str:
    """The basis a deadline records, as its row stores it: the rule's citation and amount
    (`basis_terms`: "《银行业保险业消费投诉处理管理办法》第十八条 15日"), and, for a period started
    otherwise than by its rule's own event (an extension, new facts, a start the administrator
    changed), `note`: what started it."""
    return (f"{terms};{note}" if note else terms)[:255]


def started(start_at: dt.datetime) -> str:
    """A deadline's start as a basis note names it."""
    return f"{start_at:%Y-%m-%d %H:%M}"


def basis_terms(rule) -> str:
    """The citation and amount of policy rule `rule` (domain/policy.py `citation`), and the start
    when an administrator moved it from the rule's own (自材料齐全起算)."""
    if rule.start is not None and rule.start is not DEFAULTS[rule.key].start:
        return f"{citation(rule)};{START_ZH[rule.start]}起算"
    return citation(rule)


def start_complaint_deadline(
    uow: UnitOfWork,
    c: Complaint,
    kind: DeadlineKind,
    start_at: dt.datetime,
    rule: str,
    note: str | None = None,
    **kw,
):
    """Start the deadline of policy rule `rule` at `start_at`; its basis cites the rule
    (`deadline_basis`, with `note` when something other than the rule's own event started it).
    A date the regulator set (`fixed_due`) is cited as such."""
    r = uow.policy.rule(rule)
    basis = deadline_basis(basis_terms(r), note)
    if kw.get("fixed_due") is not None:
        basis = f"{r.source} 监管机构要求 {kw['fixed_due']:%Y-%m-%d} 前报告"[:255]
        rule = "fixed"
    return start_deadline(
        uow,
        case_type=CASE,
        case_id=c.id,
        kind=kind,
        start_at=start_at,
        rule=rule,
        basis=basis,
        branch=c.branch,
        handler=c.handler,
        **kw,
    )


# The periods that run from receipt or from complete materials, as the policy table says.
PERIODS = ((K.ACCEPTANCE, "complaint.acceptance"), (K.DECISION, "complaint.decision"))


def _start_periods(uow: UnitOfWork, c: Complaint, event: Start) -> None:
    """Start the periods whose rule starts at `event` (registration: receipt, and complete
    materials too when they came with the complaint; `materials --complete`: complete)."""
    complete_now = event is Start.COMPLETE or c.materials_complete_at is not None
    for kind, rule in PERIODS:
        start = uow.policy.rule(rule).start
        if start is Start.RECEIVED and event is Start.RECEIVED:
            start_complaint_deadline(uow, c, kind, c.received_at, rule)
        elif start is Start.COMPLETE and complete_now:
            at = c.materials_complete_at or uow.at
            start_complaint_deadline(uow, c, kind, at, rule)


def _refuse_if_missed(uow: UnitOfWork, rows: list[Deadline], what: str, late: bool) -> bool:
    """A pause or extension after a deadline passed is refused unless `late`; returns whether late."""
    missed = [d for d in rows if is_breached(d.breached, d.status, d.due_at, uow.at)]
    if missed and not late:
        d = missed[0]
        raise RuleError(
            f"{_kind_zh(d.kind)}期限已于 {d.due:%Y-%m-%d} 届满未完成(已逾期),不能再{what};"
            f"如确需补记,请加 --late(将记为逾期,逾期不会因此消除)"
        )
    return bool(missed)


def _kind_zh(kind: str) -> str:
    from ..domain.deadlines import DEADLINE_KIND_ZH

    return DEADLINE_KIND_ZH.get(DeadlineKind(kind), kind) if kind in set(DeadlineKind) else kind


def schedule_callback(uow: UnitOfWork, c: Complaint, kind: str):
    from .callbacks import schedule_complaint_callback

    uow.session.flush()
    return schedule_complaint_callback(uow, c, kind)


def text_field(
    text: str | None,
    field: str,
    required: bool = False,
    limit: int = 100,
    multiline: bool = False,
    example: str | None = None,
) -> str:
    """Trimmed text; control characters and over-long values refused (domain/text.py)."""
    from ..domain.text import clean_text

    return clean_text(text, field, limit, required, multiline=multiline, example=example)


# --- transitions --------------------------------------------------------------
def run_step(db, complaint_id, clerk, at, fn) -> dict[str, Any]:
    if isinstance(db, UnitOfWork):  # a step replayed in the caller's unit of work, at its time (an import
        # of cases with their history, services/complaint_replay.py): the same checks, effects and event
        if at is not None and at != db.at:
            raise ValueError("a replayed step takes the time of its unit of work")
        c = get(db, complaint_id)
        fn(db, c)
        db.session.flush()
        return {"id": c.id, "status": c.status}
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        c = get(uow, complaint_id)
        fn(uow, c)
        uow.session.flush()
        return view(uow, c)


def materials_complete(db, complaint_id: str, *, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = move(uow, c, sm.Action.MATERIALS_COMPLETE)
        apply_effects(uow, c, sm.Action.MATERIALS_COMPLETE)
        _start_periods(uow, c, Start.COMPLETE)
        record_step(uow, c, "materials_complete", moved)

    return run_step(db, complaint_id, clerk, at, fn)


def materials(db, complaint_id: str, *, complete: bool, missing: str | None, clerk=None, at=None):
    """`kefu complaint materials`: --complete or --missing, exactly one; (the case, the headline)."""
    if complete == (missing is not None):
        raise InputError(
            "请写明 --complete 表示材料已齐全,或 --missing 登记仍缺少的材料(二选一),例如 "
            "kefu complaint materials TS-20261121-0007 --complete"
        )
    if missing is not None:
        return materials_missing(db, complaint_id, missing=missing, clerk=clerk, at=at), "已登记缺少的材料"
    return materials_complete(db, complaint_id, clerk=clerk, at=at), "已记录材料齐全"


def missing_list(text: str | None) -> list[str]:
    """The items of `--missing` (separated by 、 , ，; each at most 100 characters, at most 1000 in
    all; InputError naming the option otherwise). An empty text is an empty list."""
    from ..domain.text import clean_text

    example = "授权委托书原件、受托人身份证复印件"
    text = clean_text(text, "--missing 缺少的材料", 1000, multiline=True, example=example)
    items = sm.split_materials(text)
    for item in items:
        if len(item) > 100:
            raise InputError(f'--missing 缺少的材料中“{item[:20]}…”超过 100 个字,请分项写明,例如 --missing "{example}"')
    return items


def materials_missing(db, complaint_id: str, *, missing: str, clerk=None, at=None) -> dict[str, Any]:
    """`materials --missing`: the list of the materials the complaint still misses, recorded (or
    replaced) on a complaint awaiting materials; the supplement notice lists them."""
    items = missing_list(missing)
    if not items:
        raise InputError(
            f'请写明缺少的材料,例如 kefu complaint materials {complaint_id} --missing "授权委托书原件、受托人身份证复印件"'
        )

    def fn(uow, c):
        moved = move(uow, c, sm.Action.MATERIALS_MISSING)
        record_step(uow, c, "materials_missing", moved, missing_materials=items)

    return run_step(db, complaint_id, clerk, at, fn)


def notify(db, complaint_id: str, *, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = move(uow, c, sm.Action.NOTIFY)
        if not _met(apply_effects(uow, c, sm.Action.NOTIFY), K.SUPPLEMENT_NOTICE):
            raise RuleError(f"投诉 {c.id} 已记录过补充材料告知,不需要重复告知")
        record_step(uow, c, "notify", moved, note=note)

    return run_step(db, complaint_id, clerk, at, fn)


def investigate(db, complaint_id: str, *, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = move(uow, c, sm.Action.INVESTIGATE)
        if not _met(apply_effects(uow, c, sm.Action.INVESTIGATE), K.INITIAL_INVESTIGATION):
            raise RuleError(f"投诉 {c.id} 的初步调查已经开始(已记录),不需要重复记录")
        record_step(uow, c, "investigate", moved, note=note)

    return run_step(db, complaint_id, clerk, at, fn)


def accept(db, complaint_id: str, *, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = move(uow, c, sm.Action.ACCEPT)
        apply_effects(uow, c, sm.Action.ACCEPT)
        record_step(uow, c, "accept", moved)

    return run_step(db, complaint_id, clerk, at, fn)


def _reject(uow: UnitOfWork, c: Complaint, reason: str, note: str | None, **details) -> None:
    moved = move(uow, c, sm.Action.REJECT)
    apply_effects(uow, c, sm.Action.REJECT)
    record_step(uow, c, "reject", moved, reason=reason, note=note, **details)


def reject(db, complaint_id: str, *, reason: str, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    code = parse_code(sm.REJECT_REASONS, reason, "--reason 不予受理原因")
    return run_step(db, complaint_id, clerk, at, lambda uow, c: _reject(uow, c, code, (note or "").strip() or None))


def transfer(db, complaint_id: str, *, to: str, internal: bool = False, clerk=None, at=None) -> dict[str, Any]:
    unit = text_field(to, "--to 接收单位", required=True, example="北京分公司理赔部")

    def fn(uow, c):
        moved = move(uow, c, sm.Action.TRANSFER)
        apply_effects(uow, c, sm.Action.TRANSFER)
        record_step(uow, c, "transfer", moved, to=unit, internal=internal)

    return run_step(db, complaint_id, clerk, at, fn)


def merge(
    db, complaint_id: str, *, into: str, new_facts: bool = False, note: str | None = None, clerk=None, at=None
) -> dict[str, Any]:
    """Merge a repeat complaint into the first one.

    With new facts: this case becomes `merged`, and the first case's decision clock restarts
    from receipt of the new materials (old row superseded, new row says why). Without new
    facts: this case is rejected as duplicate_open / duplicate_decided.
    """

    def fn(uow, c):
        target = get(uow, into)
        if target.id == c.id:
            raise InputError(f"--into 不能是投诉自身({c.id}),请填写原投诉的编号")
        sm.check(c.status, sm.Action.MERGE)  # message about this case first
        sm.check_merge_target(target.status, new_facts)
        if not new_facts:
            reason = str(sm.duplicate_reason(target.status))
            text = f"与 {target.id} 重复" + (f";{note.strip()}" if note and note.strip() else "")
            _reject(uow, c, reason, text, duplicate_of=target.id)
            return
        moved = move(uow, c, sm.Action.MERGE)
        new_materials_at = c.materials_complete_at or uow.at
        apply_effects(uow, c, sm.Action.MERGE)
        record_step(uow, c, "merge", moved, into=target.id, new_facts=True, note=note)

        t_moved = move(uow, target, sm.Action.RECEIVE_MERGE)
        old = apply_effects(uow, target, sm.Action.RECEIVE_MERGE).get("superseded", [])
        rule = old[-1].rule if old and old[-1].rule != "fixed" else sm.EXTENSION_RULE[target.extension_level or None]
        restart = f"并入 {c.id} 的新事实,自新材料收到 {started(new_materials_at)} 起重新计算"
        row = start_complaint_deadline(uow, target, K.DECISION, new_materials_at, rule, restart)
        record_step(
            uow,
            target,
            "merge_in",
            t_moved,
            source=c.id,
            decision_due_before=old[-1].due if old else None,
            decision_due_after=row.due,
        )

    return run_step(db, complaint_id, clerk, at, fn)


def extend(
    db, complaint_id: str, *, level: str, approver: str | None = None, late: bool = False, clerk=None, at=None
) -> dict[str, Any]:
    from ..domain.codes import table_of

    lv_text = parse_code(table_of(sm.EXTENSION_ZH), level, "--level 延期级别")

    def fn(uow, c):
        moved = move(uow, c, sm.Action.EXTEND)
        lv = sm.check_extension(c.extension_level, lv_text, approver)
        running = open_deadlines(uow, CASE, c.id, [K.DECISION], RUNNING)
        if not running:
            raise RuleError(f"投诉 {c.id} 没有进行中的处理期限,无法延期")
        was_late = _refuse_if_missed(uow, running, "延期", late)
        was_paused = running[-1].status == DeadlineStatus.PAUSED
        old = apply_effects(uow, c, sm.Action.EXTEND)["superseded"]
        prev = old[-1]
        rule = sm.EXTENSION_RULE[lv]
        why = f"{sm.EXTENSION_ZH[lv]}延期" + (f"(批准人 {approver.strip()})" if approver else "")
        row = start_complaint_deadline(
            uow,
            c,
            K.DECISION,
            prev.start_at,
            rule,
            f"{why},自原期限起算 {started(prev.start_at)} 起",
            extra_workdays=prev.extra_workdays,
            paused_days=prev.paused_days,
        )
        if was_paused:
            pause_deadline(uow, row, c.pause_reason or "")
        record_step(
            uow,
            c,
            "extend",
            moved,
            level=str(lv),
            approver=approver,
            due_before=prev.due,
            due_after=row.due,
            late=was_late,
        )

    return run_step(db, complaint_id, clerk, at, fn)


def pause(
    db, complaint_id: str, *, reason: str, kind: str = "appraisal", late: bool = False, clerk=None, at=None
) -> dict[str, Any]:
    """Stop the acceptance and decision clocks while an appraisal, test or valuation (Art. 18) or a
    mediation (Art. 23) runs: `kind` a PauseKind code or its Chinese label."""
    code = parse_code(sm.PAUSE_KINDS, kind, "--kind 中止类型")
    text = text_field(
        reason, "--reason 中止原因(如 伤残鉴定)", required=True, limit=500, multiline=True, example="伤残鉴定"
    )

    def fn(uow, c):
        moved = move(uow, c, sm.Action.PAUSE)
        rows = open_deadlines(uow, CASE, c.id, sm.EFFECTS[sm.Action.PAUSE]["paused"])
        was_late = _refuse_if_missed(uow, rows, "中止", late)
        apply_effects(uow, c, sm.Action.PAUSE)
        for row in rows:
            pause_deadline(uow, row, text)
        record_step(uow, c, "pause", moved, reason=text, kind=code, late=was_late, paused=[d.kind for d in rows])

    return run_step(db, complaint_id, clerk, at, fn)


def resume(db, complaint_id: str, *, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved_status = move(uow, c, sm.Action.RESUME)
        start = c.paused_at or uow.at
        days = max(uow.calendar.count_workdays(start.date(), uow.at.date()), 0)
        kind = sm.PauseKind(c.pause_kind or sm.OLD_PAUSE_KIND)
        why = f"{sm.PAUSE_KIND_BASIS[kind]} {start:%Y-%m-%d} 至 {uow.at:%Y-%m-%d}: {c.pause_reason}"
        moved = []
        for row in open_deadlines(uow, CASE, c.id, sm.EFFECTS[sm.Action.RESUME]["resumed"], [DeadlineStatus.PAUSED]):
            before_due = row.due
            resume_deadline(uow, row, why)
            moved.append({"kind": row.kind, "due_before": before_due, "due_after": row.due})
        record_step(uow, c, "resume", moved_status, paused_from=start, paused_workdays=days, moved=moved)

    return run_step(db, complaint_id, clerk, at, fn)


def decide(db, complaint_id: str, *, result: str, cause: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    """The decision; `cause` (optional) its root cause, a code of domain/causes.py in English or Chinese."""
    text = text_field(
        result, "--result 处理决定", required=True, limit=2000, multiline=True, example="同意赔付 5000 元"
    )
    found = _cause(cause)  # the root cause (溯源整改): in the event only when given

    def fn(uow, c):
        moved = move(uow, c, sm.Action.DECIDE)
        apply_effects(uow, c, sm.Action.DECIDE)
        record_step(uow, c, "decide", moved, result=text, **found)
        scheduled.append(schedule_callback(uow, c, "complaint").id)

    scheduled: list[str] = []
    out = run_step(db, complaint_id, clerk, at, fn)
    out["scheduled"] = scheduled
    return out


def _cause(cause: str | None) -> dict[str, str]:
    """{"cause": code} of a root cause given as a code or its Chinese label, {} when none."""
    if cause is None or not cause.strip():
        return {}
    from ..domain.causes import CAUSE_FIELD, CAUSES

    return {"cause": parse_code(CAUSES, cause, CAUSE_FIELD)}


def withdraw(db, complaint_id: str, *, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = move(uow, c, sm.Action.WITHDRAW)
        closed = apply_effects(uow, c, sm.Action.WITHDRAW)["not_applicable"]
        record_step(uow, c, "withdraw", moved, note=note, closed=[d.kind for d in closed])

    return run_step(db, complaint_id, clerk, at, fn)


def regulator_report(db, complaint_id: str, *, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = move(uow, c, sm.Action.REGULATOR_REPORT)
        if not _met(apply_effects(uow, c, sm.Action.REGULATOR_REPORT), K.REGULATOR_REPORT):
            raise RuleError(f"投诉 {c.id} 没有待完成的监管报告期限(不是监管转办投诉,或已报告)")
        record_step(uow, c, "regulator_report", moved, note=note)

    return run_step(db, complaint_id, clerk, at, fn)
