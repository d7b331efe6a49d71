"""`kefu today`: one handler's overdue, due today and due soon deadlines across every case type,
each with the command that meets it.

Read through the one read path of the deadline report (services/reports.py `deadline_report`:
services/deadline_query.py rows judged by `domain.report.judge`), so an item reads here exactly
as in `report deadlines --handler`; the command comes from the one table deadline kind -> step
(domain/next_step.py `CLOSES`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..domain.next_step import closing_command
from ..domain.report import Bucket

if TYPE_CHECKING:
    from .context import UnitOfWork
    from .report_source import QuickSource

# the buckets `today` lists, in the order it lists them
TODAY_BUCKETS = (Bucket.OVERDUE, Bucket.DUE_TODAY, Bucket.DUE_SOON)


def today(
    src: QuickSource | UnitOfWork, as_of: dt.date, handler: str, *, history: bool, within: int | None = None
) -> dict:
    """The to-do list of `handler` on `as_of`.

    Keys: as_of, history, handler, within, summary {overdue, due_today, due_soon}, items
    [the deadline report's item keys (case_id, case_type, kind, due, due_at, status,
    working_days_left, provisional, breached, branch, handler) and command], the most urgent
    first (overdue, due today, due soon; then by due moment).
    """
    from .reports import deadline_report

    report = deadline_report(src, as_of, within, handler=handler, history=history)
    order = {b.value: n for n, b in enumerate(TODAY_BUCKETS)}
    items = [dict(i) for i in report["items"] if i["status"] in order]
    for i in items:
        i["command"] = closing_command(i["kind"], i["case_id"])
    items.sort(key=lambda i: (order[i["status"]], str(i["due"]), str(i["due_at"]), i["case_id"], i["kind"]))
    s = report["summary"]
    return {
        "as_of": as_of,
        "history": history,
        "handler": handler,
        "within": report["within"],
        "summary": {b.value: s[b.value] for b in TODAY_BUCKETS},
        "items": items,
    }
