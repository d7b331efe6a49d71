"""`kefu report annual`: the yearly disclosure of complaint figures (2020 rule Art. 26: 通过年报等
方式披露), for the complaints received in one calendar year, China time.

Every figure comes from a reader that already exists, so the yearly report agrees with the others:
- the breakdowns (category, source = the channel it came by, branch) and the rejections by reason
  are `report stats` for 1 January – 31 December (services/stats.py `stats_report`); the dispute
  types and product lines are the regulator's coding (domain/regulator.py, as `report regulator`
  counts a quarter), every code listed, 未分类 for a complaint not coded;
- the on-time figures of the acceptance and decision periods are the deadline rows of the year's
  complaints, judged on the as-of day by the one verdict (services/deadline_query.py
  `case_on_time_counts`, the CASE of `on_time_counts`): met on time, met late, still open and
  overdue, not applicable (closed because the period no longer applied: a rejection, a withdrawal),
  and pending (open, not yet due);
- withdrawals are the year's complaints withdrawn (at any stage), reviews (核查, Art. 20) those
  asked / decided in the year by the complaint's review columns.

`annual_tables` lays the report out as the tables every output shows (terminal, .xlsx sheet by
sheet, .docx); `write_annual` writes the file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import regulator as rg
from ..domain.codes import label
from ..domain.deadlines import DEADLINE_KIND_ZH, DeadlineKind
from ..domain.report import on_time, percent
from ..domain.timeutil import InputError
from .deadline_query import NOT_APPLICABLE, case_on_time_counts, case_verdicts, end_of, start_of_day, states_at
from .report_source import QuickSource, sql_rows
from .stats import _period_where, stats_report
from .stats_then import as_they_stood, complaints_then

if TYPE_CHECKING:
    from .context import UnitOfWork

PERIOD_KINDS = (DeadlineKind.ACCEPTANCE.value, DeadlineKind.DECISION.value)
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the dates kefu accepts (domain/timeutil.py)


def title_of(year: int) -> str:
    return f"{year}年度消费投诉情况"


def check_year(year: int | None) -> int:
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        shown = "" if year is None else f" {year} "
        raise InputError(
            f"--year 年度{shown}无效: 应为 {FIRST_YEAR} 到 {LAST_YEAR} 之间的年份,例如 kefu report annual --year 2026"
        )
    return year


def annual_report(src: QuickSource | UnitOfWork, year: int, as_of: dt.date, history: bool = False) -> dict[str, Any]:
    """The yearly report of the complaints received in `year` (China time, 1 January 00:00 up to
    1 January of the next year), periods judged on `as_of`. `history=True` (as_of before today):
    as the records stood at the end of `as_of`, as `report stats` reads a past day (complaints
    registered later absent, steps taken later not yet taken, deadlines the fold of their events).

    Keys: year, title, from, to, as_of, history; complaints {total, by_category, by_source,
    by_branch, by_dispute_type, by_product_line [{code, label, count}]}; on_time [{kind, on_time,
    late, overdue, not_applicable, pending, rate}] for acceptance and decision; reviews {asked,
    decided, upheld, changed, open}; withdrawn; rejected {total, by_reason [{reason, count}]}."""
    first, last = dt.date(check_year(year), 1, 1), dt.date(year, 12, 31)
    until = end_of(as_of) if history else None
    stats = stats_report(src, first, last, as_of, history=history)
    cp = stats["complaints"]
    where, params = _period_where(first, last, None, until, "complaint" if until is not None else None)

    coded_sql = f"SELECT dispute, product_line, count(*) FROM complaint WHERE {where} GROUP BY 1, 2"
    coded = [(d, ln, int(n)) for d, ln, n in sql_rows(src, coded_sql, params)]
    if until is None:
        counts = case_on_time_counts(src, "complaint", (f"SELECT id FROM complaint WHERE {where}", params),
                                     PERIOD_KINDS, as_of)  # fmt: skip
        withdrawn = _count(src, f"SELECT count(*) FROM complaint WHERE {where} AND withdrawn_at IS NOT NULL", params)
        alive = "voided_at IS NULL"
    else:  # the complaints changed after the day (corrected, stepped back) as they stood: stats_then
        then = complaints_then(src, first, last, None, until)
        ids = {r[0] for r in sql_rows(src, f"SELECT id FROM complaint WHERE {where}", params)}
        ids |= {c["id"] for c in then}
        changed = {c["id"] for c in then}  # their coding as it stood then (services/stats_then.py)
        coded += [(c["dispute"], c["product_line"], 1)
                  for c in as_they_stood(src, "complaint", "complaint", "dispute, product_line", until)
                  if c["id"] in changed]  # fmt: skip
        counts = case_verdicts(states_at(src, until), "complaint", ids, PERIOD_KINDS, as_of)
        withdrawn = _count(src, f"SELECT count(*) FROM complaint WHERE {where} AND withdrawn_at < :until", params)
        withdrawn += sum(1 for c in then if c["withdrawn_at"] is not None)
        alive = "registered_at < :until AND (voided_at IS NULL OR voided_at >= :until)"
    periods = []
    for kind in PERIOD_KINDS:
        c = counts[kind]
        periods.append({"kind": kind, **on_time(c).as_dict(), "not_applicable": c.get(NOT_APPLICABLE, 0)})

    # reviews (核查) asked and decided in the year, by the complaint's review columns
    def in_year(column: str) -> str:
        done = f" AND {column} < :until" if until is not None else ""
        return f"{column} >= :y_from AND {column} < :y_to{done}"

    asked, decided = in_year("review_received_at"), in_year("review_decided_at")
    undecided = "(review_decided_at IS NULL" + (" OR review_decided_at >= :until)" if until is not None else ")")
    review_sql = (
        f"SELECT sum(CASE WHEN {asked} THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {decided} THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {decided} AND review_result = :upheld THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {decided} AND review_result = :changed THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {asked} AND {undecided} THEN 1 ELSE 0 END)"
        f" FROM complaint WHERE {alive} AND review_received_at IS NOT NULL"
    )
    binds = {"y_from": start_of_day(first), "y_to": end_of(last), "upheld": "upheld", "changed": "changed"}
    binds |= {"until": until} if until is not None else {}
    row = (sql_rows(src, review_sql, binds) or [(0,) * 5])[0]
    reviews = dict(zip(("asked", "decided", "upheld", "changed", "open"), (int(n or 0) for n in row), strict=True))

    return {
        "year": year,
        "title": title_of(year),
        "from": first,
        "to": last,
        "as_of": as_of,
        "history": history,
        "complaints": {
            "total": cp["total"],
            "major": cp["major"]["count"],  # major complaints (Art. 29), as report stats counts them
            "by_category": cp["by_category"],
            "by_source": cp["by_channel"],
            "by_branch": cp["by_branch"],
            # the regulator's coding (domain/regulator.py): every code, zeros too, uncoded as 未分类
            "by_dispute_type": _coded(rg.DISPUTES, _sum(coded, 0)),
            "by_product_line": _coded(rg.LINES, _sum(coded, 1)),
        },
        "on_time": periods,
        "reviews": reviews,
        "withdrawn": withdrawn,
        "rejected": {
            "total": cp["outcomes"]["rejected"],
            "by_reason": [{"reason": r["reason"], "count": r["count"]} for r in cp["rejected_by_reason"]],
        },
    }


def _sum(rows: list[tuple], column: int) -> Counter:
    out: Counter = Counter()
    for row in rows:
        out[row[column] or rg.UNCODED] += row[2]
    return out


def _coded(table, counts: Counter) -> list[dict]:
    """[{code, label, count}] for every code of `table` in its order (zeros included), any other
    code stored, then 未分类 (not coded)."""
    codes = [*table, *sorted(c for c in counts if c not in table and c != rg.UNCODED), rg.UNCODED]
    return [
        {"code": c, "label": rg.UNCODED_ZH if c == rg.UNCODED else label(table, c), "count": counts.get(c, 0)}
        for c in codes
    ]


def _count(src, sql: str, params: dict) -> int:
    rows = sql_rows(src, sql, params)
    return int(rows[0][0] or 0) if rows else 0


# --- the tables every output shows ----------------------------------------------------------

COUNT_HEADERS = ("项目", "件数", "占比(%)")
PERIOD_HEADERS = ("期限", "按时完成", "超时完成", "逾期未完成", "不适用", "未到期", "按时率(%)")
REVIEW_ROWS = (("asked", "收到核查申请"), ("decided", "作出核查决定"), ("upheld", "维持原处理决定"),
               ("changed", "变更原处理决定"), ("open", "尚未作出核查决定"))  # fmt: skip


def _count_rows(rows: list[dict], total: int, name) -> list[list]:
    return [[name(r) or "(未填)", r["count"], percent(r["count"], total)] for r in rows]


def annual_tables(report: dict) -> list[tuple[str, tuple[str, ...], list[list]]]:
    """(title, headers, rows) of each breakdown, numbers as numbers (a share or rate in %, 2
    decimals, None when there is nothing to divide by): the terminal's tables, the workbook's
    sheets (one per table) and the document's tables."""
    from ..domain.complaint import REJECT_REASONS

    cp = report["complaints"]
    total = cp["total"]
    tables = [
        ("按投诉类别", COUNT_HEADERS, _count_rows(cp["by_category"], total, lambda r: r["label"])),
        ("按投诉来源(受理方式)", COUNT_HEADERS, _count_rows(cp["by_source"], total, lambda r: r["label"])),
        ("按机构", COUNT_HEADERS, _count_rows(cp["by_branch"], total, lambda r: r["branch"])),
    ]
    for key, title in (("by_dispute_type", "按纠纷类型"), ("by_product_line", "按险种")):  # the regulator's coding
        tables.append((title, COUNT_HEADERS, _count_rows(cp[key], total, lambda r: r["label"])))
    periods = [
        [DEADLINE_KIND_ZH[DeadlineKind(p["kind"])], p["on_time"], p["late"], p["overdue"], p["not_applicable"],
         p["pending"], p["rate"]]
        for p in report["on_time"]
    ]  # fmt: skip
    tables.append(("受理与处理决定按时情况", PERIOD_HEADERS, periods))
    tables.append(("核查(复核)", ("项目", "件数"), [[name, report["reviews"][k]] for k, name in REVIEW_ROWS]))
    rejected = report["rejected"]
    ended = [["撤回", report["withdrawn"]], ["不予受理", rejected["total"]]]
    ended += [["  不予受理: " + label(REJECT_REASONS, r["reason"]), r["count"]] for r in rejected["by_reason"]]
    tables.append(("撤回与不予受理", ("项目", "件数"), ended))
    return tables


