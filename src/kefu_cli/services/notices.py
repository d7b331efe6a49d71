"""Written notices (告知书): fill a Word template from a complaint, preview it, write it, record
that it went out.

    make(db, "TS-20261009-0001", "acceptance")                       # preview (nothing written)
    make(db, ID, "acceptance", out="受理.docx")                       # the .docx, not recorded
    make(db, ID, "acceptance", issue=True, via="letter")              # .docx + audit event
    batch(db, due_within=3, out_dir="今日告知书")                      # every notice owed soon
    export_templates("模板")  /  check_templates("模板")               # for an administrator

Templates: `kefu_cli/notices/templates/<type>.docx` (docxtpl, Jinja fields), or the same file
name in the folder `--templates DIR` / `KEFU_TEMPLATES` names (a type missing there falls back to
the built-in one, with a warning). A template is checked before anything is rendered: a field kefu
does not provide, a required field left out (domain/notices.py `REQUIRED`), a placeholder that
is not valid Jinja, or one left in the document after rendering is refused (InputError naming the
template and the field, exit 2) and nothing is written. Rendering runs in a sandboxed Jinja
environment with StrictUndefined and XML escaping on.

Issuing (`issue=True`) is a step of the case, in one unit of work: checked against the case's
previous step (`--at`), an audit event `notice` on the complaint with the document's SHA-256,
the deadline it answers and whether it went out within it. Which deadline it meets:

- supplement: issuing it is the `notify` step (the supplement notice deadline is met then), when
  that step was not recorded yet; otherwise the written notice follows an oral one.
- regulator_report: issuing it is the `regulator-report` step when not recorded yet.
- acceptance / rejection / transfer / extension / pause / decision: the step (accept, reject, …)
  was recorded before and met its deadline as it always has (the rules ask that the complainant
  be told, by any means, within the limit; a call counts). The notice records the writing: told
  at, the due date of the deadline the step answered, `on_time`. A notice that does not fit the
  case's state (a rejection notice for an accepted case, a decision notice before a decision) is
  refused.

Missing letterhead: the branch's full name falls back to the branch's name (a warning says so);
a missing address or service phone is printed as “（未登记地址）” / “（未登记客服电话）” in a
preview or a written file, with a warning naming the `kefu branch add` command that fills it,
and an issue is refused until all three are filled — a letter that went out is never incomplete.
The letter names the case's handler (经办人李娜), or the branch's service desk (本公司客服柜面) when
the case has none — never the account running kefu — and an issue is refused until it has one.

A notice for a step the case has left behind (a pause notice once resumed or decided, an
acceptance or extension notice once decided, withdrawn or merged: domain/notices.py
`left_behind`) is refused unless it is a re-issue with its reason (`reissue`, `reason`), which
the notice event records. A rejection's internal note goes into the letter only with
`note_for_customer`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from ..domain import complaint as sm
from ..domain import notices as nd
from ..domain.deadlines import RUNNING, DeadlineKind, DeadlineStatus, working_days_left
from ..domain.errors import InputError, RuleError
from ..domain.notices import NoticeType
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent, Deadline
from . import clock
from .context import UnitOfWork, unit_of_work
from .notice_facts import answered_due, case_events, details_of, facts, kind_rows, last_event
from .notice_templates import (
    BlankField,
    Template,
    find_template,
    render,
    sha256,
    template_fields,
    templates_folder,
    write_docx,
)

CASE = "complaint"
TEMPLATES_ENV = "KEFU_TEMPLATES"
MISSING_ADDRESS = "（未登记地址）"
MISSING_PHONE = "（未登记客服电话）"
DEFAULT_RECIPIENT = "监管部门"
FIELD_NOTES = "字段说明.txt"


# --- one notice ---------------------------------------------------------------------------------
def default_file_name(case_id: str, kind: NoticeType | str) -> str:
    return f"{case_id}-{NoticeType(kind).value}.docx"


def _step(uow: UnitOfWork, c: Complaint, kind: NoticeType, via: str) -> str | None:
    """Issuing a supplement notice or a regulator report is that step when it was not recorded
    yet (the deadline is met now); returns the step's action, or None."""
    from . import core
    from .complaint_steps import apply_effects, move
    from .deadlines import open_deadlines

    note = f"书面{nd.label(kind)}({nd.via_label(via)})"
    step = {NoticeType.SUPPLEMENT: sm.Action.NOTIFY, NoticeType.REGULATOR_REPORT: sm.Action.REGULATOR_REPORT}.get(kind)
    if step is None or c.status == sm.Status.WITHDRAWN:
        return None
    deadline = DeadlineKind.SUPPLEMENT_NOTICE if step is sm.Action.NOTIFY else DeadlineKind.REGULATOR_REPORT
    if not open_deadlines(uow, CASE, c.id, [deadline], RUNNING):
        return None  # the step was recorded before (an oral notice, a report by other means)
    before, after = move(uow, c, step)
    apply_effects(uow, c, step)  # meets `deadline` (domain/complaint.py EFFECTS)
    core.step(uow, CASE, c, step.value, (before, after), None, note=note)
    return step.value


