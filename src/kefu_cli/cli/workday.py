"""`kefu workday …`: the working-day calendar."""

from __future__ import annotations

from typing import Annotated

import typer

from ..domain.timeutil import InputError
from .common import AtOpt, ClerkOpt, DryRunOpt, JsonOpt, at_value, date_value, state

app = typer.Typer(help="工作日日历: 推算期限、查询日期、导入节假日安排。", no_args_is_help=True)

WEEKDAY_ZH = "一二三四五六日"


def _weekday(d) -> str:
    return "星期" + WEEKDAY_ZH[d.weekday()]


PROVISIONAL_NOTE = (
    "注意: 结果涉及国务院尚未公布(或未导入)节假日安排的日期,按“周一至周五上班”临时推算,"
    "请在公布后用 `kefu workday import 文件 --complete-year` 导入该年完整安排,系统会自动重算。"
)


def _workdays_n(text: str) -> int:
    """N as typed: a whole number ≥ 0 (parsed here so a mistake gets one Chinese sentence)."""
    try:
        n = int(text.strip())
    except ValueError:
        raise InputError(f"工作日天数 N 应为整数(收到 '{text}'),例如 10") from None
    if n < 0:
        raise InputError(f"工作日天数 N 不能为负数(收到 {n}),例如 10")
    return n


def _calendar():
    from ..services.calendar import calendar_of

    return calendar_of(state.db)


@app.command("add", context_settings={"ignore_unknown_options": True})
def add(
    date: Annotated[str, typer.Argument(metavar="起算日", help="例如 2026-09-18(当天不计入)")],
    n_text: Annotated[str, typer.Argument(metavar="N", help="工作日天数(非负整数),例如 10")],
    json: JsonOpt = False,
) -> None:
    """起算日之后第 N 个工作日(期限届满日)。"""
    start = date_value(date, "起算日")
    n = _workdays_n(n_text)
    ans = _calendar().add_workdays(start, n)
    if json:
        from ..render.output import print_json

        print_json({"start": start, "n": n, "due": ans.date, "provisional": ans.provisional})
        return
    from ..render.output import message, print_lines

    print_lines(
        [f"{start} 之后第 {n} 个工作日: {ans.date}({_weekday(ans.date)})" + ("  [临时]" if ans.provisional else "")]
    )
    if ans.provisional:
        message(PROVISIONAL_NOTE, style="yellow")


@app.command("count")
def count(
    start: Annotated[str, typer.Argument(metavar="开始日", help="不计入,例如 2026-09-30")],
    end: Annotated[str, typer.Argument(metavar="结束日", help="计入,例如 2026-10-12")],
    json: JsonOpt = False,
) -> None:
    """开始日之后至结束日(含)的工作日天数: (开始日, 结束日]。"""
    s, e = date_value(start, "开始日"), date_value(end, "结束日")
    cal = _calendar()
    n = cal.count_workdays(s, e)
    provisional = cal.touches_provisional(s, e)
    if json:
        from ..render.output import print_json

        print_json({"start": s, "end": e, "working_days": n, "provisional": provisional})
        return
    from ..render.output import message, print_lines

    if e < s:  # (END, START] counted backwards: say so rather than print a negative count
        line = f"结束日 {e} 早于开始日 {s}: {e} 之后至 {s}(含)共有 {-n} 个工作日,按倒数记为 {n}"
    else:
        line = f"{s} 之后至 {e}(含)共有 {n} 个工作日"
    print_lines([line + ("  [临时]" if provisional else "")])
    if provisional:
        message(PROVISIONAL_NOTE, style="yellow")


@app.command("check")
def check(
    date: Annotated[str, typer.Argument(metavar="日期", help="例如 2026-10-10")],
    json: JsonOpt = False,
) -> None:
    """某一天是否为工作日,属于哪类日子。"""
    from ..domain.calendar import DAY_KIND_ZH, SOURCE_ZH, Source, YearStatus

    d = date_value(date, "查询日")
    cal = _calendar()
    info = cal.day(d)
    if json:
        from ..render.output import print_json

        print_json(
            {
                "date": d,
                "workday": info.workday,
                "kind": str(info.kind),
                "name": info.name or None,
                "source": str(info.source),
            }
        )
        return
    from ..render.output import print_lines

    name = f"({info.name})" if info.name else ""
    headline, kind_zh = ("工作日" if info.workday else "休息日"), DAY_KIND_ZH[info.kind]
    partial = ""
    if info.source == Source.PROVISIONAL and cal.year_status(d.year) == YearStatus.PARTIAL:
        partial = f"; {d.year} 年只导入了部分日期,这一天不在其中"
    print_lines(
        [
            f"{d} {_weekday(d)}: {headline}{'' if kind_zh == headline else ' — ' + kind_zh}{name}"
            f",数据来源: {SOURCE_ZH[info.source]}{partial}"
        ]
    )


