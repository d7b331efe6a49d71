"""`kefu import …`: complaints, new policies, callbacks, claims and requests from CSV files or Excel workbooks."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, ClerkOpt, DryRunOpt, JsonOpt, at_value, state

# The group's help is the line of `kefu --help` (cli/app.py COMMANDS); the commands say more (.xlsx, callbacks).
app = typer.Typer(help="从 Excel(.xlsx/.xls)、LibreOffice(.ods)或 CSV 文件批量导入(CSV 的 UTF-8/带 BOM/GB18030 均可): 投诉、新契约保单、回访、理赔报案、保全请求。", no_args_is_help=True)

FileArg = Annotated[
    str,
    typer.Argument(
        help="CSV、Excel(.xlsx/.xls)或 LibreOffice(.ods)文件路径,例如 ./投诉登记表.xlsx;"
        "保单号、电话、证件号码列请设为文本(数字格式的单元格丢了开头的 0 或超过 15 位时整个文件不导入)"
    ),
]
ErrorsOpt = Annotated[
    str | None,
    typer.Option(
        "--errors",
        help="有错误时把出错的行写入这个文件(与原文件相同的表头,另加 行号 和 错误;.xlsx 或 .csv),便于在 Excel 中改正",
    ),
]
SHOWN = 10  # skipped rows listed one by one (the rest counted)


def _run(kind: str, fn, file: str, dry_run: bool, errors: str | None, json: bool, at, clerk) -> None:
    from ..io.files import check_target
    from ..io.xlsxfile import is_xlsx
    from ..render.output import message, print_json, print_lines, progress
    from ..services.import_results import RowsError, write_error_report

    if errors:
        is_xlsx(errors)  # an .xls name is refused before anything is read
        check_target(errors, what="--errors 文件", example="./导入错误.xlsx")  # before reading anything
    when = at_value(at)
    with progress(f"导入 {file}") as bar:
        try:
            result = fn(state.db, file, dry_run=dry_run, clerk=clerk, at=when, progress=bar.update)
        except RowsError as exc:
            if errors:
                path = write_error_report(exc.result, errors)
                message(f"出错的 {len(exc.result.errors)} 行及原因已写入 {path}")
            raise
    out = result.as_dict()
    if json:
        print_json(out)
        return
    what = {"complaints": "投诉", "policies": "新契约回访", "callbacks": "回访", "claims": "理赔报案",
            "requests": "保全请求"}[kind]  # fmt: skip
    counts = out["summary"]
    verb = "检查通过(未保存): 将新增" if dry_run else "已导入: 新增"
    lines = [
        f"{verb} {counts['new']} 条{what},已有且未变 {counts['unchanged']} 行,跳过 {counts['skipped']} 行"
        f"(文件共 {result.rows} 行)"
    ]
    shown = [s for s in result.skipped if not s.get("unchanged")][:SHOWN]
    if shown:
        lines.append("跳过的行:")
        lines += [f"  第 {s['line']} 行: {s['reason']}" + (f"({s['id']})" if s.get("id") else "") for s in shown]
        if counts["skipped"] > len(shown):
            lines.append(f"  …… 另有 {counts['skipped'] - len(shown)} 行(--json 列出全部)")
    if result.created and not dry_run:
        ids = result.created[:SHOWN]
        lines.append("编号: " + "、".join(ids) + (" …" if len(result.created) > len(ids) else ""))
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
    """批量登记投诉(CSV、.xlsx、.xls 或 .ods)。

    表头(中文或英文均可): 接收时间(旧文件的 受理时间 亦可),受理方式,投诉类别,投诉人,联系电话 为必填;
    与消费者关系,保单号,投诉内容,机构,经办人,材料齐全(是/否),监管转办编号,监管报告期限 可选;
    各期限列不读取。
    带 投诉编号、状态 或各步骤时间(材料齐全时间、受理时间、不予受理时间、转办时间、合并时间、延期时间、
    中止时间、恢复时间、处理决定时间、核查申请时间、核查决定时间、撤回时间、作废时间 等,
    即 kefu export complaints 导出的各列)的文件:
    按各步骤的时间逐步重建每件投诉(编号、状态、期限与原来相同;--at 不使用);已有的编号状态相同的跳过,
    状态不同的拒绝整个文件。总公司的历史台账(有各步骤时间、无编号)也按此导入,编号按接收日期分配。
    时间可写 2026-10-09 09:30、2026/10/9 9:30、2026年10月9日 9:30;只写日期表示当天 09:00;
    Excel 中的日期单元格与日期序号均可。
    任何一行有误则整个文件都不导入,并指出行号和列;已登记过的行(同一接收时间、电话和保单号,
    电话写法不限)不会重复登记,导出的文件(--unmask)可原样导回。
    先检查整个文件,再分批写入(每批约 1 秒),其间其他人的登记不必等整个文件导完;
    导入中断(断电、被终止)后,重新运行同一命令会跳过已导入的行,接着导入其余的行。
    """
    from ..services.complaint_import import import_complaints

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
    每张保单同时记入保单登记簿(理赔报案据此核对);可选列 被保险人,被保险人证件号码,保险期间起,保险期间止,
    保额,险种类型(人寿保险/健康保险/意外伤害保险/财产保险)一并记入,登记簿中已有的保单只补充其空缺的项目。
    已安排过新契约回访的保单会被跳过;与投诉导入一样先检查整个文件,再分批写入,中断后可重新运行。
    """
    from ..services.callback_import import import_policies

    _run("policies", import_policies, file, dry_run, errors, json, at, clerk)