def make(
    db: str | None,
    complaint_id: str,
    kind: str,
    *,
    out: str | None = None,
    issue: bool = False,
    via: str | None = None,
    proof: str | None = None,
    materials: str | None = None,
    reason: str | None = None,
    recipient: str | None = None,
    templates: str | None = None,
    clerk: str | None = None,
    at: dt.datetime | None = None,
    reissue: bool = False,
    note_for_customer: bool = False,
) -> dict[str, Any]:
    """Fill the notice of `kind` for a complaint: the preview text, and with `out` or `issue` the
    .docx; with `issue` the audit event too (one unit of work, nothing written on any error).

    `reissue` (with its `reason`) sends again a notice whose step the case has left behind (a pause
    notice after the resume); `note_for_customer` lets the clerk's note of a rejection into the letter.
    `via` (default a letter) and `proof` (tracking number, message id, recording, signed receipt:
    2020 rule Art. 21) are recorded with the issue; without `proof` the notice is unproven."""
    from .complaint_steps import in_order
    from .complaint_views import get
    from .notice_fill import fill, on_time, prepare, result

    asked = prepare(complaint_id, kind, issue=issue, via=via, proof=proof, reason=reason, reissue=reissue,
                    templates=templates)  # fmt: skip
    k = asked.kind
    with unit_of_work(db, clerk=clerk, at=at, write=issue) as uow:
        c = get(uow, complaint_id)
        filled = fill(uow, c, asked, notice_at=uow.at, materials=materials, reason=reason, recipient=recipient,
                      reissue=reissue, note_for_customer=note_for_customer)  # fmt: skip
        f = filled.facts
        if issue and f.missing_letterhead:
            raise RuleError(
                f"机构 {c.branch} 没有登记{'、'.join(f.missing_letterhead)},告知书不能以不完整的信头发出: 请先补充,例如 "
                f"kefu branch add {c.branch} --full-name 示例人寿保险股份有限公司{c.branch} --address 北京市朝阳区建国路88号 "
                "--phone 010-95500"
            )
        if issue and not f.handler:
            raise RuleError(
                f"投诉 {c.id} 没有指定处理人,告知书要写明经办人才能发出: 请先指定,例如 kefu complaint assign {c.id} --handler 李娜"
            )
        target = out if out else (default_file_name(c.id, k) if issue else None)
        step = None
        if issue:
            step = _step(uow, c, k, asked.via)
            if step is None:
                in_order(uow, c)
            uow.audit(
                CASE,
                c.id,
                "notice",
                c.status,
                c.status,
                type=k.value,
                title=nd.TITLES[k],
                via=asked.via,
                proof=asked.proof,
                sha256=sha256(filled.data),
                file=Path(target).name if target else None,
                template=asked.template.source,
                deadline=f.deadline_kind,
                due=f.due,
                on_time=on_time(f, uow.at),
                step=step,
                materials=f.context.get("materials"),
                reason=f.context.get("extension_reason") if k is NoticeType.EXTENSION else None,
                recipient=f.context.get("recipient"),
                reissue=asked.why_again,
                note_for_customer=note_for_customer or None,
            )
        written = write_docx(target, filled.data) if target else None
        if issue and asked.proof is None:
            asked.warnings.append(nd.proof_missing_text(asked.via))
        return result(c, asked, filled, at=uow.at, clerk=uow.clerk, issue=issue, step=step, written=written)


