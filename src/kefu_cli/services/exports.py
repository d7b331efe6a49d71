"""CSV exports of complaints and callbacks, for Excel on Chinese Windows.

Rows are streamed from the database into a temp file that is renamed at the end, so a
million-row export neither holds everything in memory nor leaves half a file. Names and
phones are masked as in every other output unless `unmask=True`, which is audited
(services/privacy.py); the file is 0600 on POSIX and no cell can start a spreadsheet formula
(io/csvfile.py). The headers are the Chinese ones the import understands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from ..domain import callback as cb
from ..domain import complaint as sm
from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, label
from ..io.csvfile import write_csv_atomic
from ..render.output import mask_name, mask_phone
from .context import unit_of_work

COMPLAINT_HEADERS = [
    "投诉编号", "受理时间", "受理方式", "投诉类别", "投诉人", "联系电话", "与消费者关系", "保单号", "投诉内容",
    "机构", "经办人", "状态", "材料齐全", "材料齐全时间", "受理决定时间", "不予受理原因", "转办至", "并入投诉",
    "延期", "处理决定时间", "处理结果", "撤回时间", "监管转办编号", "监管报告期限",
]  # fmt: skip
CALLBACK_HEADERS = [
    "回访编号", "回访类型", "客户", "联系电话", "保单号", "险种", "机构", "经办人", "回执签收日期", "犹豫期天数",
    "结案日期", "关联投诉", "回访期限", "状态", "结束方式", "结束原因", "结束时间", "登记时间",
]  # fmt: skip

BATCH = 2000


def _complaint_rows(rows, unmask: bool) -> Iterator[list[Any]]:
    for c in rows:
        yield [
            c.id, c.received_at, label(CHANNELS, c.channel), label(CATEGORIES, c.category),
            c.name if unmask else mask_name(c.name), c.phone if unmask else mask_phone(c.phone), label(RELATIONS, c.relation), c.policy_no, c.summary,
            c.branch, c.handler, sm.STATUS_ZH.get(sm.Status(c.status), c.status),
            "是" if c.materials_complete_at else "否", c.materials_complete_at,
            c.accepted_at or c.rejected_at or c.transferred_at,
            sm.REJECT_REASON_ZH.get(c.reject_reason, c.reject_reason) if c.reject_reason else "",
            c.transfer_to, c.merged_into, sm.EXTENSION_ZH.get(c.extension_level, "") if c.extension_level else "",
            c.decided_at, c.result, c.withdrawn_at, c.regulator_ref, c.regulator_due,
        ]  # fmt: skip


def _callback_rows(rows, unmask: bool) -> Iterator[list[Any]]:
    for r in rows:
        yield [
            r.id, label(cb.KINDS, r.kind), r.name if unmask else mask_name(r.name),
            r.phone if unmask else mask_phone(r.phone), r.policy_no,
            r.product, r.branch, r.handler, r.receipt_date, r.cooling_off_days, r.closed_date, r.complaint_id,
            r.due, label(cb.STATUSES, r.status), label(cb.METHODS, r.outcome_method) if r.outcome_method else "",
            r.outcome_reason, r.ended_at, r.created_at,
        ]  # fmt: skip


def _counted(rows, progress: Callable[[int], None] | None):
    for i, row in enumerate(rows, start=1):
        if progress and i % 500 == 0:
            progress(i)
        yield row


def _export(db, dest, query, headers, to_rows, unmask, encoding, progress, command) -> dict[str, Any]:
    with unit_of_work(db, write=False) as uow:
        rows = uow.session.exec(query.execution_options(yield_per=BATCH))
        n = write_csv_atomic(dest, headers, _counted(to_rows(rows, unmask), progress), encoding)
    if unmask:
        from .privacy import record_unmask

        try:
            record_unmask(db, None, command, n, file=str(dest))
        except BaseException:  # an unmasked file nobody can account for is not left behind
            Path(dest).unlink(missing_ok=True)
            raise
    return {"file": str(dest), "rows": n, "masked": not unmask, "encoding": encoding}


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
) -> dict[str, Any]:
    """Complaints received in [date_from, date_to]."""
    from ..store.complaint_models import Complaint

    q = select(Complaint)
    if date_from is not None:
        q = q.where(Complaint.received_at >= dt.datetime.combine(date_from, dt.time()))
    if date_to is not None:
        q = q.where(Complaint.received_at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    if branch:
        q = q.where(Complaint.branch == branch)
    q = q.order_by(col(Complaint.received_at), col(Complaint.id))
    return _export(db, dest, q, COMPLAINT_HEADERS, _complaint_rows, unmask, encoding, progress, "export complaints")


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
) -> dict[str, Any]:
    """Callbacks whose due date falls in [date_from, date_to] (the period `callback stats` uses)."""
    from ..store.callback_models import Callback

    q = select(Callback)
    if date_from is not None:
        q = q.where(Callback.due >= date_from)
    if date_to is not None:
        q = q.where(Callback.due <= date_to)
    if branch:
        q = q.where(Callback.branch == branch)
    q = q.order_by(col(Callback.due), col(Callback.id))
    return _export(db, dest, q, CALLBACK_HEADERS, _callback_rows, unmask, encoding, progress, "export callbacks")
