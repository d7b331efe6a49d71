"""Exports of complaints, callbacks and deadlines, for Excel: a CSV file or a real workbook.

The format is chosen by the file's extension: `.xlsx` is an Excel workbook (io/xlsxfile.py:
real date and datetime cells, text cells for phone, policy and case numbers, a frozen bold
header row, fitted columns, an autofilter, and a second sheet "说明" stating the as-of date,
the filters and the masking); anything else is CSV (UTF-8 with BOM or GB18030, times written
"2026-10-09 09:30:00" so that Excel reads them as times).

Rows are streamed from the database into a temp file that is renamed at the end, so a
million-row export neither holds everything in memory nor leaves half a file. Names and
phones are masked as in every other output unless `unmask=True`, which is audited
(services/privacy.py); the file is 0600 on POSIX and no cell can start a spreadsheet formula.
The headers are the Chinese ones the import understands (io/columns.py): an unmasked export imports
back as it is (the deadlines' columns are not read); the complaints come back with their numbers, states
and every step (the step columns, services/complaint_replay.py).

The complaint export carries the deadline columns a supervisor needs: 受理时限 and 处理时限
(the running, else the latest, acceptance and decision deadlines), 剩余工作日 (working days
to the nearest running deadline on the as-of day, negative when past it) and 是否逾期.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from ..domain import callback as cb
from ..domain import complaint as sm
from ..domain.codes import CASE_TYPES, CATEGORIES, CHANNELS, RELATIONS, label
from ..domain.deadlines import RUNNING, DeadlineKind, DeadlineStatus
from ..domain.regulator import DISPUTES, LINES
from ..domain.timeutil import check_span
from ..io.columns import CALLBACK, CALLBACK_STEPS, COMPLAINT, COMPLAINT_STEPS, DEADLINE, columns
from ..io.xlsxfile import TEXT, Column, is_xlsx
from ..render.output import mask_name, mask_phone
from . import clock
from .context import unit_of_work
from .export_steps import BATCH, _with_steps, _yes

# The columns and their one header each: io/columns.py (the imports read the same headers).
COMPLAINT_COLUMNS = columns(COMPLAINT)
CALLBACK_COLUMNS = columns(CALLBACK)
DEADLINE_COLUMNS = columns(DEADLINE)


COMPLAINT_HEADERS = [c.header for c in COMPLAINT_COLUMNS]
CALLBACK_HEADERS = [c.header for c in CALLBACK_COLUMNS]
DEADLINE_HEADERS = [c.header for c in DEADLINE_COLUMNS]

LEFT_NOTE = (
    "剩余工作日: 数据截至日到下一个未完成期限(与 kefu complaint list 的“下一期限”相同)的工作日数,0 为当天到期,"
    "负数为已逾期;暂停的期限为中止当天冻结的工作日数"
)
OVERDUE_NOTE = "是否逾期: 有未完成的期限到期日已过(与 kefu report deadlines 的“已逾期”相同;暂停的不算)"


def _deadline_columns(deadlines: list, as_of: dt.date, calendar, kinds: Iterable[str]) -> list[Any]:
    """The due dates of `kinds` (the running row, else the latest), the working days left of the
    case's next running deadline (services/deadline_query.py `next_order`, as lists show it), and
    whether a running one is overdue on `as_of` — both by `domain.report.judge`."""
    from ..domain.report import judge
    from .deadline_query import next_order

    out: list[Any] = []
    for kind in kinds:
        rows = [
            d for d in deadlines if d.kind == kind and d.status not in (DeadlineStatus.SUPERSEDED, DeadlineStatus.VOID)
        ]
        running = [d for d in rows if d.status in RUNNING]
        pick = (running or rows or [None])[-1]
        out.append(pick.due if pick is not None else None)
    running = sorted((d for d in deadlines if d.status in RUNNING), key=next_order)
    judged = [judge(calendar, as_of, d.status, d.due, d.due_at, d.breached, d.paused_at) for d in running]
    out.append(judged[0].working_days_left if judged else None)
    out.append(_yes(any(j.overdue for j in judged)))
    return out


def _with_deadlines(uow, rows, case_type: str, as_of: dt.date, branch: str | None) -> Iterator[tuple[Any, list]]:
    """(case, its deadline rows), the deadlines read for a batch of cases at a time through the
    read path of every reader (services/deadline_query.py `deadlines_of`). A past as-of day: the cases
    and their deadlines as they stood at its end (services/past.py), those registered later left
    out, the branch filter on the branch then."""
    from .deadline_query import deadlines_of
    from .past import past_of

    past = past_of(uow, as_of)
    batch: list[Any] = []

    def flush():
        cases = batch
        if past is not None:
            from types import SimpleNamespace

            was = past.rows(case_type, [{k: getattr(r, k) for k in type(r).model_fields} for r in batch])
            cases = [SimpleNamespace(**r) for r in was if not branch or r["branch"] == branch]
        by_case = deadlines_of(uow, case_type, [r.id for r in cases], past)
        for r in cases:
            yield r, by_case.get(r.id, [])

    for r in rows:
        batch.append(r)
        if len(batch) == BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def _complaint_rows(uow, rows, unmask: bool, as_of: dt.date, branch: str | None = None) -> Iterator[list[Any]]:
    kinds = (DeadlineKind.ACCEPTANCE, DeadlineKind.DECISION)
    for c, deadlines, (steps, last) in _with_steps(uow, _with_deadlines(uow, rows, "complaint", as_of, branch), as_of):
        yield [
            c.id, c.received_at, label(CHANNELS, c.channel), label(CATEGORIES, c.category),
            c.name if unmask else mask_name(c.name), c.phone if unmask else mask_phone(c.phone), label(RELATIONS, c.relation), c.policy_no, c.summary,
            c.branch, c.handler, sm.STATUS_ZH.get(sm.Status(c.status), c.status),
            "是" if c.materials_complete_at else "否", c.materials_complete_at,
            c.accepted_at or c.rejected_at or c.transferred_at,
            sm.REJECT_REASON_ZH.get(c.reject_reason, c.reject_reason) if c.reject_reason else "",
            c.transfer_to, c.merged_into, sm.EXTENSION_ZH.get(c.extension_level, "") if c.extension_level else "",
            c.decided_at, c.result, c.withdrawn_at, c.regulator_ref, c.regulator_due,
            label(DISPUTES, c.dispute), label(LINES, c.product_line),
            *_deadline_columns(deadlines, as_of, uow.calendar, kinds), *steps, *_major_cells(c, unmask),
            *last,
        ]  # fmt: skip


def _major_cells(c, unmask: bool) -> list[Any]:
    """The last columns of a complaint (io/columns.py 投诉人数 … 上报至): its group, whom it is about, major
    and its report to the emergency group (2020 rule Art. 12, 17, 29); the representatives masked as names are."""
    from ..domain.major import MAJOR_REASONS

    names = (
        c.representatives
        if unmask or not c.representatives
        else "、".join(map(mask_name, c.representatives.split("、")))
    )
    return [c.people, names, c.about, label(MAJOR_REASONS, c.major_reason), c.major_at, c.escalated_at, c.escalated_to]


def _callback_rows(uow, rows, unmask: bool, as_of: dt.date, branch: str | None = None) -> Iterator[list[Any]]:
    from .export_steps import with_callback_steps  # each attempt and reply (a round trip's data)

    for r, deadlines, steps in with_callback_steps(uow, _with_deadlines(uow, rows, "callback", as_of, branch), as_of):
        yield [
            r.id, label(cb.KINDS, r.kind), r.name if unmask else mask_name(r.name),
            r.phone if unmask else mask_phone(r.phone), r.policy_no,
            r.product, r.branch, r.handler, r.receipt_date, r.cooling_off_days, r.closed_date, r.complaint_id,
            r.due, label(cb.STATUSES, r.status), label(cb.METHODS, r.outcome_method) if r.outcome_method else "",
            r.outcome_reason, r.ended_at, r.created_at,
            # every running deadline of the callback: the visit and a problem's reply alike
            *_deadline_columns(deadlines, as_of, uow.calendar, ()), *steps,
        ]  # fmt: skip


def _counted(rows, progress: Callable[[int], None] | None):
    for i, row in enumerate(rows, start=1):
        if progress and i % 500 == 0:
            progress(i)
        yield row


def _csv_times(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """Datetimes as Excel reads them from a CSV file ("2026-10-09 09:30:00"), not ISO text."""
    for row in rows:
        yield [v.replace(microsecond=0).isoformat(sep=" ") if isinstance(v, dt.datetime) else v for v in row]


def _notes(what: str, as_of: dt.date, filters: dict[str, Any], unmask: bool | None, extra: list[str]) -> list:
    shown = [f"{k} {v}" for k, v in filters.items() if v not in (None, "")]
    notes = [
        ("内容", what),
        ("数据截至", f"{as_of.isoformat()}(剩余工作日、是否逾期按这一天计算)"),
        ("导出时间", clock.now().isoformat(sep=" ")),  # China time, as every other time in the file
        ("筛选条件", ";".join(shown) if shown else "无(全部)"),
    ]
    if unmask is not None:
        notes.append(
            (
                "个人信息",
                "含完整姓名和电话(--unmask 导出,已记入审计);请妥善保管,用后删除"
                if unmask
                else "姓名和电话已打码(如 王*明、138****5678);打码的文件不能导回,完整信息请加 --unmask",
            )
        )
    notes += [("说明", line) for line in extra]
    return notes


def _write(dest, columns: list[Column], rows, encoding: str, progress, title: str, notes: list, steps=()) -> int:
    """The rows to .xlsx (the last len(steps) columns, a round trip's step data, out of the
    printed area: the page stays readable) or CSV."""
    if is_xlsx(dest):
        from ..io.xlsxfile import write_xlsx_atomic

        printed = len(columns) - len(steps) if steps else None
        return write_xlsx_atomic(dest, title, columns, _counted(rows, progress), notes, printed=printed)
    from ..io.csvfile import write_csv_atomic

    return write_csv_atomic(dest, [c.header for c in columns], _counted(_csv_times(rows), progress), encoding)


def _export(
    db, dest, query, columns, steps, to_rows, unmask, encoding, progress, command, as_of, title, notes
) -> dict[str, Any]:
    """One export: the query's rows (`to_rows`) written to `dest`, an unmasked file recorded."""
    from ..io.files import check_target

    check_target(dest)
    with unit_of_work(db, write=False) as uow:
        rows = uow.session.exec(query.execution_options(yield_per=BATCH))
        n = _write(dest, columns, to_rows(uow, rows, unmask, as_of), encoding, progress, title, notes, steps)
    if unmask:
        from .privacy import record_unmask

        try:
            record_unmask(db, None, command, n, file=str(dest))
        except BaseException:  # an unmasked file nobody can account for is not left behind
            Path(dest).unlink(missing_ok=True)
            raise
    return {
        "file": str(dest),
        "format": "xlsx" if is_xlsx(dest) else "csv",
        "rows": n,
        "masked": not unmask,
        "encoding": None if is_xlsx(dest) else encoding,
        "as_of": as_of,
    }


