"""`kefu export …`: complaints and callbacks to CSV for Excel."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import JsonOpt, UnmaskOpt, date_value, state

app = typer.Typer(help="导出 CSV(默认 UTF-8 带 BOM,Excel 可直接打开;也可 GB18030)。", no_args_is_help=True)

FileArg = Annotated[str, typer.Argument(help="导出文件路径,例如 ./投诉-2026年11月.csv")]
FromOpt = Annotated[str | None, typer.Option("--from", help="开始日期(含),例如 2026-11-01")]
ToOpt = Annotated[str | None, typer.Option("--to", help="结束日期(含),例如 2026-11-30")]
BranchOpt = Annotated[str | None, typer.Option("--branch", help="只导出某个机构,例如 朝阳支公司")]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="utf-8(带 BOM,默认)或 gb18030")]


def _run(fn, file, date_from, date_to, branch, unmask, encoding, json) -> None:
    from ..io.csvfile import excel_encoding
    from ..render.output import print_json, print_lines, progress

    enc = excel_encoding(encoding)
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
        )
    if json:
        print_json(result)
        return
    note = "(姓名和电话已打码,完整信息请加 --unmask)" if result["masked"] else "(含完整姓名和电话,已记入审计)"
    print_lines([f"已导出 {result['rows']} 行到 {result['file']}{note}"])


@app.command("complaints")
def complaints(
    file: FileArg,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    branch: BranchOpt = None,
    unmask: UnmaskOpt = False,
    encoding: EncodingOpt = "utf-8",
    json: JsonOpt = False,
) -> None:
    """导出投诉(按接收日期筛选),含状态与各环节时间。"""
    from ..services.exports import export_complaints

    _run(export_complaints, file, date_from, date_to, branch, unmask, encoding, json)


@app.command("callbacks")
def callbacks(
    file: FileArg,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    branch: BranchOpt = None,
    unmask: UnmaskOpt = False,
    encoding: EncodingOpt = "utf-8",
    json: JsonOpt = False,
) -> None:
    """导出回访(按回访期限筛选),含结束方式与原因。"""
    from ..services.exports import export_callbacks

    _run(export_callbacks, file, date_from, date_to, branch, unmask, encoding, json)