@app.command("callbacks")
def callbacks(
    file: FileArg,
    dry_run: DryRunOpt = False,
    errors: ErrorsOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """导入回访安排(列与 `kefu export callbacks` 相同,导出的文件可原样导回)。

    表头: 回访类型,客户,联系电话 为必填;保单号,险种,机构,经办人,回执签收日期,犹豫期天数,
    结案日期,关联投诉,回访期限 按类型填写(新契约: 回执签收日期;理赔: 结案日期;
    投诉处理/监管转办: 关联投诉;满意度/其他: 回访期限),期限按规则重新推算。
    带 回访编号、状态 或各步骤的列(安排时间、回访时间、回访方式、回访结果、问题答复时间、改约时间、取消时间 等,
    即 kefu export callbacks 导出的各列)的文件: 按各步骤的时间逐步重建每件回访(编号、状态、期限不变);
    投诉或理赔导入时已安排、尚未回访的回访,按文件中的步骤继续。结束方式、结束时间等结果列不读取。
    已安排过的回访会被跳过(状态不同的拒绝整个文件);关联投诉不在本数据库中的行跳过并说明。
    """
    from ..services.callback_import import import_callbacks

    _run("callbacks", import_callbacks, file, dry_run, errors, json, at, clerk)


@app.command("claims")
def claims(
    file: FileArg,
    dry_run: DryRunOpt = False,
    errors: ErrorsOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """导入理赔报案及其各步骤(列与 `kefu export claims` 相同;加 --unmask 导出的文件可原样导回)。

    表头: 报案时间,保单号,出险时间,报案人,报案人电话 为必填;报案编号、状态 与各步骤的时间(登记时间、认定重大案件时间、
    向总部呈报时间、申请时间、材料登记时间、移交时间、结案时间、作废时间)及其内容按时间逐步重建每件报案
    (编号、状态、期限与原来相同;--at 不使用)。保单登记簿中没有的保单按该行的保单信息登记。
    已有的编号状态相同的跳过,状态不同的拒绝整个文件;任何一行有误则整个文件都不导入。
    """
    from ..services.claim_import import import_claims

    _run("claims", import_claims, file, dry_run, errors, json, at, clerk)


@app.command("requests")
def requests(
    file: FileArg,
    dry_run: DryRunOpt = False,
    errors: ErrorsOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """导入保全请求(退保、批改)及其办结、作废(列与 `kefu export requests` 相同,导出的文件可原样导回)。

    表头: 请求类型,接收时间,保单号 为必填;客户,联系电话,提请方式,与投保人关系,退保原因,原因说明,批改内容,机构,
    经办人 可选。带 请求编号、状态、登记时间、办结时间、作废时间 时按时间重建(编号、状态不变;--at 不使用);
    已有的编号状态相同的跳过,状态不同的拒绝整个文件。
    """
    from ..services.request_import import import_requests

    _run("requests", import_requests, file, dry_run, errors, json, at, clerk)