def received_between(model, received: str, date_from, date_to, branch: str | None, as_of: dt.date):
    """The cases of `model` received (column `received`) in [date_from, date_to], of `branch` today
    (a past day: the branch then, `_with_deadlines`), in order of receipt."""
    check_span(date_from, date_to)
    at = getattr(model, received)
    q = select(model)
    if date_from is not None:
        q = q.where(at >= dt.datetime.combine(date_from, dt.time()))
    if date_to is not None:
        q = q.where(at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    if branch and as_of >= clock.today():
        q = q.where(model.branch == branch)
    return q.order_by(col(at), col(model.id))


def export_complaints(
    db: str | None,
    dest: str | Path,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    branch: str | None = None,
    unmask: bool = False,
    encoding: str = "utf-8-sig",
    progress: Callable[[int], None] | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Complaints received in [date_from, date_to], with their deadlines as of `as_of` (today)."""
    from ..store.complaint_models import Complaint

    as_of = as_of or clock.today()
    q = received_between(Complaint, "received_at", date_from, date_to, branch, as_of)
    notes = _notes(
        "投诉(按接收时间排序)",
        as_of,
        {"接收日期自": date_from, "接收日期至": date_to, "机构": branch},
        unmask,
        [
            "受理时限、处理时限: 进行中的(否则最近一次的)受理决定与处理决定期限",
            LEFT_NOTE,
            OVERDUE_NOTE,
            "本表可用 kefu import complaints 导回: 按 投诉编号、状态 和各步骤的时间重建每件投诉(编号、状态、步骤时间和期限"
            "与原库相同;各期限列不读取);已有的投诉不会重复登记",
        ],
    )
    return _export(
        db, dest, q, COMPLAINT_COLUMNS, COMPLAINT_STEPS, partial(_complaint_rows, branch=branch), unmask, encoding, progress, "export complaints", as_of, "投诉",
        notes,
    )  # fmt: skip


def export_callbacks(
    db: str | None,
    dest: str | Path,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    branch: str | None = None,
    unmask: bool = False,
    encoding: str = "utf-8-sig",
    progress: Callable[[int], None] | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Callbacks whose due date falls in [date_from, date_to] (the period `callback stats` uses)."""
    from ..store.callback_models import Callback

    check_span(date_from, date_to)
    as_of = as_of or clock.today()
    q = select(Callback)
    if date_from is not None:
        q = q.where(Callback.due >= date_from)
    if date_to is not None:
        q = q.where(Callback.due <= date_to)
    if branch and as_of >= clock.today():  # a past day: the branch then (`_with_deadlines`)
        q = q.where(Callback.branch == branch)
    q = q.order_by(col(Callback.due), col(Callback.id))
    notes = _notes(
        "回访(按回访期限排序)",
        as_of,
        {"回访期限自": date_from, "回访期限至": date_to, "机构": branch},
        unmask,
        [
            LEFT_NOTE,
            OVERDUE_NOTE,
            "本表可用 kefu import callbacks 导回: 按 回访编号、状态 和各次回访、答复、改约的时间重建每件回访(编号、状态、期限"
            "与原库相同);已有的回访不会重复安排",
        ],
    )
    return _export(
        db, dest, q, CALLBACK_COLUMNS, CALLBACK_STEPS, partial(_callback_rows, branch=branch), unmask, encoding, progress, "export callbacks", as_of, "回访",
        notes,
    )  # fmt: skip


def export_deadlines(
    db: str | None,
    dest: str | Path,
    *,
    as_of: dt.date | None = None,
    within: int | None = None,
    branch: str | None = None,
    handler: str | None = None,
    kind: str | None = None,
    encoding: str = "utf-8-sig",
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Every running deadline of every case as `kefu report deadlines` lists it on `as_of`."""
    from ..domain.deadlines import DEADLINE_KIND_ZH
    from ..domain.report import BUCKET_ZH, Bucket
    from ..io.files import check_target
    from .reports import deadline_report, parse_kind

    check_target(dest)
    today = clock.today()
    as_of = as_of or today
    with unit_of_work(db, write=False) as uow:
        report = deadline_report(
            uow, as_of, within=within, branch=branch, handler=handler, kind=parse_kind(kind), history=as_of < today
        )
    rows = (
        [
            i["case_id"], label(CASE_TYPES, i["case_type"]),
            DEADLINE_KIND_ZH.get(DeadlineKind(i["kind"]), i["kind"]) if i["kind"] in set(DeadlineKind) else i["kind"],
            i["due"], i["due_at"], BUCKET_ZH[Bucket(i["status"])], i["working_days_left"],
            _yes(i["status"] == Bucket.OVERDUE), _yes(i["provisional"]), i["branch"], i["handler"],
        ]
        for i in report["items"]
    )  # fmt: skip
    s = report["summary"]
    notes = _notes(
        "进行中的期限(按机构、经办人、到期日排序),与 kefu report deadlines 相同",
        as_of,
        {"机构": branch, "经办人": handler, "期限类型": kind, "即将到期(工作日)": report["within"]},
        None,
        [
            f"合计 {s['open']} 条: 逾期 {s['overdue']},今日到期 {s['due_today']},即将到期 {s['due_soon']},"
            f"暂停 {s['paused']};临时日历 {s['provisional']}",
            LEFT_NOTE,
            "是否逾期: 状态为已逾期(到期日已过仍未完成;按小时计的期限当天到期的为今日到期,暂停的不算)",
            "临时日历: 到期日依赖尚未公布的节假日安排,公布后可能变动",
            f"审计链头: #{report['chain_head']['event_id']} {report['chain_head']['hash']}",
        ],
    )
    n = _write(dest, DEADLINE_COLUMNS, rows, encoding, progress, "期限", notes)
    return {
        "file": str(dest),
        "format": "xlsx" if is_xlsx(dest) else "csv",
        "rows": n,
        "masked": True,
        "encoding": None if is_xlsx(dest) else encoding,
        "as_of": as_of,
        "summary": s,
    }


__all__ = [
    "CALLBACK_HEADERS",
    "COMPLAINT_HEADERS",
    "DEADLINE_HEADERS",
    "TEXT",
    "export_callbacks",
    "export_complaints",
    "export_deadlines",
]
