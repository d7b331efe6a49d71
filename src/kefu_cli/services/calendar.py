"""Calendar use cases: look-ups, loading a year's holiday notice, coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from ..domain.calendar import MAX_DATE, MIN_DATE, WorkCalendar
from ..domain.timeutil import InputError, parse_date
from ..io.csvfile import read_rows
from ..store.models import CalendarNotice, CalendarOverride
from .context import UnitOfWork
from .deadlines import recompute_open

REST_WORDS = {"休", "休息", "假", "放假", "holiday", "rest", "off"}
WORK_WORDS = {"班", "上班", "工作", "补班", "workday", "work"}
HEADER_ALIASES = {"日期": "date", "类型": "kind", "名称": "name", "节日": "name", "说明": "name"}


@dataclass(frozen=True, slots=True)
class NoticeDay:
    line: int
    date: dt.date
    workday: bool
    name: str


def parse_notice(path: str | Path) -> list[NoticeDay]:
    """The rows of a notice file (date, 休/班 or holiday/workday, name); any bad row rejects the file."""
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


def import_notice(uow: UnitOfWork, path: str | Path) -> dict:
    """Load a notice: its days become overrides, its years stop being provisional, and
    open deadlines that reach into those years are recomputed — all in one transaction."""
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
    for y in years:
        count = sum(1 for d in days if d.date.year == y)
        notice = uow.session.get(CalendarNotice, y)
        if notice is None:
            notice = CalendarNotice(year=y, source=source, days=count, loaded_at=uow.at, loaded_by=uow.clerk)
        else:
            notice.source, notice.days, notice.loaded_at, notice.loaded_by = source, count, uow.at, uow.clerk
        uow.session.add(notice)
        uow.audit(
            "calendar",
            str(y),
            "load_notice",
            source=source,
            days=count,
            official_before=not before_cal.is_provisional_year(y),
        )
    uow.session.flush()
    # The calendar is rebuilt from the rows just written, then open deadlines follow it.
    uow.__dict__.pop("calendar", None)
    changed = recompute_open(uow, years)
    return {
        "file": str(path),
        "years": years,
        "days": len(days),
        "holidays": sum(1 for d in days if not d.workday),
        "workdays": sum(1 for d in days if d.workday),
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


def coverage(uow: UnitOfWork, calendar: WorkCalendar | None = None) -> list[dict]:
    cal = calendar or uow.calendar
    notices = {n.year: n for n in uow.session.exec(select(CalendarNotice)).all()}
    first = min(cal.official_years)
    today_year = uow.at.year
    last = max([today_year + 1, *cal.official_years, *notices])
    out = []
    for year, src, n in cal.coverage(range(first, last + 1)):
        notice = notices.get(year)
        out.append(
            {
                "year": year,
                "source": str(src),
                "override_days": n,
                "loaded_at": notice.loaded_at if notice else None,
                "loaded_by": notice.loaded_by if notice else None,
                "file": notice.source if notice else None,
            }
        )
    return out