# --- a day's notices ---------------------------------------------------------------------------
def owed(uow: UnitOfWork, c: Complaint) -> list[tuple[NoticeType, dt.date | None]]:
    """The notices complaint `c` still owes, each with the due date of the deadline it answers.

    A notice is owed once its step is recorded and no notice of its type was issued after that
    step; the supplement notice and the regulator's report while their own deadline runs. A
    decided case owes only its decision notice (the earlier letters are overtaken by it)."""
    events = case_events(uow, c)
    issued_at: dict[str, dt.datetime] = {}
    for e in events:
        if e.action == "notice":
            issued_at[details_of(e).get("type", "")] = e.at

    def not_issued_since(kind: NoticeType, step: AuditEvent | None) -> bool:
        at = issued_at.get(kind.value)
        return at is None or (step is not None and at < step.at)

    def running(kind: str) -> bool:
        return any(d.status in RUNNING for d in kind_rows(uow, c, kind))

    status = sm.Status(c.status)
    kinds: list[NoticeType] = []
    if status is sm.Status.AWAITING_MATERIALS and running(DeadlineKind.SUPPLEMENT_NOTICE):
        kinds.append(NoticeType.SUPPLEMENT)
    if status in (sm.Status.ACCEPTED, sm.Status.PAUSED):
        if not_issued_since(NoticeType.ACCEPTANCE, last_event(events, "accept")):
            kinds.append(NoticeType.ACCEPTANCE)
        ext = last_event(events, "extend")
        if ext is not None and not_issued_since(NoticeType.EXTENSION, ext):
            kinds.append(NoticeType.EXTENSION)
    if status is sm.Status.PAUSED and not_issued_since(NoticeType.PAUSE, last_event(events, "pause")):
        kinds.append(NoticeType.PAUSE)
    for st, kind, step in (
        (sm.Status.REJECTED, NoticeType.REJECTION, "reject"),
        (sm.Status.TRANSFERRED, NoticeType.TRANSFER, "transfer"),
        (sm.Status.DECIDED, NoticeType.DECISION, "decide"),
        (sm.Status.REVIEWED, NoticeType.REVIEW_DECISION, "review_decide"),
    ):
        if status is st and not_issued_since(kind, last_event(events, step)):
            kinds.append(kind)
    if c.channel == "regulator" and c.regulator_ref and running(DeadlineKind.REGULATOR_REPORT):
        kinds.append(NoticeType.REGULATOR_REPORT)
    out = [(kind, answered_due(uow, c, kind, events)) for kind in kinds]
    return out


