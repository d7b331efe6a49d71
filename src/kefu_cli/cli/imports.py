"""`kefu import …`: complaints and new policies from CSV files (Excel on Chinese Windows)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, ClerkOpt, JsonOpt, at_value, state

app = typer.Typer(help="从 CSV 文件批量导入(UTF-8/带 BOM/GB18030 均可): 投诉、新契约保单。", no_args_is_help=True)

FileArg = Annotated[str, typer.Argument(help="CSV 文件路径,例如 ./投诉登记表.csv")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="只检查文件,不保存")]
ErrorsOpt = Annotated[
    str | None, typer.Option("--errors", help="有错误时把出错的行和原因写入这个 CSV 文件,便于在 Excel 中改正")
]


def _run(kind: str, fn, file: str, dry_run: bool, errors: str | None, json: bool, at, clerk) -> None:
    from ..io.files import check_target
    from ..render.output import message, print_json, print_lines, progress
    from ..services.imports import RowsError, write_error_report

    if errors:
        check_target(errors, what="--errors 文件", example="./导入错误.csv")  # before reading anything
    with progress(f"导入 {file}") as bar:
        try:
            result = fn(state.db, file, dry_run=dry_run, clerk=clerk, at=at_value(at), progress=bar.update)
        except RowsError as exc:
            if errors:
                path = write_error_report(exc.result, errors)
                message(f"出错的 {len(exc.result.errors)} 行及原因已写入 {path}")
            raise
    out = result.as_dict()
    if json:
        print_json(out)
        return
    what = {"complaints": "投诉", "policies": "新契约回访"}[kind]
    verb = "检查通过(未保存),可导入" if dry_run else "已导入"
    lines = [f"{verb} {len(result.created)} 条{what}(文件共 {result.rows} 行)"]
    if result.skipped:
        lines.append(f"跳过 {len(result.skipped)} 行(之前已导入):")
        lines += [f"  第 {s['line']} 行: {s['reason']}({s['id']})" for s in result.skipped]
    if result.created and not dry_run:
        shown = result.created[:10]
        lines.append("编号: " + "、".join(shown) + (" …" if len(result.created) > len(shown) else ""))
    print_lines(lines)


@app.command("complaints")
def complaints(
    file: FileArg,
    dry_run: DryRunOpt = False,
    errors: ErrorsOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """批量登记投诉。

    表头(中文或英文均可): 受理时间,受理方式,投诉类别,投诉人,联系电话 为必填;
    与消费者关系,保单号,投诉内容,机构,经办人,材料齐全(是/否),监管转办编号,监管报告期限 可选。
    任何一行有误则整个文件都不导入,并指出行号;重复导入同一文件会跳过已导入的行。
    先检查整个文件,再分批写入(每批约 1 秒),其间其他人的登记不必等整个文件导完;
    导入中断(断电、被终止)后,重新运行同一命令会跳过已导入的行,接着导入其余的行。
    """
    from ..services.imports import import_complaints

    _run("complaints", import_complaints, file, dry_run, errors, json, at, clerk)


@app.command("policies")
def policies(
    file: FileArg,
    dry_run: DryRunOpt = False,
    errors: ErrorsOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """导入新契约保单,为每张保单安排犹豫期内的新契约回访。

    表头: 保单号,投保人,联系电话,回执签收日期 为必填;险种,犹豫期天数(默认见规则表),机构,经办人 可选。
    已安排过新契约回访的保单会被跳过;与投诉导入一样先检查整个文件,再分批写入,中断后可重新运行。
    """
    from ..services.imports import import_policies

    _run("policies", import_policies, file, dry_run, errors, json, at, clerk)
