"""Calendar use cases: look-ups, loading a year's holiday notice, coverage.

Look-ups (`calendar_of`) must be fast: the database stack is imported only when the plain
sqlite3 read cannot be used (store/quick.py), so this module imports it where it is used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.calendar import MAX_DATE, MIN_DATE, WorkCalendar, YearStatus
from ..domain.timeutil import InputError, parse_date
from .sources import CALENDAR_QUERIES, calendar_from_rows

if TYPE_CHECKING:
    from .context import UnitOfWork

REST_WORDS = {"休", "休息", "假", "放假", "holiday", "rest", "off"}
WORK_WORDS = {"班", "上班", "工作", "补班", "workday", "work"}
HEADER_ALIASES = {"日期": "date", "类型": "kind", "名称": "name", "节日": "name", "说明": "name"}


@dataclass(frozen=True, slots=True)
class NoticeDay:
    line: int
    date: dt.date
    workday: bool
    name: str


def calendar_of(db: str | None) -> WorkCalendar:
    """The calendar of database `db`, for look-ups: the official data with the administrator's
    days and complete years on top (the same as `UnitOfWork.calendar`). Read with plain sqlite3
    when the database allows it (store/quick.py), else through a read-only unit of work."""
    from ..store import quick

    rows = quick.read(db, CALENDAR_QUERIES)
    if rows is not None:
        return calendar_from_rows(*rows)
    from .context import unit_of_work

    with unit_of_work(db, write=False) as uow:
        return uow.calendar


def parse_notice(path: str | Path) -> list[NoticeDay]:
    """The rows of a notice file (date, 休/班 or holiday/workday, name); any bad row rejects the file."""
    from ..io.csvfile import read_rows

    _, rows = read_rows(path, fieldnames=["date", "kind", "name"], aliases=HEADER_ALIASES)
    if not rows:
        raise InputError(f"文件 {path} 没有数据行。每行应为: 日期,休/班,名称,例如 2027-02-06,休,春节")
    days: list[NoticeDay] = []
    seen: dict[dt.date, int] = {}
    for r in rows:
        date = parse_date(r.values.get("date", ""), f"第 {r.line} 行的日期")
        if not MIN_DATE <= date <= MAX_DATE:
            raise InputError(
                f"第 {r.line} 行的日期 {date} 超出日历范围 {MIN_DATE} 至 {MAX_DATE}: 请检查年份,例如 2027-02-06,休,春节"
            )
        word = r.values.get("kind", "").strip().lower()
        if word in REST_WORDS:
            workday = False
        elif word in WORK_WORDS:
            workday = True
        else:
            raise InputError(
                f"第 {r.line} 行的类型 '{r.values.get('kind', '')}' 无法识别: 应为 休 或 班"
                f"(也可写 holiday 或 workday),例如 2027-02-06,休,春节"
            )
        if date in seen:
            raise InputError(f"第 {r.line} 行的日期 {date} 与第 {seen[date]} 行重复: 每个日期只能出现一次")
        seen[date] = r.line
        days.append(NoticeDay(r.line, date, workday, r.values.get("name", "").strip()[:60]))
    return days


def import_notice(uow: UnitOfWork, path: str | Path, complete_year: bool = False) -> dict:
    """Load a notice file in one transaction: its days become overrides, and open deadlines
    that reach into its years are recomputed (each change audited).

    Without `complete_year` the file is partial (e.g. only the Spring Festival of 2027): only
    the listed days become known, every other day of those years stays provisional. With
    `complete_year` the file is the whole notice of each year it touches: a `CalendarNotice`
    row marks the year complete, so its unlisted days follow Monday–Friday for certain.
    A partial import into a year already complete corrects days and leaves it complete.
    """
    from ..store.admin_models import CalendarNotice, CalendarOverride
    from .deadlines import recompute_open

    days = parse_notice(path)
    before_cal = uow.calendar
    years = sorted({d.date.year for d in days})
    source = Path(path).name
    for d in days:
        row = uow.session.get(CalendarOverride, d.date)
        before = None if row is None else {"workday": row.workday, "name": row.name}
        if row is None:
            row = CalendarOverride(
                day=d.date, workday=d.workday, name=d.name, source=source, loaded_at=uow.at, loaded_by=uow.clerk
            )
        else:
            row.workday, row.name, row.source = d.workday, d.name, source
            row.loaded_at, row.loaded_by = uow.at, uow.clerk
        uow.session.add(row)
        uow.audit(
            "calendar",
            d.date.isoformat(),
            "override",
            before=before,
            after={"workday": d.workday, "name": d.name},
            source=source,
        )
    counts = {y: sum(1 for d in days if d.date.year == y) for y in years}
    if complete_year:
        for y in years:
            notice = uow.session.get(CalendarNotice, y)
            if notice is None:
                notice = CalendarNotice(year=y, source=source, days=counts[y], loaded_at=uow.at, loaded_by=uow.clerk)
            else:
                notice.source, notice.days = source, counts[y]
                notice.loaded_at, notice.loaded_by = uow.at, uow.clerk
            uow.session.add(notice)
    uow.session.flush()
    # The calendar is rebuilt from the rows just written, then open deadlines follow it.
    uow.__dict__.pop("calendar", None)
    after_cal = uow.calendar
    for y in years:
        uow.audit(
            "calendar",
            str(y),
            "load_notice" if complete_year else "load_partial",
            source=source,
            days=counts[y],
            complete=complete_year,
            official_before=not before_cal.is_provisional_year(y),
            status_before=str(before_cal.year_status(y)),
            status_after=str(after_cal.year_status(y)),
            provisional_days=after_cal.provisional_days(y),
        )
    changed = recompute_open(uow, years)
    return {
        "file": str(path),
        "years": years,
        "days": len(days),
        "holidays": sum(1 for d in days if not d.workday),
        "workdays": sum(1 for d in days if d.workday),
        "complete_year": complete_year,
        "year_status": [_year_entry(after_cal, y) for y in years],
        "recomputed": [
            {
                "case_type": r.case_type,
                "case_id": r.case_id,
                "kind": r.kind,
                "due_before": old.isoformat(),
                "due": r.due.isoformat(),
                "provisional": r.provisional,
            }
            for r, old in changed
        ],
    }


def _year_entry(cal: WorkCalendar, year: int) -> dict:
    status = cal.year_status(year)
    return {
        "year": year,
        "status": str(status),
        "override_days": cal.override_days(year),
        "provisional_days": cal.provisional_days(year),
    }


def coverage(uow: UnitOfWork, calendar: WorkCalendar | None = None) -> list[dict]:
    """One row per year: `source` (official | override | provisional, as before) and, added,
    `status` (official | complete | partial | provisional), `provisional` (whether any day of
    the year is) and `provisional_days`. loaded_at/loaded_by/file come from the complete
    notice, else from the latest overridden day of that year."""
    from sqlmodel import select

    from ..store.admin_models import CalendarNotice, CalendarOverride

    cal = calendar or uow.calendar
    notices = {n.year: n for n in uow.session.exec(select(CalendarNotice)).all()}
    latest: dict[int, CalendarOverride] = {}
    for o in uow.session.exec(select(CalendarOverride)).all():
        cur = latest.get(o.day.year)
        if cur is None or (o.loaded_at, o.day) > (cur.loaded_at, cur.day):
            latest[o.day.year] = o
    first = min(cal.official_years)
    today_year = uow.at.year
    last = max([today_year + 1, *cal.official_years, *notices, *latest])
    out = []
    for year, src, n in cal.coverage(range(first, last + 1)):
        loaded = notices.get(year) or latest.get(year)
        status = cal.year_status(year)
        out.append(
            {
                "year": year,
                "source": str(src),
                "override_days": n,
                "loaded_at": loaded.loaded_at if loaded else None,
                "loaded_by": loaded.loaded_by if loaded else None,
                "file": loaded.source if loaded else None,
                "status": str(status),
                "provisional": status is YearStatus.PARTIAL or status is YearStatus.PROVISIONAL,
                "provisional_days": cal.provisional_days(year),
            }
        )
    return out