@app.command("import")
def import_(
    file: Annotated[str, typer.Argument(help="CSV 文件: 日期,休/班,名称(UTF-8 或 GB18030)")],
    complete_year: Annotated[
        bool,
        typer.Option(
            "--complete-year",
            help="文件是所涉年份的完整国务院安排: 未列出的日期按周一至周五确定,该年不再是临时",
        ),
    ] = False,
    dry_run: DryRunOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """导入国务院节假日安排(或更正个别日期),并重算受影响的未完成期限。

    文件每行: 日期,类型,名称。类型写 休(放假)或 班(调休上班),也可写 holiday / workday。
    只要有一行有误,整个文件都不导入,并指出是哪一行。

    默认为部分导入: 只确定文件列出的日期,同一年其余日期仍按“周一至周五上班”临时推算。

    例如只导入了春节,劳动节仍未确定: 涉及劳动节前后的期限仍标记为 [临时]。

    文件是某年完整的国务院安排时加 --complete-year: 该年成为“管理员导入(完整)”,不再是临时。

    用 `kefu workday coverage` 查看各年份: 官方数据 / 完整导入 / 部分导入 / 临时规则。
    """
    from ..services.calendar import import_notice, parse_notice
    from ..services.context import unit_of_work

    if dry_run:
        days = parse_notice(file)
        result = {
            "file": file,
            "years": sorted({d.date.year for d in days}),
            "days": len(days),
            "holidays": sum(not d.workday for d in days),
            "workdays": sum(d.workday for d in days),
            "complete_year": complete_year,
            "dry_run": True,
        }
    else:
        with unit_of_work(state.db, clerk=clerk, at=at_value(at)) as uow:
            result = import_notice(uow, file, complete_year=complete_year)
    if json:
        from ..render.output import print_json

        print_json(result)
        return
    from ..render.output import message, print_lines, print_table

    years = "、".join(str(y) for y in result["years"])
    verb = "检查通过(未保存)" if dry_run else "已导入"
    scope = "(完整安排)" if complete_year else "(部分日期)"
    print_lines(
        [
            f"{verb}: {result['days']} 天({result['holidays']} 天放假, {result['workdays']} 天调休上班),"
            f"年份 {years}{scope}"
        ]
    )
    partial = [y for y in result.get("year_status", []) if y["status"] == "partial"]
    if partial:
        left = "、".join(f"{y['year']} 年其余 {y['provisional_days']} 天" for y in partial)
        message(
            f"注意: 只确定了文件列出的日期,{left}仍按临时规则推算(标记 [临时])。"
            "如果文件是该年完整的国务院安排,请加 --complete-year 再导入一次。",
            style="yellow",
        )
    if result.get("recomputed"):
        print_table(
            f"重算的未完成期限 {len(result['recomputed'])} 项",
            ["案件", "期限", "原到期日", "新到期日", "临时"],
            [
                [r["case_id"], r["kind"], r["due_before"], r["due"], "是" if r["provisional"] else ""]
                for r in result["recomputed"]
            ],
        )
    elif not dry_run:
        print_lines(["没有需要重算的未完成期限。"])


@app.command("coverage")
def coverage(json: JsonOpt = False) -> None:
    """各年份的日历数据: 官方 / 管理员导入(完整)/ 部分导入(几天)/ 临时规则。"""
    from ..services.calendar import coverage as cov
    from ..services.context import unit_of_work

    with unit_of_work(state.db, write=False) as uow:
        rows = cov(uow)
    if json:
        from ..render.output import print_json

        print_json({"years": rows})
        return
    from ..domain.calendar import YEAR_STATUS_ZH, YearStatus
    from ..render.output import print_table

    print_table(
        "日历数据覆盖情况",
        ["年份", "来源", "导入/更正的天数", "临时天数", "导入时间", "导入人", "文件"],
        [
            [
                r["year"],
                YEAR_STATUS_ZH[YearStatus(r["status"])],
                r["override_days"] or "",
                r["provisional_days"] if r["status"] == "partial" else "",
                r["loaded_at"] or "",
                r["loaded_by"] or "",
                r["file"] or "",
            ]
            for r in rows
        ],
    )
