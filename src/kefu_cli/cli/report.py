"""`kefu report …`: deadline report and analysis (`report stats`: cli/report_stats.py).

One report engine (services/reports.py), several views: JSON, CSV, a plain or rich table.
Scripting: no colour, no bar charts, no prompts when stdout is not a terminal; `--output`
writes the file atomically (temp file in the same folder + rename); `--fail-on-overdue`
exits 1 after the output is written.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Annotated

import typer

from .common import (
    LIST_LIMIT_MAX,
    BranchOpt,
    CsvOpt,
    FailOnOverdueOpt,
    HandlerOpt,
    JsonOpt,
    LimitOpt,
    NoPagerOpt,
    ReportAsOfOpt,
    date_value,
    int_value,
    lazy_commands,
    one_output,
    state,
)

app = typer.Typer(help="报表: 时限报表(逾期/今日到期/即将到期)与投诉处理分析。", no_args_is_help=True)

OutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output", "-o", help="写入文件(原子写入: 先写临时文件再改名),不输出到屏幕;.json/.csv 结尾时即为该格式"
    ),
]


def _output_format(output: str | None, json: bool, csv: bool, command: str) -> tuple[bool, bool]:
    """--json/--csv as given, or as the output file's name says (.json, .csv); a spreadsheet or
    document name is refused rather than filled with text Excel can not open."""
    one_output(json, csv, command)
    if not output or json or csv:
        return json, csv
    suffix = output.lower().rsplit(".", 1)[-1] if "." in output else ""
    if suffix in ("xlsx", "xls", "xlsm", "docx", "doc", "pdf"):
        from ..domain.errors import InputError

        raise InputError(
            f"报表不能写成 .{suffix} 文件: 请用 -o 报表.csv(Excel 可直接打开)或 -o 报表.txt;"
            "Excel 表格请用 kefu export deadlines 文件.xlsx"
        )
    return suffix == "json", suffix == "csv"


WITHIN_MAX = 250  # working days: about one year
WEEKDAY_ZH = "一二三四五六日"


def _emit(text: str, output: str | None, encoding: str = "utf-8") -> None:
    import sys

    if output:
        from ..io.files import write_atomic
        from ..render.output import message

        p = write_atomic(output, text, encoding)
        message(f"报表已写入 {p}")
    else:
        sys.stdout.write(text)


def _emit_json(document: dict, output: str | None) -> None:
    """The JSON document on stdout or (atomically) into `output`, its items written as read."""
    from ..render.output import json_chunks, write_json

    if not output:
        write_json(document)
        return
    from pathlib import Path

    from ..io.files import atomic_writer
    from ..render.output import message

    with atomic_writer(output, encoding=None) as f:
        for piece in json_chunks(document):
            f.write(piece)
    message(f"报表已写入 {Path(output)}")


def _plain(render) -> str:
    """What `render(console)` prints, as plain text (no colour, no escape codes)."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    render(
        Console(file=buf, no_color=True, force_terminal=False, width=200, soft_wrap=True, highlight=False, emoji=False)
    )
    return buf.getvalue()


def _on_terminal(output: str | None) -> bool:
    from ..render.output import is_terminal

    return output is None and is_terminal() and not os.environ.get("CI")


def _as_of(text: str | None) -> dt.date:
    from ..services import clock

    return date_value(text, "--as-of") or clock.today()


def _weekday(d: dt.date) -> str:
    return "星期" + WEEKDAY_ZH[d.weekday()]


def _left_text(item: dict, as_of: dt.date) -> str:
    from ..render.output import item_left_zh

    return item_left_zh(item, as_of)


# --- report deadlines ------------------------------------------------------------

ITEM_KEYS = [
    "case_id",
    "case_type",
    "kind",
    "due",
    "due_at",
    "status",
    "working_days_left",
    "provisional",
    "branch",
    "handler",
    "breached",
    "major",  # a major complaint's (2020 rule Art. 29)
]


