"""`kefu report regulator`: a quarter's complaints as the regulator's bulletins count them
(services/regulator_report.py), as text, JSON or an Excel workbook."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import JsonOpt, state
from .report import _emit, _plain

RATIO_ZH = {
    "per_100m_premium": "亿元保费投诉量(件/亿元)",
    "per_10k_policies": "万张保单投诉量(件/万张)",
    "per_10k_insured": "万人次投诉量(件/万人次)",
}
BASES = (
    ("all", "(a) 全部投诉", "公司收到的全部投诉(各受理方式)"),
    ("regulator", "(b) 监管转办", "只计监管转办的投诉 —— 监管通报的口径(监管机构接收并转送的投诉)"),
)


def regulator(
    quarter: Annotated[str | None, typer.Option("--quarter", help="季度,写成 年份Q季度,例如 2026Q3")] = None,
    company_type: Annotated[
        str | None, typer.Option("--company-type", help="公司类型: life 寿险(人身险)、property 财险")
    ] = None,
    premium: Annotated[
        str | None,
        typer.Option("--premium", help="本季度保费收入: 6亿、6.5亿、60000万 或 600000000(元);按所给原样列出"),
    ] = None,
    policies: Annotated[
        str | None, typer.Option("--policies", help="保单件数(张),例如 40000 或 4万;按所给原样列出")
    ] = None,
    insured: Annotated[
        str | None, typer.Option("--insured", help="被保险人人次(仅寿险,用于万人次投诉量),例如 50000")
    ] = None,
    medians: Annotated[
        str | None,
        typer.Option("--medians", help="行业中位数文件(CSV,列同内置文件),代替 kefu 内置的通报中位数"),
    ] = None,
    json: JsonOpt = False,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", help="写入文件: .xlsx 为 Excel 工作簿(数字为数值单元格),.json 为 JSON,其余为文本"
        ),
    ] = None,
) -> None:
    """监管通报口径的季度投诉统计: 本季度收到的投诉(全部与监管转办),按纠纷类型和险种分列(未编码的计为
    未分类),亿元保费投诉量、万张保单投诉量、万人次投诉量(寿险)三项比率(保留两位小数),旁列同类公司的
    行业中位数(取文件中不晚于本季度的最近一期,并注明是哪一季度)。

    比率给出两种口径: (a) 公司收到的全部投诉;(b) 只计监管转办的投诉 —— 监管通报按此口径排名。
    分母(保费、保单件数、被保险人人次)由使用者给出,报表按所给原样列出。作废的投诉不计。
    """
    from ..services.regulator_report import regulator_report

    if output:  # a spreadsheet kefu does not write (.xls, .ods, .xlsm…): refused before anything is read
        from ..io.xlsxfile import is_xlsx

        is_xlsx(output)
    report = regulator_report(
        state.db, quarter=quarter, company_type=company_type, premium=premium, policies=policies,
        insured=insured, medians=medians,
    )  # fmt: skip
    suffix = output.lower().rsplit(".", 1)[-1] if output and "." in output else ""
    if suffix == "xlsx":
        _write_xlsx(report, output)
    elif json or suffix == "json":
        from ..render.output import dumps_json, print_json

        if output:
            _emit(dumps_json(report) + "\n", output)
        else:
            print_json(report)
    elif output:
        _emit(_plain(lambda c: _render(c, report)), output)
    else:
        from ..render.output import console

        _render(console(), report, terminal=True)


def _ratio_text(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio_rows(report: dict) -> list[list]:
    """(ratio, all, regulator-transferred, median) of each ratio the company type has."""
    keys = list(RATIO_ZH) if report["company_type"] == "life" else list(RATIO_ZH)[:2]
    m = report["medians"] or {}
    return [[RATIO_ZH[k], report["ratios"]["all"][k], report["ratios"]["regulator"][k], m.get(k)] for k in keys]


def _denominator_lines(report: dict) -> list[str]:
    d = report["denominators"]
    out = [
        f"保费收入: {d['premium']}(= {d['premium_100m_yuan']:g} 亿元)",
        f"保单件数: {d['policies']}(= {d['policies_10k']:g} 万张)",
    ]
    if report["company_type"] == "life":
        out.append(
            f"被保险人人次: {d['insured']}(= {d['insured_10k']:g} 万人次)"
            if d["insured"] is not None
            else "被保险人人次: 未给出(万人次投诉量不计算,可加 --insured)"
        )
    return out


def _median_line(report: dict) -> str:
    m = report["medians"]
    if m is None:
        return f"行业中位数: 文件中没有{report['company_type_zh']}公司的中位数"
    return f"行业中位数: {m['quarter']}({report['company_type_zh']}公司;来源: {m['source'] or '-'};文件: {m['file']})"


def _render(c, report: dict, terminal: bool = False) -> None:
    from ..render.output import print_lines, print_table

    def lines(texts):
        if terminal:
            print_lines(texts)
        else:
            for t in texts:
                c.print(t, markup=False)

    def table(title, heads, rows):
        print_table(title, heads, rows, **({} if terminal else {"c": c}))

    n = report["complaints"]
    lines(
        [
            f"监管通报口径投诉统计  {report['quarter']}({report['from']} 至 {report['to']},按接收时间)"
            f"  {report['company_type_zh']}公司",
            "分母(按所给原样): " + ";".join(_denominator_lines(report)),
            f"投诉件数: 全部 {n['all']},其中监管转办 {n['regulator']};重大投诉 {n['major']}",
        ]
    )
    m = report["medians"]
    heads = ["比率", "(a) 全部投诉", "(b) 监管转办", f"行业中位数({m['quarter']})" if m else "行业中位数"]
    table("比率与行业中位数", heads, [[r[0], *(_ratio_text(v) for v in r[1:])] for r in _ratio_rows(report)])
    lines([f"{label}: {why}" for _, label, why in BASES] + [_median_line(report)])
    for key, title in (("by_dispute", "按纠纷类型"), ("by_line", "按险种")):
        rows = [[r["label"], str(r["all"]), str(r["regulator"])] for r in report[key]]
        table(title, [title.removeprefix("按"), "全部投诉", "监管转办"], rows)


def _write_xlsx(report: dict, output: str) -> None:
    from ..io.xlsxfile import INT, TEXT, Column, write_xlsx_atomic
    from ..render.output import message

    n = report["complaints"]
    d = report["denominators"]
    rows: list[list] = [["投诉件数", "合计", n["all"], n["regulator"], None]]
    for key, group in (("by_dispute", "纠纷类型"), ("by_line", "险种")):
        rows += [[group, r["label"], r["all"], r["regulator"], None] for r in report[key]]
    rows += [["比率", *r] for r in _ratio_rows(report)]
    rows.append(["分母", "保费收入(亿元)", d["premium_100m_yuan"], None, None])
    rows.append(["分母", "保单件数(万张)", d["policies_10k"], None, None])
    if report["company_type"] == "life":
        rows.append(["分母", "被保险人人次(万人次)", d["insured_10k"], None, None])
    m = report["medians"]
    columns = [Column("分组", TEXT), Column("项目", TEXT), Column("(a) 全部投诉", INT), Column("(b) 监管转办", INT),
               Column(f"行业中位数({m['quarter']})" if m else "行业中位数", INT)]  # fmt: skip
    notes = [
        ("季度", f"{report['quarter']}({report['from']} 至 {report['to']},按接收时间)"),
        ("公司类型", f"{report['company_type_zh']}({report['company_type']})"),
        *[(text.split(":")[0], text.split(": ", 1)[1]) for text in _denominator_lines(report)],
        *[(label, why) for _, label, why in BASES],
        ("行业中位数", _median_line(report).split(": ", 1)[1]),
        ("说明", "比率 = 投诉件数 ÷ 分母,保留两位小数(四舍五入);未编码纠纷类型或险种的投诉计为未分类;作废的投诉不计。"),
    ]
    write_xlsx_atomic(output, f"监管口径{report['quarter']}", columns, rows, notes)
    message(f"报表已写入 {output}")
