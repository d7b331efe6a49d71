"""`kefu report stats`: the analysis of complaint handling (services/stats.py) as a table with bar
charts on a terminal, plain text, JSON or CSV."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import BranchOpt, CsvOpt, JsonOpt, ReportAsOfOpt, date_value, state
from .labels import kind_zh
from .report import OutputOpt, _emit, _on_terminal, _output_format, _plain

# --- report stats ----------------------------------------------------------------


def _stats_rows(report: dict) -> list[list]:
    """The analysis report flattened to (section, key, label, count, value) rows for CSV."""
    cp = report["complaints"]
    rows: list[list] = [["complaints", "total", "投诉总数", cp["total"], ""]]
    for r in cp["by_category"]:
        rows.append(["by_category", r["code"], r["label"], r["count"], ""])
    for r in cp["by_channel"]:
        rows.append(["by_channel", r["code"], r["label"], r["count"], ""])
    for r in cp["by_branch"]:
        rows.append(["by_branch", r["branch"], r["branch"], r["count"], ""])
    for r in cp["by_month"]:
        rows.append(["by_month", r["month"], r["month"], r["count"], ""])
    for k, n in cp["outcomes"].items():
        rows.append(["outcomes", k, OUTCOME_ZH[k], n, ""])
    for r in cp["rejected_by_reason"]:
        rows.append(["rejected_by_reason", r["reason"], REASON_ZH.get(r["reason"], r["reason"]), r["count"], ""])
    for k, n in cp["transfers"].items():
        rows.append(["transfers", k, "内部转办" if k == "internal" else "转外部单位", n, ""])
    for r in cp["paused_by_kind"]:
        rows.append(["paused_by_kind", r["kind"], "中止: " + _pause_zh(r["kind"]), r["count"], ""])
    for r in cp.get("by_cause", []):  # 溯源整改: root causes and rectifications
        rows.append(["by_cause", r["code"], "根本原因: " + r["label"], r["count"], ""])
    for k, n in cp.get("rectifications", {}).items():
        rows.append(["rectifications", k, RECTIFY_ZH[k], n, ""])
    rows += _major_rows(cp["major"])
    for k, d in report["durations"].items():
        rows.append(["durations", f"{k}.median", DURATION_ZH[k] + "中位数(工作日)", d["count"], d["median"]])
        rows.append(["durations", f"{k}.p90", DURATION_ZH[k] + "90分位(工作日)", d["count"], d["p90"]])
    for r in [*report["on_time"], {"kind": "all", **report["on_time_all"]}]:
        rows.append(["on_time", r["kind"], kind_zh(r["kind"]), r["on_time"] + r["late"] + r["overdue"], r["rate"]])
    cb = report["callbacks"]
    if isinstance(cb, dict):
        for k in CALLBACK_KEYS:
            if k in cb:
                rows.append(["callbacks", k, CALLBACK_KEYS[k], "", cb[k]])
    rq = report.get("requests")
    if isinstance(rq, dict):
        for r in rq["by_type"]:
            rows.append(["requests", r["code"], r["label"], r["count"], ""])
        for r in rq["surrender_reasons"]:
            rows.append(["surrender_reasons", r["reason"], r["label"], r["count"], ""])
    nt = report.get("notices")
    if isinstance(nt, dict):  # 办法第二十一条: proof of telling
        rows.append(["notices", "issued", "发出告知书", nt["issued"], nt["unproven"]])
        for r in nt["by_via"]:
            rows.append(["notices", r["via"], f"{r['label']}(值为无凭证件数)", r["issued"], r["unproven"]])
    cl = report.get("claims")
    if isinstance(cl, dict):
        rows += [
            ["claims", "reported", "理赔报案", cl["reported"], ""],
            ["claims", "major", "重大案件", cl["major"], ""],
        ]
        for key, name in CLAIM_DEADLINE_ZH.items():
            rows += [["claims", f"{key}.{k}", f"{name}{zh}", cl[key][k], ""] for k, zh in CLAIM_OUTCOME_ZH.items()]
        rows += [["claims_closed", r["code"], "结案: " + r["label"], r["count"], ""] for r in cl["closed"]["by_result"]]
    return rows


CLAIM_DEADLINE_ZH = {"escalated": "重大案件上报", "handed_over": "材料移交"}
CLAIM_OUTCOME_ZH = {"on_time": "按时", "late": "超时", "open": "未完成", "overdue": "其中已逾期"}


CALLBACK_KEYS = {
    "due": "应访量",
    "success": "成功",
    "refused": "拒访",
    "cancelled": "回访前撤退保",
    "unreachable": "无法联系",
    "open": "待回访",
    "success_rate": "回访成功率(%)",
    "letter_visit_share": "信函+上门占比(%)",
    "on_time_rate": "按时回访率(%)",
    "cooling_off_on_time_rate": "犹豫期内回访率(%)",
}
OUTCOME_ZH = {
    "accepted": "受理",
    "rejected": "不予受理",
    "transferred": "转办",
    "merged": "合并",
    "withdrawn": "撤回",
    "pending": "尚未作出受理决定",
}
REASON_ZH = {
    "not_consumer": "非消费者本人或其受托人",
    "duplicate_open": "重复投诉(已受理且在期限内)",
    "duplicate_decided": "重复投诉(已作出处理决定)",
    "not_company": "不属本公司处理",
    "not_complaint": "非投诉",
}
DURATION_ZH = {"to_acceptance": "收到至受理决定", "to_decision": "收到至处理决定"}


def stats(
    date_from: Annotated[
        str | None, typer.Option("--from", help="起始日期(含,按投诉收到日),默认 --to 所在月的 1 日")
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option("--to", help="截止日期(含),默认 --as-of;早于今天时,统计按该日结束时的记录还原(不加 --as-of 时)"),
    ] = None,
    as_of: ReportAsOfOpt = None,
    branch: BranchOpt = None,
    json: JsonOpt = False,
    csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """投诉处理分析: 按类别、渠道、机构、月份统计;受理/不予受理(按理由)/转办构成;
    受理与处理决定用时(工作日中位数与 90 分位);各类期限按时完成率;回访考核指标;退保原因(保全请求);
    理赔报案(重大案件上报、材料移交是否按时,结案结果)。

    在终端上以条形图显示月度趋势与类别构成。
    """
    from ..services.report_source import check_filter_names, report_source
    from ..services.stats import stats_report

    json, csv = _output_format(output, json, csv, "report stats")
    from ..services import clock

    to = date_value(date_to, "--to")
    today = clock.today()
    # The history is read as it stood at the end of --as-of, or of --to when no --as-of is given.
    day = date_value(as_of, "--as-of") or (min(to, today) if to else today)
    to = to or day
    frm = date_value(date_from, "--from") or to.replace(day=1)
    with report_source(state.db) as src:
        check_filter_names(src, branch=branch)  # a typo: suggestions, not an empty report
        report = stats_report(src, frm, to, day, branch=branch, history=day < today)
    if json:
        from ..render.output import dumps_json

        _emit(dumps_json(report) + "\n", output)
    elif csv:
        from ..render.output import csv_text

        text = csv_text(["section", "key", "label", "count", "value"], _stats_rows(report))
        _emit(text, output, "utf-8-sig" if output else "utf-8")
    elif output:
        _emit(_plain(lambda c: _render_stats(c, report, charts=False)), output)
    else:
        from ..render.output import console

        _render_stats(console(), report, charts=_on_terminal(None))


def _render_stats(c, report: dict, charts: bool) -> None:
    from rich import box
    from rich.table import Table

    from ..domain.report import bar, percent_text

    def table(title, headers):
        t = Table(
            title=title,
            box=box.SIMPLE_HEAVY if charts else None,
            show_edge=charts,
            pad_edge=False,
            title_justify="left",
        )
        for h in headers:
            t.add_column(h, overflow="fold")
        return t

    cp = report["complaints"]
    where = f"  机构: {report['branch']}" if report["branch"] else ""
    c.print(f"投诉处理分析  {report['from']} 至 {report['to']}(按收到日){where}  截至 {report['as_of']}", markup=False)
    c.print(f"投诉总数 {cp['total']}", markup=False)

    def counts(title, rows, name_key, with_bar):
        headers = ["项目", "件数", "占比"] + (["图示"] if with_bar else [])
        t = table(title, headers)
        largest = max((r["count"] for r in rows), default=0)
        for r in rows:
            cells = [
                str(r.get("label") or r[name_key] or "(未填)"),
                str(r["count"]),
                percent_text(_share(r["count"], cp["total"])),
            ]
            if with_bar:
                cells.append(bar(r["count"], largest))
            t.add_row(*cells, style=None)
        c.print(t)

    counts("按月份(趋势)", [{"month": r["month"], "count": r["count"]} for r in cp["by_month"]], "month", charts)
    counts("按类别", cp["by_category"], "code", charts)
    counts("按渠道", cp["by_channel"], "code", False)
    counts("按机构", cp["by_branch"], "branch", False)

    t = table("受理决定构成", ["结果", "件数", "占比"])
    for k, n in cp["outcomes"].items():
        t.add_row(OUTCOME_ZH[k], str(n), percent_text(_share(n, cp["total"])))
    for r in cp["rejected_by_reason"]:
        if r["count"]:
            t.add_row("  不予受理: " + REASON_ZH.get(r["reason"], r["reason"]), str(r["count"]), "")
    for k, n in cp["transfers"].items():
        if n:
            t.add_row("  " + ("内部转办" if k == "internal" else "转外部单位"), str(n), "")
    c.print(t)

    if any(r["count"] for r in cp["paused_by_kind"]):  # 办法第十八、二十三条: time not counted
        t = table("中止(鉴定、检测、评估、调解期间不计入期限)", ["中止类型", "件数"])
        for r in cp["paused_by_kind"]:
            t.add_row(_pause_zh(r["kind"]), str(r["count"]))
        c.print(t)

    _cause_tables(c, table, cp)
    if cp["major"]["count"]:  # 办法第二十九条: major complaints and their report to the emergency group
        t = table("重大投诉(上报投诉应急处理领导小组)", ["项目", "件数"])
        for _, _, text, n, _ in _major_rows(cp["major"])[1:]:
            if n:
                t.add_row(text, str(n))
        c.print(t)

    t = table("用时(工作日)", ["环节", "件数", "中位数", "90分位"])
    for k, d in report["durations"].items():
        t.add_row(DURATION_ZH[k], str(d["count"]), _num(d["median"]), _num(d["p90"]))
    c.print(t)

    t = table("按时完成率(期间内到期的期限)", ["期限", "按时", "超时完成", "逾期未完成", "未到期", "按时率"])
    for r in [*report["on_time"], {"kind": "all", **report["on_time_all"]}]:
        if r["kind"] != "all" and not (r["on_time"] + r["late"] + r["overdue"] + r["pending"]):
            continue
        t.add_row(
            kind_zh(r["kind"]),
            str(r["on_time"]),
            str(r["late"]),
            str(r["overdue"]),
            str(r["pending"]),
            percent_text(r["rate"]),
        )
    c.print(t)

    cb = report["callbacks"]
    if cb is None:
        c.print("回访考核指标: 暂不可用(回访模块未提供 callback_kpis)。", markup=False)
    else:
        t = table(
            "回访考核指标(期间内到期的回访)",
            [
                "机构",
                "应访",
                "成功",
                "拒访",
                "撤退保",
                "无法联系",
                "待回访",
                "成功率",
                "信函+上门占比",
                "犹豫期内及时率",
            ],
        )

        def ok(flag) -> str:
            return "" if flag is None else ("" if flag else " 未达标")

        for r in [*cb.get("by_branch", []), {**cb, "branch": "合计"}]:
            t.add_row(
                r["branch"] or "(未填)",
                *(str(r[k]) for k in ("due", "success", "refused", "cancelled", "unreachable", "open")),
                percent_text(r["success_rate"]) + ok(r["success_rate_ok"]),
                percent_text(r["letter_visit_share"]) + ok(r["letter_visit_ok"]),
                percent_text(r["cooling_off_on_time_rate"]),
            )
        c.print(t)
        c.print(
            f"考核线: 成功率 ≥ {cb['success_rate_min']}%,信函+上门占比 ≤ {cb['letter_visit_max']}%",
            markup=False,
        )

    rq = report.get("requests")
    if isinstance(rq, dict) and rq["total"]:
        surrenders = next((r["count"] for r in rq["by_type"] if r["code"] == "surrender"), 0)
        t = table(
            f"保全请求 {rq['total']} 件(" + "、".join(f"{r['label']} {r['count']}" for r in rq["by_type"]) + ")"
            + ",退保原因",
            ["退保原因", "件数", "占退保"],
        )  # fmt: skip
        for r in rq["surrender_reasons"]:
            t.add_row(r["label"], str(r["count"]), percent_text(_share(r["count"], surrenders)))
        c.print(t)
    nt = report.get("notices")
    if isinstance(nt, dict) and nt["issued"]:  # 办法第二十一条: the proof of telling kept
        t = table(
            f"告知书 发出 {nt['issued']} 份,有凭证 {nt['proven']},无凭证 {nt['unproven']}",
            ["发出方式", "发出", "有凭证", "无凭证"],
        )
        for r in nt["by_via"]:
            if r["issued"]:
                t.add_row(r["label"], str(r["issued"]), str(r["proven"]), str(r["unproven"]))
        c.print(t)
    _render_claims(c, report.get("claims"))


def _render_claims(c, cl: dict | None) -> None:
    """The claims section: a short block (reports, major cases, the two deadlines, closings)."""
    if not isinstance(cl, dict) or not cl["reported"]:
        return
    closed = "、".join(f"{r['label']} {r['count']}" for r in cl["closed"]["by_result"])
    lines = [f"理赔报案 {cl['reported']} 件,其中重大案件 {cl['major']} 件"]
    for key, name in CLAIM_DEADLINE_ZH.items():
        n = cl[key]
        lines.append(f"  {name}: 按时 {n['on_time']}、超时 {n['late']}、未完成 {n['open']}(其中已逾期 {n['overdue']})")
    lines.append(f"  已结案 {cl['closed']['total']} 件: {closed}")
    for line in lines:
        c.print(line, markup=False)


def _share(n: int, total: int) -> float | None:
    from ..domain.report import percent

    return percent(n, total)


def _num(v) -> str:
    return "—" if v is None else (f"{v:g}")


def _pause_zh(kind: str) -> str:
    from ..domain.codes import label
    from ..domain.complaint import PAUSE_KINDS

    return label(PAUSE_KINDS, kind)


# 溯源整改 (2020 rule Art. 26): the rectifications of the period's complaints, as judged on the as-of day
RECTIFY_ZH = {"open": "整改: 进行中(未到期)", "overdue": "整改: 逾期未完成", "done": "整改: 已完成",
              "done_late": "整改: 其中逾期完成"}  # fmt: skip


def _cause_tables(c, table, cp: dict) -> None:
    """The root causes of the decided complaints and their rectifications, when there are any."""
    causes, fixes = cp.get("by_cause", []), cp.get("rectifications", {})
    if not any(r["count"] for r in causes) and not any(fixes.values()):
        return
    t = table("根本原因(溯源整改)", ["根本原因", "件数"])
    for r in causes:
        t.add_row(r["label"], str(r["count"]))
    for k, n in fixes.items():
        t.add_row(RECTIFY_ZH[k], str(n))
    c.print(t)


MAJOR_ZH = {"escalated_on_time": "按时上报", "escalated_late": "逾期上报", "open": "尚未上报(未到期)",
            "overdue": "尚未上报(已逾期)"}  # fmt: skip


def _major_rows(m: dict) -> list[list]:
    """The major complaints' rows (section, key, label, count, value) of the CSV, and of the table."""
    rows = [["major", "count", "重大投诉", m["count"], ""]]
    rows += [["major", f"reason.{r['reason']}", "重大投诉原因: " + r["label"], r["count"], ""] for r in m["by_reason"]]
    return rows + [["major", k, "重大投诉" + zh, m[k], ""] for k, zh in MAJOR_ZH.items()]
