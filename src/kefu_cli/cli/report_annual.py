"""`kefu report annual`: the yearly disclosure of complaint figures (services/annual_report.py) as
tables on the terminal, plain text, JSON, CSV, an Excel workbook or a Word document."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import JsonOpt, ReportAsOfOpt, date_value, state
from .report import _emit, _on_terminal, _plain

YearOpt = Annotated[int | None, typer.Option("--year", help="年度(按投诉收到日,中国标准时间),例如 2026")]
AnnualOutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        help="写入文件(原子写入): .xlsx 每项分类一张工作表,.docx 为 Word 文档,.json/.csv 为该格式,其他为纯文本",
    ),
]


def annual(
    year: YearOpt = None,
    as_of: ReportAsOfOpt = None,
    json: JsonOpt = False,
    output: AnnualOutputOpt = None,
) -> None:
    """年度消费投诉情况(办法第二十六条: 通过年报等方式披露)。

    当年收到的投诉按类别、来源(受理方式)、机构、纠纷类型、险种统计;
    受理与处理决定期限的按时完成、超时完成、逾期未完成与不适用;
    核查(复核)的申请、决定与变更;撤回与不予受理(按理由)。

    年度按投诉收到日(中国标准时间)计: 1 月 1 日 00:00 至 12 月 31 日 24:00。
    按 --as-of(默认今天)日终的记录统计(早于今天时按当日结束时的记录还原,同 report stats)。
    -o 年报.xlsx 或 -o 年报.docx 写成可打印的文件。
    """
    from ..services import clock
    from ..services.annual_report import annual_report, check_output, check_year, write_annual
    from ..services.report_source import report_source

    year = check_year(year)
    kind = check_output(output) if output else None
    today = clock.today()
    day = date_value(as_of, "--as-of") or today
    with report_source(state.db) as src:
        report = annual_report(src, year, day, history=day < today)
    if kind in ("xlsx", "docx"):
        from ..render.output import message

        message(f"年报已写入 {write_annual(report, output)}")
    elif json or kind == "json":
        from ..render.output import dumps_json

        _emit(dumps_json(report) + "\n", output)
    elif kind == "csv":
        from ..render.output import csv_text
        from ..services.annual_report import annual_tables

        rows = [
            [title, row[0], head, value]
            for title, headers, body in annual_tables(report)
            for row in body
            for head, value in zip(headers[1:], row[1:], strict=True)
        ]  # one figure a line: table, item, column, value
        _emit(csv_text(["table", "item", "column", "value"], rows), output, "utf-8-sig")
    elif output:
        _emit(_plain(lambda c: _render(c, report, rich_tables=False)), output)
    else:
        from ..render.output import console

        _render(console(), report, rich_tables=_on_terminal(None))


def _render(c, report: dict, rich_tables: bool) -> None:
    from rich import box
    from rich.table import Table

    from ..services.annual_report import annual_tables, summary_lines

    c.print(report["title"], markup=False)
    for line in summary_lines(report):
        c.print(line, markup=False)
    for title, headers, rows in annual_tables(report):
        t = Table(
            title=title,
            box=box.SIMPLE_HEAVY if rich_tables else None,
            show_edge=rich_tables,
            pad_edge=False,
            title_justify="left",
        )
        for i, h in enumerate(headers):
            t.add_column(h, overflow="fold", justify="right" if i else "left")
        for row in rows:
            t.add_row(*(_cell(v) for v in row))
        c.print(t)


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if isinstance(value, float) else str(value)
