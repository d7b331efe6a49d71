"""What a claim report's steps print (cli/claim.py), and the parts of `claim show` they share."""

from __future__ import annotations

import datetime as dt

from .common import audit_unmask
from .labels import after_sales_label, kind_zh, mask_after_sales


def _masked(data, unmask: bool):
    return data if unmask else mask_after_sales(data)


def status_zh(status: str) -> str:
    from ..domain.claims import STATUS_ZH, Status

    return STATUS_ZH[Status(status)]


def _when(d: dict) -> str:
    """A deadline's due moment: the time for clock-hour rules, the day otherwise."""
    return f"{d['due_at']:%Y-%m-%d %H:%M}" if d.get("unit") == "hours" else str(d["due"])


def deadline_lines(deadlines: list[dict], only_open: bool, basis: bool = False, as_of=None) -> list[str]:
    """A case's deadlines, what is left of the open ones judged on `as_of` (default today)."""
    from ..domain.deadlines import state_zh

    lines = []
    for d in deadlines:
        if only_open and d["status"] not in ("open", "paused"):
            continue
        mark = "  [临时]" if d["provisional"] else ""
        if d["status"] == "open":
            from ..render.output import deadline_left_zh

            text = deadline_left_zh(d, as_of)
        else:
            text = state_zh(d["status"], d["breached"])
            if d["met_at"]:
                text += f"于 {d['met_at']:%Y-%m-%d %H:%M}"
        lines.append(f"  {kind_zh(d['kind'])}: {_when(d)} 前{mark} — {text}")
        if basis and d.get("basis"):
            from ..domain.policy import basis_zh

            lines.append(f"      依据: {basis_zh(d['basis'])}")
    return lines


def checklist_lines(data: dict) -> list[str]:
    if not data["checklist"]:
        return []
    from ..domain import claims as cl

    types = "、".join(after_sales_label("CLAIM_TYPES", t) for t in data["claim_types"])
    lines = [f"材料清单({types}):"]
    lines += [f"  {'√' if i['received'] else '×'} {i['label']}" for i in data["checklist"]]  # both in GBK
    if data["missing"]:
        lines.append(
            f"材料不全,请告知客户补充以下 {len(data['missing'])} 项: {cl.labels(cl.MATERIALS, data['missing'])}"
        )
    return lines


def next_line(data: dict) -> str:
    from ..domain.claims import NEXT_HINT, Status

    if data.get("voided_at"):
        return "已作废"
    return NEXT_HINT[Status(data["status"])].format(id=data["id"])


def print_json(data) -> None:
    from ..render.output import print_json

    print_json(data)


def done(data: dict, json: bool, headline: list[str], unmask: bool = False, command: str = "", clerk=None,
          checklist: bool = False) -> None:  # fmt: skip
    """A step's result: JSON, or the headline, state, checklist, open deadlines and the next step."""
    if unmask:
        audit_unmask(command, 1, data.get("id"), clerk=clerk)
    if json:
        print_json(_masked(data, unmask))
        return
    from ..render.output import message, print_lines
    from .complaint_render import late_lines

    if headline and data.get("id") and not any(data["id"] in line for line in headline):  # name the case
        headline = [f"{headline[0]}: 理赔报案 {data['id']}", *headline[1:]]
    lines = [*headline, f"当前状态: {status_zh(data['status'])}", *late_lines(data["deadlines"])]
    if checklist:
        lines += checklist_lines(data)
    open_lines = deadline_lines(data["deadlines"], only_open=True)
    lines += ["进行中的期限(自今天起算):", *open_lines] if open_lines else ["没有进行中的期限。"]
    lines.append(next_line(data))
    print_lines(lines)
    if any(d["provisional"] and d["status"] == "open" for d in data["deadlines"]):
        message(
            "注意: 标记 [临时] 的期限涉及尚未公布节假日安排的年份,按周一至周五上班推算;公布并导入后会自动重算。",
            style="yellow",
        )


def _incident_text(value: dt.datetime) -> str:
    return f"{value:%Y-%m-%d}" if value.time() == dt.time() else f"{value:%Y-%m-%d %H:%M}"


def report_lines(d: dict) -> list[str]:
    """What the clerk reads after the report: the policy, the first checks, the major case."""
    from ..domain import claims as cl

    refused = d["status"] == "refused"
    lines = [f"已登记理赔报案 {d['id']}" + (",初审未通过(不予受理)" if refused else "")]
    lines.append(
        f"保单: {d['policy_no']} {d['product'] or ''}({after_sales_label('LINES', d['line'])})  投保人: {d['holder'] or '-'}"
        f"  被保险人: {d['insured_name'] or '-'} {d['insured_id'] or ''}".rstrip()
    )
    lines.append(
        f"出险: {' '.join(x for x in (_incident_text(d['incident_at']), d['incident_place']) if x)}  报案人: {d['reporter_name']}"
        f"({after_sales_label('REPORTER_RELATIONS', d['reporter_relation'])}) {d['reporter_phone']}"
    )
    ok = {True: "通过", False: "不通过"}
    lines.append(
        f"初审: 保险期间({d['period_start'] or '-'} 至 {d['period_end'] or '-'}) {ok[d['check_period']]};"
        f"保险责任 {ok[d['check_cover']]};索赔时效(自 {d['known_date']} 起 {d['limitation_years']} 年,"
        f"至 {d['limitation_end']}) {ok[d['check_limitation']]}"
    )
    if refused:
        lines += [f"  不予受理原因: {r}" for r in (d.get("failures") or {}).values()] or [f"  {d['refusal_reason']}"]
        lines.append("请书面告知客户不予受理的原因,复印相关资料存档,将原件退还客户。")
    if d["major"]:
        due = next((x for x in d["deadlines"] if x["kind"] == "major_case_report" and x["status"] == "open"), None)
        lines.append(f"重大案件: {d['major_reasons']}({cl.MAJOR_SOURCE})")
        if due:
            lines.append(f"  须于 {due['due_at']:%Y-%m-%d %H:%M} 前向总部呈报: kefu claim escalate {d['id']} --to 总部")
    return lines


def result_text(d: dict) -> str:
    """How a claim closed: the result, the amount paid, the reason."""
    from ..domain.claim_checks import yuan

    return (after_sales_label("RESULTS", d["result"]) + (f" {yuan(d['paid_amount'])}" if d["paid_amount"] is not None else "")
            + (f"(原因: {d['result_reason']})" if d["result_reason"] else ""))  # fmt: skip