@app.command("deadlines")
def deadlines(
    as_of: ReportAsOfOpt = None,
    within: Annotated[
        int | None,
        typer.Option("--within", help="“即将到期”的范围: N 个工作日内(0 到 250,默认取政策表,通常为 3)"),
    ] = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="只看某类期限,例如 decision(处理决定)、callback(回访)")
    ] = None,
    overdue_only: Annotated[bool, typer.Option("--overdue", help="只列出已逾期的期限")] = False,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="只列出某一状态的期限: overdue(已逾期)、due_today(今日到期)、due_soon(即将到期)、"
            "later(未到期)、paused(暂停)",
        ),
    ] = None,
    json: JsonOpt = False,
    csv: CsvOpt = False,
    output: OutputOpt = None,
    fail_on_overdue: FailOnOverdueOpt = False,
    limit: LimitOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """时限报表: 所有案件的未完成期限 —— 已逾期、今日到期、即将到期、暂停与其他,按机构和经办人分组。

    --as-of 日期: 报表是该日结束时的真实情况(按审计事件还原): 之后才登记的案件不出现,之后才完成的
    期限仍为未完成,之后才开始的中止不算中止。不加 --as-of 即今天,与 --as-of 今天的结果完全相同。

    暂停(paused): 案件因外部鉴定/检测/评估中止时,其期限暂停计算: 不算逾期、不算今日到期或即将到期,
    不触发 --fail-on-overdue,剩余工作日冻结在中止当天;恢复后到期日按中止的时间顺延。

    `status` 为 overdue / due_today / due_soon / later / paused;`working_days_left` 为 0 表示
    今日到期,负数表示已逾期的工作日数;`breached` 为 true 表示已错过期限(逾期一经发生即保留)。
    """
    from ..services import clock
    from ..services.report_source import check_filter_names, report_source
    from ..services.reports import deadline_report, parse_kind, parse_status

    json, csv = _output_format(output, json, csv, "report deadlines")
    within = int_value(within, "--within", 0, WITHIN_MAX, 3)
    limit = int_value(limit, "--limit", 1, LIST_LIMIT_MAX, 50)
    day = _as_of(as_of)
    kind_code = parse_kind(kind)
    status_code = parse_status(status)
    # JSON and CSV are written while the rows are read (`lazy`): inside the read transaction.
    with report_source(state.db) as src:
        check_filter_names(src, branch=branch, handler=handler)  # a typo: suggestions, not an empty report
        report = deadline_report(
            src,
            day,
            within,
            branch=branch,
            handler=handler,
            kind=kind_code,
            history=day < clock.today(),
            status=status_code,
            lazy=(json or csv) and limit is None,
        )
        if overdue_only:
            report["items"] = (i for i in report["items"] if i["status"] == "overdue")
        if limit is not None:  # the first `limit` items; the document says how many more there are
            items = list(report["items"])
            report["items"], report["more"] = items[:limit], max(0, len(items) - limit)
            if report["more"] and (json or csv):
                from ..render.output import message

                message(_more(report["more"]))

        if json:
            _emit_json(report, output)
        elif csv:
            from ..render.output import csv_text

            text = csv_text(ITEM_KEYS, ([i[k] for k in ITEM_KEYS] for i in report["items"]))
            _emit(text, output, "utf-8-sig" if output else "utf-8")
        else:
            report["items"] = list(report["items"])

    if json or csv:
        pass  # written above
    elif output:
        _emit(_plain(lambda c: _render_deadlines(c, report, rich_tables=False)), output)
    else:
        from ..render.output import console, paged

        with paged(not no_pager):
            _render_deadlines(console(), report, rich_tables=_on_terminal(None))

    if fail_on_overdue and report["summary"]["overdue"] > 0:
        raise typer.Exit(1)


