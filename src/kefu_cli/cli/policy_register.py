"""`kefu policy-register …`: the policy register (保单登记簿) claim reports are checked against."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, BranchOpt, ClerkOpt, HandlerOpt, JsonOpt, UnmaskOpt, at_value, audit_unmask, state
from .labels import mask_after_sales

app = typer.Typer(
    help="保单登记簿: 登记、查看保单(投保人、被保险人及证件号码、保险期间、保额、险种类型),供理赔报案核对\n\n"
    "kefu import policies 导入的保单也记入登记簿(文件中有 被保险人、被保险人证件号码、保险期间起、保险期间止、"
    "保额、险种类型 等列时一并记入)。证件号码在所有输出中打码,加 --unmask 才显示完整号码(留审计记录)。",
    no_args_is_help=True,
)


def _lbl(code: str | None) -> str:
    from ..domain.claims import LINES
    from ..domain.codes import label

    return label(LINES, code) if code else ""


def _lines(d: dict) -> list[str]:
    from ..domain.claim_checks import yuan

    force = {True: "保险期间内", False: "不在保险期间内", None: "保险期间未登记"}[d.get("in_force")]
    return [
        f"保单 {d['policy_no']}  {d['product'] or '(险种未登记)'}  {_lbl(d['line'])}(索赔时效 {d['limitation_years']} 年)",
        f"投保人: {d['holder'] or '-'} {d['phone'] or ''}  被保险人: {d['insured_name'] or '-'} {d['insured_id'] or ''}",
        f"保险期间: {d['period_start'] or '-'} 至 {d['period_end'] or '-'}(今天: {force})  保额: {yuan(d['sum_insured'])}",
        f"机构: {d['branch'] or '-'}  经办人: {d['handler'] or '-'}  来源: {d['source']}",
    ]


@app.command("add")
def add(
    policy: Annotated[str, typer.Option("--policy", help="保单号,例如 P2026110001")],
    product: Annotated[str | None, typer.Option("--product", help="险种名称,例如 终身寿险(分红型)")] = None,
    line: Annotated[
        str | None,
        typer.Option(
            "--line",
            help="险种类型: life 人寿保险(索赔时效 5 年)、health 健康保险、accident 意外伤害保险、"
            "property 财产保险、other 其他;不填时按险种名称推断",
        ),
    ] = None,
    holder: Annotated[str | None, typer.Option("--holder", help="投保人姓名")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="投保人电话")] = None,
    insured: Annotated[str | None, typer.Option("--insured", help="被保险人姓名")] = None,
    id_number: Annotated[str | None, typer.Option("--id-number", help="被保险人身份证号码(18 位)")] = None,
    start: Annotated[str | None, typer.Option("--start", help="保险期间起,例如 2026-11-02")] = None,
    end: Annotated[str | None, typer.Option("--end", help="保险期间止,例如 2046-11-01")] = None,
    sum_insured: Annotated[str | None, typer.Option("--sum-insured", help="保额(元),例如 500000 或 50万")] = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    update: Annotated[bool, typer.Option("--update", help="保单已登记时,更正所给的项目(须 --reason)")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="更正原因(记入审计)")] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """登记一张保单(已登记的保单加 --update 更正)。"""
    from ..services import policy_register as reg

    values = dict(policy=policy, product=product, line=line, name=holder, phone=phone, insured=insured,
                  insured_id=id_number, period_start=start, period_end=end, sum_insured=sum_insured, branch=branch,
                  handler=handler)  # fmt: skip
    data = reg.add(state.db, values, update=update, reason=reason, clerk=clerk, at=at_value(at))
    if unmask:
        audit_unmask("policy-register add", 1, data["policy_no"], clerk=clerk)
    else:
        data = mask_after_sales(data)
    if json:
        from ..render.output import print_json

        print_json(data)
        return
    from ..render.output import print_lines

    if data["created"]:
        head = "已登记保单"
    elif data["changes"]:
        head = f"已更正保单({'、'.join(_field_zh(k) for k in data['changes'])})"
    else:
        head = "保单已在登记簿中,内容相同,未作更改"
    print_lines([head, *_lines(data)])


def _field_zh(key: str) -> str:
    from ..domain.claims import COLUMN_ZH

    return {"phone": "投保人电话"}.get(key) or COLUMN_ZH.get(key, key)


@app.command("show")
def show(
    policy_no: Annotated[str, typer.Argument(help="保单号")], json: JsonOpt = False, unmask: UnmaskOpt = False
) -> None:
    """查看登记簿中的一张保单,及其理赔报案与保全请求。"""
    from ..services import policy_register as reg

    data = reg.show(state.db, policy_no)
    if unmask:
        audit_unmask("policy-register show", 1, data["policy_no"])
    else:
        data = mask_after_sales(data)
    if json:
        from ..render.output import print_json

        print_json(data)
        return
    from ..domain.claims import STATUS_ZH, Status
    from ..domain.codes import label
    from ..domain.requests import REQUEST_STATUSES, REQUEST_TYPES
    from ..render.output import print_lines

    lines = _lines(data)
    for c in data["claims"]:
        lines.append(f"理赔报案 {c['id']} 出险 {c['incident_at']:%Y-%m-%d} {STATUS_ZH[Status(c['status'])]}"
                     + ("(已作废)" if c["voided"] else ""))  # fmt: skip
    for r in data["requests"]:
        lines.append(f"{label(REQUEST_TYPES, r['type'])}请求 {r['id']} {label(REQUEST_STATUSES, r['status'])}"
                     + ("(已作废)" if r["voided"] else ""))  # fmt: skip
    print_lines(lines)


@app.command("list")
def list_(
    name: Annotated[str | None, typer.Option("--name", help="投保人或被保险人姓名(包含即可)")] = None,
    line: Annotated[str | None, typer.Option("--line", help="险种类型,例如 life 或 人寿保险")] = None,
    branch: BranchOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="最多列出几张(1 到 10000)")] = 200,
    json: JsonOpt = False,
    unmask: UnmaskOpt = False,
) -> None:
    """列出登记簿中的保单(按保单号)。按保单号、姓名或证件号码查找请用 kefu search。"""
    from ..services import policy_register as reg

    data = reg.list_(state.db, name=name, line=line, branch=branch, limit=limit)
    if unmask:
        audit_unmask("policy-register list", data["count"])
    else:
        data["items"] = mask_after_sales(data["items"])
    if json:
        from ..render.output import print_json

        print_json(data)
        return
    from ..domain.claim_checks import yuan
    from ..render.output import print_table

    print_table(
        f"保单登记簿 {data['count']} 张",
        ["保单号", "险种", "类型", "投保人", "被保险人", "证件号码", "保险期间", "保额", "机构"],
        [[i["policy_no"], i["product"], _lbl(i["line"]), i["holder"], i["insured_name"], i["insured_id"],
          f"{i['period_start'] or '-'} 至 {i['period_end'] or '-'}", yuan(i["sum_insured"]), i["branch"]]
         for i in data["items"]],
    )  # fmt: skip
