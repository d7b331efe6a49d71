"""`kefu export …`: complaints, callbacks, claims, requests and deadlines to CSV or an Excel workbook (.xlsx)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import BranchOpt, HandlerOpt, JsonOpt, ReportAsOfOpt, UnmaskOpt, date_value, state

# The group's help is the line of `kefu --help` (cli/app.py COMMANDS); the commands say more (.xlsx).
app = typer.Typer(
    help="导出 Excel(.xlsx,按扩展名)或 CSV(默认 UTF-8 带 BOM;也可 GB18030): 投诉、回访、理赔报案、保全请求、期限。",
    no_args_is_help=True,
)

FileArg = Annotated[
    str, typer.Argument(help="导出文件路径: .xlsx 为 Excel 工作簿,其他为 CSV,例如 ./投诉-2026年11月.xlsx")
]
FromOpt = Annotated[str | None, typer.Option("--from", help="开始日期(含),例如 2026-11-01")]
ToOpt = Annotated[str | None, typer.Option("--to", help="结束日期(含),例如 2026-11-30")]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="CSV 的编码: utf-8(带 BOM,默认)或 gb18030;.xlsx 不用")]


def _done(result: dict, json: bool, personal: bool = True) -> None:
    from ..render.output import print_json, print_lines

    if json:
        print_json(result)
        return
    note = "(姓名和电话已打码,完整信息请加 --unmask)" if result["masked"] else "(含完整姓名和电话,已记入审计)"
    note = note if personal else ""
    what = "Excel 工作簿" if result["format"] == "xlsx" else "CSV"
    print_lines([f"已导出 {result['rows']} 行到 {result['file']}({what},数据截至 {result['as_of']}){note}"])


def _target(file: str, encoding: str) -> str:
    """The CSV encoding, after refusing an .xls name or an unwritable path before anything is read."""
    from ..io.csvfile import excel_encoding
    from ..io.files import check_target
    from ..io.xlsxfile import is_xlsx

    enc = excel_encoding(encoding)
    is_xlsx(file)
    check_target(file)
    return enc


def _run(fn, file, date_from, date_to, branch, unmask, encoding, as_of, json) -> None:
    from ..render.output import progress

    enc = _target(file, encoding)
    with progress(f"导出 {file}") as bar:
        result = fn(
            state.db,
            file,
            date_from=date_value(date_from, "--from"),
            date_to=date_value(date_to, "--to"),
            branch=branch,
            unmask=unmask,
            encoding=enc,
            progress=bar.update,
            as_of=date_value(as_of, "--as-of"),
        )
    _done(result, json)


@app.command("complaints")
def complaints(
    file: FileArg,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    branch: BranchOpt = None,
    unmask: UnmaskOpt = False,
    encoding: EncodingOpt = "utf-8",
    as_of: ReportAsOfOpt = None,
    json: JsonOpt = False,
) -> None:
    """导出投诉(按受理日期筛选),含状态、各环节时间与期限(受理时限、处理时限、剩余工作日、是否逾期)。

    文件名以 .xlsx 结尾时导出 Excel 工作簿(日期为日期单元格,电话、保单号为文本,表头冻结并可筛选,
    另有“说明”页写明数据截至日、筛选条件和打码情况),否则为 CSV。
    加 --unmask 导出的文件可用 kefu import complaints 原样导回: 按各步骤的时间重建每件投诉(编号、状态、期限不变),
    已有的投诉不会重复登记。
    """
    from ..services.exports import export_complaints

    _run(export_complaints, file, date_from, date_to, branch, unmask, encoding, as_of, json)


@app.command("callbacks")
def callbacks(
    file: FileArg,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    branch: BranchOpt = None,
    unmask: UnmaskOpt = False,
    encoding: EncodingOpt = "utf-8",
    as_of: ReportAsOfOpt = None,
    json: JsonOpt = False,
) -> None:
    """导出回访(按回访期限筛选),含结束方式与原因、剩余工作日、是否逾期;.xlsx 为 Excel 工作簿。

    加 --unmask 导出的文件可用 kefu import callbacks 导回: 按各次回访、问题答复、改约的时间重建每件回访(编号、状态不变)。
    """
    from ..services.exports import export_callbacks

    _run(export_callbacks, file, date_from, date_to, branch, unmask, encoding, as_of, json)


@app.command("claims")
def claims(
    file: FileArg,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    branch: BranchOpt = None,
    unmask: UnmaskOpt = False,
    encoding: EncodingOpt = "utf-8",
    as_of: ReportAsOfOpt = None,
    json: JsonOpt = False,
) -> None:
    """导出理赔报案(按报案日期筛选),含状态、出险与报案情况、各步骤时间与期限(重大案件呈报、移交时限)。

    被保险人证件号码、姓名、电话默认打码;加 --unmask 导出的文件可用 kefu import claims 原样导回:
    按各步骤的时间重建每件报案(编号、状态、期限不变),已有的报案不会重复登记。
    """
    from ..services.case_exports import export_claims

    _run(export_claims, file, date_from, date_to, branch, unmask, encoding, as_of, json)


@app.command("requests")
def requests(
    file: FileArg,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    branch: BranchOpt = None,
    unmask: UnmaskOpt = False,
    encoding: EncodingOpt = "utf-8",
    as_of: ReportAsOfOpt = None,
    json: JsonOpt = False,
) -> None:
    """导出保全请求(退保、批改,按接收日期筛选),含状态、原因或批改内容、办结时间与说明。

    加 --unmask 导出的文件可用 kefu import requests 原样导回(编号、状态、办结时间不变)。
    """
    from ..services.case_exports import export_requests

    _run(export_requests, file, date_from, date_to, branch, unmask, encoding, as_of, json)


@app.command("deadlines")
def deadlines(
    file: FileArg,
    as_of: ReportAsOfOpt = None,
    within: Annotated[
        int | None, typer.Option("--within", help="“即将到期”的范围(工作日),默认见规则表 report.due_soon_workdays")
    ] = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    kind: Annotated[str | None, typer.Option("--kind", help="只导出一种期限,例如 decision(处理决定)")] = None,
    encoding: EncodingOpt = "utf-8",
    json: JsonOpt = False,
) -> None:
    """导出进行中的期限(与 kefu report deadlines 相同): 案件、期限类型、到期日、状态、剩余工作日、是否逾期。

    文件名以 .xlsx 结尾时导出 Excel 工作簿(含“说明”页: 数据截至日、筛选条件、合计),否则为 CSV。
    """
    from ..render.output import progress
    from ..services.exports import export_deadlines
    from .common import int_value

    enc = _target(file, encoding)
    with progress(f"导出 {file}") as bar:
        result = export_deadlines(
            state.db,
            file,
            as_of=date_value(as_of, "--as-of"),
            within=int_value(within, "--within", 0, 250, 3),
            branch=branch,
            handler=handler,
            kind=kind,
            encoding=enc,
            progress=bar.update,
        )
    _done(result, json, personal=False)