def _render_deadlines(c, report: dict, rich_tables: bool) -> None:
    from rich import box
    from rich.table import Table

    from ..domain.report import BUCKET_ZH, Bucket, percent_text
    from .labels import CASE_ZH, kind_zh

    s = report["summary"]
    day = report["as_of"]
    c.print(
        f"时限报表  截至 {day}({_weekday(day)})"
        + ("日终(按当日结束时的记录还原)" if report["history"] else "")
        + f"  即将到期 = {report['within']} 个工作日内",
        markup=False,
    )
    f = report["filters"]
    shown = {
        "机构": f["branch"],
        "经办人": f["handler"],
        "期限": f["kind"] and kind_zh(f["kind"]),
        "状态": f["status"] and BUCKET_ZH[Bucket(f["status"])],
    }
    filt = "  ".join(f"{k}: {v}" for k, v in shown.items() if v)
    if filt:
        c.print(f"筛选: {filt}", markup=False)
    c.print(
        f"已逾期 {s['overdue']}  今日到期 {s['due_today']}  即将到期 {s['due_soon']}  "
        f"其他 {s['later']}  暂停 {s['paused']}  合计未完成 {s['open']}"
        + (f"  (临时推算 {s['provisional']})" if s["provisional"] else ""),
        markup=False,
    )
    ot = report["on_time"]
    c.print(
        f"本月按时完成率({ot['from']} 至 {ot['to']}到期): {percent_text(ot['rate'])}"
        f"  按时 {ot['on_time']}  超时完成 {ot['late']}  逾期未完成 {ot['overdue']}",
        markup=False,
    )

    def table(title, headers):
        t = Table(
            title=title,
            box=box.SIMPLE_HEAVY if rich_tables else None,
            show_edge=rich_tables,
            pad_edge=False,
            title_justify="left",
        )
        for h in headers:
            t.add_column(h, overflow="fold")
        return t

    if report["items"]:
        styles = {"overdue": "bold red", "due_today": "yellow", "due_soon": "cyan", "paused": "dim"}
        heads = ["机构", "经办人", "案件", "类型", "期限", "到期日", "状态", "剩余", "临时"]
        rows = [
            [
                i["branch"],
                i["handler"],
                i["case_id"],
                CASE_ZH.get(i["case_type"], i["case_type"]) + ("(重大)" if i.get("major") else ""),
                kind_zh(i["kind"]),
                str(i["due"]),
                BUCKET_ZH[Bucket(i["status"])],
                _left_text(i, day),
                "临时" if i["provisional"] else "",
            ]
            for i in report["items"]
        ]
        group_heads = ["机构", "经办人", "已逾期", "今日到期", "即将到期", "其他", "暂停", "合计"]
        group_rows = [
            [
                row["branch"],
                row["handler"],
                *(str(row[k]) for k in ("overdue", "due_today", "due_soon", "later", "paused", "open")),
            ]
            for row in report["groups"]
        ]
        if rich_tables:  # on a terminal: fitted to its width (render/layout.py)
            from ..render.output import print_table

            print_table("未完成期限", heads, rows, [styles.get(i["status"]) for i in report["items"]])
            print_table("按机构/经办人", group_heads, group_rows)
        else:
            t = table("未完成期限", heads)
            for row in rows:
                t.add_row(*row)
            c.print(t)
            g = table("按机构/经办人", group_heads)
            for row in group_rows:
                g.add_row(*row)
            c.print(g)
        if report.get("more"):
            c.print(_more(report["more"]), markup=False)
    else:
        c.print("没有未完成的期限。", markup=False)
    if s["provisional"]:
        c.print(
            "“临时”表示到期日涉及尚未公布节假日安排的年份,按周一至周五上班推算;导入官方安排后会自动重算。",
            markup=False,
        )


# report stats: built from its own module when used.
lazy_commands(app, "kefu_cli.cli.report_stats", "stats")
# report regulator: the quarter as the regulator's bulletins count it (cli/report_regulator.py).
lazy_commands(app, "kefu_cli.cli.report_regulator", "regulator")
lazy_commands(app, "kefu_cli.cli.report_annual", "annual")  # the yearly disclosure: cli/report_annual.py


def _more(more: int) -> str:
    from ..render.output import more_text

    return more_text(more)