def batch(
    db: str | None,
    *,
    due_within: int,
    out_dir: str,
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    branch: str | None = None,
    templates: str | None = None,
    recipient: str | None = None,
) -> dict[str, Any]:
    """Write every notice owed whose deadline falls due within `due_within` working days of
    `as_of` (overdue ones included; with `since`, only deadlines due on or after it — for the
    first run on a database with history), one file per case and type, `<case>-<type>.docx` in
    `out_dir`. A case that can not be filled (no materials list recorded on it, no branch) is listed as skipped;
    a broken template stops the batch before any file is written."""
    from ..io.files import check_target, make_private_folder
    from .masters import check_names

    as_of = as_of or clock.today()
    folder = Path(out_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder} 是一个文件: 批量生成需要一个目录,例如 --out 今日告知书")
    tfolder = templates_folder(templates)
    warnings: list[str] = []
    chosen: dict[NoticeType, Template] = {}
    items: list[dict[str, Any]] = []
    rendered: list[tuple[Path, bytes]] = []
    notice_at = dt.datetime.combine(as_of, dt.time(9, 0))
    with unit_of_work(db, write=False) as uow:
        if branch:
            check_names(uow.session, branch=branch)
        # only cases with a deadline row due by the horizon can owe a notice in the window (one query)
        # (the day before the (N+1)-th working day: a due date on a rest day after the N-th counts too)
        horizon = uow.calendar.add_workdays_date(as_of, due_within + 1) - dt.timedelta(days=1)
        kinds = [DeadlineKind.SUPPLEMENT_NOTICE, DeadlineKind.ACCEPTANCE, DeadlineKind.DECISION,
                 DeadlineKind.REGULATOR_REPORT, DeadlineKind.REVIEW]  # fmt: skip
        near = select(Deadline.case_id).where(
            Deadline.case_type == CASE,
            Deadline.status != DeadlineStatus.VOID,
            col(Deadline.kind).in_([str(k) for k in kinds]),
            Deadline.due <= horizon,
        )
        if since:
            near = near.where(Deadline.due >= since)
        stmt = select(Complaint).where(
            col(Complaint.voided_at).is_(None),
            col(Complaint.status).not_in([str(sm.Status.WITHDRAWN), str(sm.Status.MERGED)]),
            col(Complaint.id).in_(near.scalar_subquery()),
        )
        if branch:
            stmt = stmt.where(Complaint.branch == branch.strip())
        for c in uow.session.exec(stmt.order_by(col(Complaint.received_at), col(Complaint.id))).all():
            for kind, due in owed(uow, c):
                left = working_days_left(uow.calendar, as_of, due) if due else None
                if (left is not None and left > due_within) or (since and due and due < since):
                    continue
                item = {"case_id": c.id, "type": kind.value, "label": nd.label(kind), "due": due,
                        "working_days_left": left, "branch": c.branch, "handler": c.handler,
                        "file": None, "sha256": None, "skipped": None, "warnings": []}  # fmt: skip
                if kind is NoticeType.SUPPLEMENT and not c.missing_materials:  # the list: add/materials --missing
                    item["skipped"] = (
                        f'需写明补正的材料: 先登记 kefu complaint materials {c.id} --missing "…",'
                        f'或单独生成 kefu notice {c.id} --type 补正 --materials "…" --out …'
                    )
                    items.append(item)
                    continue
                if kind not in chosen:
                    chosen[kind] = find_template(kind, tfolder, warnings)
                    template_fields(chosen[kind])
                try:
                    f = facts(uow, c, kind, notice_at=notice_at, recipient=recipient)
                except InputError as exc:
                    item["skipped"] = str(exc)
                    items.append(item)
                    continue
                try:
                    data = render(chosen[kind], f.context)
                except BlankField as exc:
                    item["skipped"] = str(exc)
                    items.append(item)
                    continue
                path = folder / default_file_name(c.id, kind)
                check_target(path, "--out 目录中的告知书文件")
                item.update(file=str(path), sha256=sha256(data), warnings=f.warnings)
                rendered.append((path, data))
                items.append(item)
    if rendered:
        make_private_folder(folder)
        for path, data in rendered:
            write_docx(path, data, "告知书文件")
    return {
        "as_of": as_of,
        "within": due_within,
        "since": since,
        "out_dir": str(folder),
        "written": len(rendered),
        "skipped": sum(1 for i in items if i["skipped"]),
        "items": items,
        "warnings": list(dict.fromkeys(warnings)),
    }


# --- the demo ----------------------------------------------------------------------------------
DEMO_FACTS = {
    "materials": "投诉人身份证明复印件、保险合同复印件及与投诉事项相关的证明材料",
    "recipient": "国家金融监督管理总局北京监管局",
}


def demo_notices(db: str, folder: str | Path, on: dt.date) -> list[dict[str, Any]]:
    """One notice of each type, for the first demo case it fits, written (not issued) into
    `folder` as `<case>-<type>.docx`: what `kefu demo` shows of the notices."""
    out_dir = Path(folder)
    notice_at = dt.datetime.combine(on, dt.time(9, 0))
    made: list[tuple[Path, bytes, dict[str, Any]]] = []
    with unit_of_work(db, write=False) as uow:
        cases = uow.session.exec(
            select(Complaint).where(col(Complaint.voided_at).is_(None)).order_by(col(Complaint.received_at))
        ).all()
        for kind in NoticeType:
            for c in cases:
                try:
                    f = facts(uow, c, kind, notice_at=notice_at, **DEMO_FACTS)
                except InputError:
                    continue
                data = render(find_template(kind, None), f.context)
                path = out_dir / default_file_name(c.id, kind)
                made.append((path, data, {"case_id": c.id, "type": kind.value, "label": nd.label(kind)}))
                break
    if made:
        from ..io.files import make_private_folder

        make_private_folder(out_dir)
    return [{**item, "file": str(write_docx(path, data, "演示告知书"))} for path, data, item in made]