def summary_lines(report: dict) -> list[str]:
    """The sentences above the tables: what was counted, as of when."""
    return [
        f"统计范围: {report['from']} 至 {report['to']} 收到的投诉(中国标准时间),共 {report['complaints']['total']} 件"
        f"(其中重大投诉 {report['complaints']['major']} 件)。",
        f"按 {report['as_of']} 日终的记录统计"
        + ("(按当日结束时的记录还原)" if report["history"] else "")
        + ";期限按当日判断是否按时;核查(复核)按申请收到日和决定日计入年度。",
    ]


# --- files ------------------------------------------------------------------------------------


def check_output(path: str) -> str:
    """The kind of file `-o` names: xlsx, docx, json, csv or txt; a legacy Office name is one sentence."""
    suffix = Path(path).suffix.lower()
    if suffix in (".xls", ".doc"):
        raise InputError(f"不支持旧版 Office 格式({suffix}): 请写成 -o 年报.xlsx 或 -o 年报.docx")
    if suffix in (".odt", ".rtf", ".pdf"):  # never a text file under a document's name
        raise InputError(f"不能写出 {suffix} 格式: 请写成 -o 年报.docx(Word、WPS、LibreOffice 都能打开)或 -o 年报.xlsx")
    from ..io.xlsxfile import is_xlsx

    is_xlsx(path)  # .ods, .xlsm…: refused the same way as every export
    return {".xlsx": "xlsx", ".docx": "docx", ".json": "json", ".csv": "csv"}.get(suffix, "txt")


def write_annual(report: dict, path: str) -> Path:
    """The report as an Excel workbook (one sheet per table, a 说明 sheet) or a Word document,
    by the name's suffix, written atomically."""
    from ..io import reportbook

    tables = annual_tables(report)
    if check_output(path) == "xlsx":
        notes = [("报表", report["title"]), *(("说明", line) for line in summary_lines(report))]
        return reportbook.write_tables_xlsx(path, tables, notes)
    return reportbook.write_tables_docx(path, report["title"], summary_lines(report), tables)
