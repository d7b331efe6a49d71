"""`kefu claim …`: claim reports (理赔报案) from the report to the claim callback."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from .common import (
    LIST_LIMIT_MAX,
    AtOpt,
    ClerkOpt,
    CsvOpt,
    JsonOpt,
    UnmaskOpt,
    at_value,
    audit_unmask,
    date_value,
    int_value,
    one_output,
    state,
)

app = typer.Typer(
    help="理赔报案: 登记报案、重大案件上报、索赔材料清单、移交与结案回访\n\n"
    "报案时自动查询: 同一保单或同一被保险人同一天的报案(已报案的告知进展,不重复登记)、"
    "保单登记簿中有无出险人的保单(没有的立即告知报案人)、同名被保险人(先核实身份)。"
    "初审: 出险日期是否在保险期间内、是否属保险责任(--not-covered)、是否在索赔时效内"
    "(保险法第二十六条: 自知道出险之日起 2 年,人寿保险 5 年)。\n\n"
    "期限: 重大案件上报 — 报案(或了解情况)后 24 小时内 escalate;理赔材料移交 — 材料齐全后 3 个工作日内 handover;"
    "理赔回访 — 赔付或拒赔结案后 5 个工作日内(close 时自动安排)。",
    no_args_is_help=True,
)

IdArg = Annotated[str, typer.Argument(help="报案编号,例如 BA-20261120-0001")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="备注")]

# Personal data in a claim's JSON and its events: masked unless --unmask.
NAME_KEYS = frozenset({"name", "holder", "insured_name", "reporter_name", "applicant_name"})
PHONE_KEYS = frozenset({"phone", "reporter_phone", "applicant_phone"})
ID_KEYS = frozenset({"insured_id", "id_number"})
ADDRESS_KEYS = frozenset({"reporter_address"})


def mask_after_sales(data: Any) -> Any:
    """A copy of `data` (a claim, request or policy view, a list, an event's details) with names,
    phones, ID numbers and addresses masked, at any depth."""
    from ..domain.claims import mask_id_number
    from ..render.output import mask_name, mask_phone

    if isinstance(data, list):
        return [mask_after_sales(x) for x in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for k, v in data.items():
        if isinstance(v, str) and v:
            if k in NAME_KEYS:
                v = mask_name(v)
            elif k in PHONE_KEYS:
                v = mask_phone(v)
            elif k in ID_KEYS:
                v = mask_id_number(v)
            elif k in ADDRESS_KEYS:
                v = v[:6] + "****" if len(v) > 6 else "****"
        elif isinstance(v, dict | list):
            v = mask_after_sales(v)
        out[k] = v
    return out


def _mask(data, unmask: bool):
    return data if unmask else mask_after_sales(data)


def _lbl(table: str, code: str | None) -> str:
    from ..domain import claims as cl
    from ..domain.codes import label

    return label(getattr(cl, table), code) if code else ""


def _status_zh(status: str) -> str:
    from ..domain.claims import STATUS_ZH, Status

    return STATUS_ZH[Status(status)]


def _kind_zh(kind: str) -> str:
    from ..domain.deadlines import DEADLINE_KIND_ZH, DeadlineKind

    return DEADLINE_KIND_ZH[DeadlineKind(kind)] if kind in set(DeadlineKind) else kind


def _when(d: dict) -> str:
    """A deadline's due moment: the time for clock-hour rules, the day otherwise."""
    return f"{d['due_at']:%Y-%m-%d %H:%M}" if d.get("unit") == "hours" else str(d["due"])


def _deadline_lines(deadlines: list[dict], only_open: bool, basis: bool = False) -> list[str]:
    from ..domain.deadlines import state_zh

    lines = []
    for d in deadlines:
        if only_open and d["status"] not in ("open", "paused"):
            continue
        mark = "  [临时]" if d["provisional"] else ""
        if d["status"] == "open":
            if d["unit"] == "hours":
                from ..render.output import hours_left_zh

                text = hours_left_zh(d["working_days_left"], overdue=d["late"], breached=d["breached"])
            else:
                from ..render.output import left_zh

                text = left_zh(d["working_days_left"], overdue=d["late"])
        else:
            text = state_zh(d["status"], d["breached"])
            if d["met_at"]:
                text += f"于 {d['met_at']:%Y-%m-%d %H:%M}"
        lines.append(f"  {_kind_zh(d['kind'])}: {_when(d)} 前{mark} — {text}")
        if basis and d.get("basis"):
            from ..domain.policy import basis_zh

            lines.append(f"      依据: {basis_zh(d['basis'])}")
    return lines


def _checklist_lines(data: dict) -> list[str]:
    if not data["checklist"]:
        return []
    from ..domain import claims as cl

    types = "、".join(_lbl("CLAIM_TYPES", t) for t in data["claim_types"])
    lines = [f"材料清单({types}):"]
    lines += [f"  {'√' if i['received'] else '×'} {i['label']}" for i in data["checklist"]]  # both in GBK
    if data["missing"]:
        lines.append(f"材料不全,请告知客户补充以下 {len(data['missing'])} 项: {cl.labels(cl.MATERIALS, data['missing'])}")
    return lines


def _next_line(data: dict) -> str:
    from ..domain.claims import NEXT_HINT, Status

    if data.get("voided_at"):
        return "已作废"
    return NEXT_HINT[Status(data["status"])].format(id=data["id"])


def _print_json(data) -> None:
    from ..render.output import print_json

    print_json(data)


def _done(data: dict, json: bool, headline: list[str], unmask: bool = False, command: str = "", clerk=None,
          checklist: bool = False) -> None:  # fmt: skip
    """A step's result: JSON, or the headline, state, checklist, open deadlines and the next step."""
    if unmask:
        audit_unmask(command, 1, data.get("id"), clerk=clerk)
    if json:
        _print_json(_mask(data, unmask))
        return
    from ..render.output import message, print_lines

    lines = [*headline, f"当前状态: {_status_zh(data['status'])}"]
    if checklist:
        lines += _checklist_lines(data)
    open_lines = _deadline_lines(data["deadlines"], only_open=True)
    lines += ["进行中的期限:", *open_lines] if open_lines else ["没有进行中的期限。"]
    lines.append(_next_line(data))
    print_lines(lines)
    if any(d["provisional"] and d["status"] == "open" for d in data["deadlines"]):
        message(
            "注意: 标记 [临时] 的期限涉及尚未公布节假日安排的年份,按周一至周五上班推算;公布并导入后会自动重算。",
            style="yellow",
        )


# --- report ------------------------------------------------------------------------------------


@app.command("report")
def report(
    incident: Annotated[str, typer.Option("--incident", help="出险时间,例如 2026-11-19T18:30 或 2026-11-19(时间不详)")],
    reporter: Annotated[str, typer.Option("--reporter", help="报案人姓名")],
    reporter_phone: Annotated[str, typer.Option("--reporter-phone", help="报案人联系电话,例如 13812345678")],
    policy: Annotated[str, typer.Option("--policy", help="保单号(不知道时可只给被保险人姓名或证件号码)")] = "",
    insured: Annotated[str, typer.Option("--insured", help="出险人(被保险人)姓名")] = "",
    id_number: Annotated[str, typer.Option("--id-number", help="出险人身份证号码(18 位),同名时用于确认身份")] = "",
    channel: Annotated[
        str, typer.Option("--channel", help="报案方式: phone 电话、visit 上门、fax 传真、letter 信函(书信)、email、online")
    ] = "phone",
    received: Annotated[
        str | None, typer.Option("--received", help="接到报案的时间,默认现在;重大案件 24 小时自此起算")
    ] = None,
    place: Annotated[str, typer.Option("--place", help="出险地点")] = "",
    cause: Annotated[str, typer.Option("--cause", help="出险原因,例如 交通事故、疾病")] = "",
    course: Annotated[str, typer.Option("--course", help="出险经过")] = "",
    injury: Annotated[str, typer.Option("--injury", help="伤害程度,例如 左腿骨折、身故")] = "",
    measures: Annotated[str, typer.Option("--measures", help="已采取的措施,例如 已送医、已报警")] = "",
    present_state: Annotated[str, typer.Option("--state", help="目前状况,例如 住院治疗中")] = "",
    hospital: Annotated[str, typer.Option("--hospital", help="就诊医院")] = "",
    reporter_address: Annotated[str, typer.Option("--reporter-address", help="报案人联系地址")] = "",
    relation: Annotated[
        str,
        typer.Option(
            "--relation",
            help="报案人与出险人关系: self 本人、spouse 配偶、parent 父母、child 子女、relative 其他亲属、"
            "employer 单位、agent 代理人、other 其他",
        ),
    ] = "self",
    known: Annotated[
        str | None, typer.Option("--known", help="申请人知道(或应当知道)出险之日,默认出险日;索赔时效自此起算")
    ] = None,
    not_covered: Annotated[
        str | None, typer.Option("--not-covered", help="经办人判断不属保险责任时写明原因(初审不通过,书面告知客户)")
    ] = None,
    deaths: Annotated[int, typer.Option("--deaths", help="本次事故死亡人数(2 人以上为重大案件)")] = 0,
    estimate: Annotated[
        str | None, typer.Option("--estimate", help="预计理赔金额(元),例如 600000 或 60万;超过 50 万元为重大案件")
    ] = None,
    uncertain: Annotated[
        bool, typer.Option("--uncertain", help="重大事故后结果暂时无法确定(保额超过 50 万元时为重大案件)")
    ] = False,
    dispute: Annotated[
        str | None,
        typer.Option("--dispute", help="争议已向何处投诉: media 媒体、regulator 主管机关、association 同业公会(重大案件)"),
    ] = None,
    litigation: Annotated[bool, typer.Option("--litigation", help="争议较大,可能引起诉讼或已涉及诉讼(重大案件)")] = False,
    branch: Annotated[str, typer.Option("--branch", help="机构(默认保单的机构)")] = "",
    handler: Annotated[str, typer.Option("--handler", help="经办人")] = "",
    new_handler: Annotated[bool, typer.Option("--new-handler", help="经办人不在名单中时一并新增")] = False,
    new_branch: Annotated[bool, typer.Option("--new-branch", help="机构不在名单中时一并新增")] = False,
    new_incident: Annotated[
        bool, typer.Option("--new-incident", help="同一保单同一天已有报案,但确为另一次事故时加上")
    ] = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """登记一次理赔报案: 先查重、核对保单与出险人,再初审(保险期间、保险责任、索赔时效)并判断是否重大案件。"""
    from ..services import claims

    received_dt, at_dt = received_and_at(received, at)
    deaths = int_value(deaths, "--deaths", 0, 10_000, 2) or 0
    data = claims.add(
        state.db, clerk=clerk, at=at_dt, received=received_dt or at_dt, incident=_incident(incident),
        reporter=reporter, reporter_phone=reporter_phone, policy_no=policy, insured=insured, id_number=id_number,
        channel=channel, place=place, cause=cause, course=course, injury=injury, measures=measures,
        present_state=present_state, hospital=hospital, reporter_address=reporter_address, relation=relation,
        known=date_value(known, "--known"), not_covered=not_covered, deaths=deaths, estimate=estimate,
        uncertain=uncertain, dispute=dispute, litigation=litigation, branch=branch, handler=handler,
        new_handler=new_handler, new_branch=new_branch, new_incident=new_incident,
    )  # fmt: skip
    from ..render.output import message

    for line in data["other_claims"]:
        message(f"提示: 该保单(或被保险人)另有报案 {line},请核实是否与本次有关。", style="yellow")
    if data["same_incident"]:
        message(f"注意: 已按另一次事故登记(同一天另有报案 {'、'.join(data['same_incident'])})。", style="yellow")
    _done(data, json, report_lines(_mask(data, unmask)), unmask, "claim report", clerk)


def received_and_at(received: str | None, at: str | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """`--received` and `--at` of a registration: a receipt given alone must not lie in the
    future; the registration time defaults to the receipt time (then now)."""
    from ..domain.timeutil import check_not_future
    from ..services import clock

    received_dt = at_value(received, "--received")
    if at is None and received_dt is not None:
        check_not_future(received_dt, "--received", clock.now())
    return received_dt, at_value(at) or received_dt


def _incident(text: str) -> dt.datetime:
    """A date alone means the time is not known: kept as 00:00 (shown as the date)."""
    from ..domain.errors import InputError
    from ..domain.timeutil import parse_date, parse_datetime

    try:
        return dt.datetime.combine(parse_date(text, "--incident 出险时间"), dt.time())
    except InputError:
        return parse_datetime(text, "--incident 出险时间")


def _incident_text(value: dt.datetime) -> str:
    return f"{value:%Y-%m-%d}" if value.time() == dt.time() else f"{value:%Y-%m-%d %H:%M}"


def report_lines(d: dict) -> list[str]:
    """What the clerk reads after the report: the policy, the first checks, the major case."""
    from ..domain import claims as cl

    refused = d["status"] == "refused"
    lines = [f"已登记理赔报案 {d['id']}" + (",初审未通过(不予受理)" if refused else "")]
    lines.append(
        f"保单: {d['policy_no']} {d['product'] or ''}({_lbl('LINES', d['line'])})  投保人: {d['holder'] or '-'}"
        f"  被保险人: {d['insured_name'] or '-'} {d['insured_id'] or ''}".rstrip()
    )
    lines.append(
        f"出险: {' '.join(x for x in (_incident_text(d['incident_at']), d['incident_place']) if x)}  报案人: {d['reporter_name']}"
        f"({_lbl('REPORTER_RELATIONS', d['reporter_relation'])}) {d['reporter_phone']}"
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
            lines.append(
                f"  须于 {due['due_at']:%Y-%m-%d %H:%M} 前向总部呈报: kefu claim escalate {d['id']} --to 总部"
            )
    return lines


# --- steps -----------------------------------------------------------------------------------------


@app.command("major")
def major(
    claim_id: IdArg,
    deaths: Annotated[int, typer.Option("--deaths", help="本次事故死亡人数(2 人以上)")] = 0,
    estimate: Annotated[str | None, typer.Option("--estimate", help="预计理赔金额(元),超过 50 万元")] = None,
    uncertain: Annotated[bool, typer.Option("--uncertain", help="重大事故后结果暂时无法确定(保额超过 50 万元)")] = False,
    dispute: Annotated[str | None, typer.Option("--dispute", help="media 媒体、regulator 主管机关、association 同业公会")] = None,
    litigation: Annotated[bool, typer.Option("--litigation", help="可能引起诉讼或已涉及诉讼")] = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """报案后才了解到重大案件情况时标记为重大案件: 自了解情况起 24 小时内须向总部呈报。"""
    from ..services import claims

    deaths = int_value(deaths, "--deaths", 0, 10_000, 2) or 0
    data = claims.mark_major(state.db, claim_id, deaths=deaths, estimate=estimate, dispute=dispute,
                             litigation=litigation, uncertain=uncertain, clerk=clerk, at=at_value(at))  # fmt: skip
    due = next((x for x in data["deadlines"] if x["kind"] == "major_case_report" and x["status"] == "open"), None)
    head = [f"已将理赔报案 {data['id']} 认定为重大案件: {data['major_reasons']}"]
    if due:
        head.append(f"须于 {due['due_at']:%Y-%m-%d %H:%M} 前向总部呈报: kefu claim escalate {data['id']} --to 总部")
    _done(data, json, head)


@app.command("escalate")
def escalate(
    claim_id: IdArg,
    to: Annotated[str, typer.Option("--to", help="呈报的单位,例如 总部、总公司理赔部")],
    note: NoteOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """记录重大案件已向总部呈报(完成“重大案件上报”24 小时期限;晚了如实记为逾期完成)。"""
    from ..services import claims

    data = claims.escalate(state.db, claim_id, to=to, note=note, clerk=clerk, at=at_value(at))
    late = ",已超过 24 小时期限(记为逾期完成)" if data["late"] else ",在期限内"
    _done(data, json, [f"已记录理赔报案 {data['id']} 于 {data['escalated_at']:%Y-%m-%d %H:%M} 向{data['escalated_to']}呈报{late}"])


@app.command("apply")
def apply(
    claim_id: IdArg,
    types: Annotated[
        list[str],
        typer.Option(
            "--type",
            help="索赔类型(可多次): death 身故、disability 伤残、medical 医疗、accident 意外、burn 烧烫伤、property 财产损失",
        ),
    ],
    received: Annotated[
        list[str] | None, typer.Option("--received", help="已收到的材料(可多次,或用逗号分隔;all 表示全部),例如 理赔申请书")
    ] = None,
    applicant: Annotated[str | None, typer.Option("--applicant", help="申请人(保险金请求权人)姓名,默认报案人")] = None,
    applicant_phone: Annotated[str | None, typer.Option("--applicant-phone", help="申请人电话(理赔回访打这个号码)")] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """受理理赔申请: 按索赔类型列出材料清单;材料不全时列出须补充的材料,齐全时开始 3 个工作日的移交期限。"""
    from ..services import claims

    data = claims.apply_claim(state.db, claim_id, types=types, received=received, applicant=applicant,
                              applicant_phone=applicant_phone, clerk=clerk, at=at_value(at))  # fmt: skip
    _done(data, json, [_materials_headline(data, "已受理理赔申请")], unmask, "claim apply", clerk, checklist=True)


def _materials_headline(data: dict, what: str) -> str:
    if data["missing"]:
        return f"{what} {data['id']}: 材料不全,还缺 {len(data['missing'])} 项"
    due = next((x for x in data["deadlines"] if x["kind"] == "claim_handover" and x["status"] == "open"), None)
    when = f",须于 {due['due']} 前移交保险公司(kefu claim handover {data['id']})" if due else ""
    return f"{what} {data['id']}: 材料已齐全{when}"


@app.command("materials")
def materials(
    claim_id: IdArg,
    received: Annotated[
        list[str] | None, typer.Option("--received", help="收到的材料(可多次,或用逗号分隔;all 表示全部),例如 保费收据")
    ] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="撤销误登记为已收到的材料")] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """登记收到的理赔材料: 仍缺的材料列为补充清单;齐全时开始 3 个工作日的移交期限。"""
    from ..services import claims

    data = claims.materials(state.db, claim_id, received=received, remove=remove, clerk=clerk, at=at_value(at))
    _done(data, json, [_materials_headline(data, "已登记材料")], checklist=True)


@app.command("checklist")
def checklist(
    types: Annotated[list[str], typer.Option("--type", help="索赔类型(可多次),例如 --type death --type accident")],
    json: JsonOpt = False,
) -> None:
    """查看某类索赔须提交的材料(不需要报案编号,供电话中指导客户)。"""
    from ..domain import claims as cl
    from ..domain.codes import parse_code

    codes = list(dict.fromkeys(parse_code(cl.CLAIM_TYPES, t, "--type 索赔类型") for t in types))
    items = [{"item": m, "label": cl.MATERIALS[m][0]} for m in cl.checklist(codes)]
    if json:
        _print_json({"types": codes, "items": items})
        return
    from ..render.output import print_lines

    print_lines([f"{cl.labels(cl.CLAIM_TYPES, codes)}理赔须提交的材料:", *[f"  {i + 1}. {x['label']}" for i, x in enumerate(items)],
                 "材料齐全方可受理;收到后用 kefu claim materials 编号 --received 材料 登记。"])  # fmt: skip


@app.command("handover")
def handover(
    claim_id: IdArg,
    to: Annotated[str | None, typer.Option("--to", help="移交给哪家保险公司或部门,默认 保险公司")] = None,
    note: NoteOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """记录理赔材料已移交保险公司(完成“理赔材料移交”3 个工作日期限)。"""
    from ..services import claims

    data = claims.handover(state.db, claim_id, to=to, note=note, clerk=clerk, at=at_value(at))
    late = "(已超过期限,记为逾期完成)" if data["late"] else ""
    _done(data, json, [f"已将理赔报案 {data['id']} 的材料移交{data['handed_over_to']}{late}"])


@app.command("close")
def close(
    claim_id: IdArg,
    result: Annotated[str, typer.Option("--result", help="结案结果: paid 赔付、declined 拒赔、withdrawn 撤案")],
    reason: Annotated[str | None, typer.Option("--reason", help="原因(拒赔必填,将据此告知客户)")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="赔付金额(元),例如 12000")] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """登记结案: 赔付或拒赔结案后自动安排理赔回访(结案后 5 个工作日内);撤案不回访。"""
    from ..services import claims

    data = claims.close(state.db, claim_id, result=result, reason=reason, amount=amount, clerk=clerk, at=at_value(at))
    head = [f"理赔报案 {data['id']} 已结案: {_result_text(data)}"]
    k = data["callback"]
    if k:
        head.append(f"已安排理赔回访 {k['id']},回访期限 {k['due']}(kefu callback show {k['id']})")
    _done(data, json, head)


def _result_text(d: dict) -> str:
    """How a claim closed: the result, the amount paid, the reason."""
    from ..domain.claims import yuan

    return (_lbl("RESULTS", d["result"]) + (f" {yuan(d['paid_amount'])}" if d["paid_amount"] is not None else "")
            + (f"(原因: {d['result_reason']})" if d["result_reason"] else ""))  # fmt: skip


@app.command("edit")
def edit(
    claim_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="更正原因(记入审计),例如 报案人电话记错一位")],
    reporter: Annotated[str | None, typer.Option("--reporter", help="报案人姓名")] = None,
    reporter_phone: Annotated[str | None, typer.Option("--reporter-phone", help="报案人电话")] = None,
    reporter_address: Annotated[str | None, typer.Option("--reporter-address", help="报案人联系地址")] = None,
    relation: Annotated[str | None, typer.Option("--relation", help="报案人与出险人关系,例如 配偶")] = None,
    place: Annotated[str | None, typer.Option("--place", help="出险地点")] = None,
    cause: Annotated[str | None, typer.Option("--cause", help="出险原因")] = None,
    course: Annotated[str | None, typer.Option("--course", help="出险经过")] = None,
    injury: Annotated[str | None, typer.Option("--injury", help="伤害程度")] = None,
    measures: Annotated[str | None, typer.Option("--measures", help="已采取措施")] = None,
    present_state: Annotated[str | None, typer.Option("--state", help="目前状况")] = None,
    hospital: Annotated[str | None, typer.Option("--hospital", help="就诊医院")] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """更正报案的出险情况和报案人信息: 审计记录保留原值、新值和原因。保单、出险人、出险时间登记错了的,
    请作废(void)后重新报案;报案后才了解到的重大案件情况用 major。"""
    from ..services import claims

    changes = dict(reporter_name=reporter, reporter_phone=reporter_phone, reporter_address=reporter_address,
                   reporter_relation=relation, incident_place=place, cause=cause, course=course, injury=injury,
                   measures=measures, present_state=present_state, hospital=hospital)  # fmt: skip
    data = claims.edit(state.db, claim_id, changes, reason=reason, clerk=clerk, at=at_value(at))
    from ..domain.claims import COLUMN_ZH

    personal = NAME_KEYS | PHONE_KEYS | ADDRESS_KEYS
    parts = [f"{COLUMN_ZH.get(c['field'], c['field'])}" + ("已更正" if c["field"] in personal else f": {c['before'] or '-'} → {c['after']}")
             for c in data["changes"]]  # fmt: skip
    _done(data, json, [f"已更正理赔报案 {data['id']}: {';'.join(parts)}"])


# --- reading -----------------------------------------------------------------------------------------

EVENT_ZH = {
    "report": "报案登记", "major": "认定重大案件", "escalate": "向总部呈报", "apply": "受理理赔申请",
    "materials": "登记收到材料", "handover": "移交保险公司", "close": "结案", "note": "备注/联系记录", "assign": "改派",
    "void": "作废", "edit": "更正登记信息", "undo": "撤销上一步",
}  # fmt: skip


def _event_row(e: dict) -> list[str]:
    from ..domain import claims as cl
    from ..domain.deadlines import DEADLINE_EVENT_ZH, state_zh
    from .casework import event_action

    d = e["details"]
    if e["entity"] == "claim":
        what = "报案"
        action = event_action(EVENT_ZH.get(e["action"], e["action"]), e["action"], d)
        if e["action"] == "edit":
            names = "、".join(cl.COLUMN_ZH.get(k, k) for k in d.get("after") or {})
            action = f"更正登记信息: {names}(原因: {d.get('reason', '')})"
        elif e["action"] in ("apply", "materials") and d.get("missing") is not None:
            action += f": 缺 {len(d['missing'])} 项" if d["missing"] else ": 材料齐全"
        elif e["action"] == "close":
            action += f": {_lbl('RESULTS', d.get('result'))}" + (f"({d['result_reason']})" if d.get("result_reason") else "")
        elif e["action"] == "escalate" and d.get("to"):
            action = f"向{d['to']}呈报" + ("(逾期)" if d.get("late") else "")
        elif e["action"] == "handover" and d.get("to"):
            action = f"移交{d['to']}" + ("(逾期)" if d.get("late") else "")

        def word(s):
            return cl.STATUS_ZH[cl.Status(s)] if s in set(cl.Status) else (s or "")
    else:
        what = _kind_zh(d.get("kind", "")) or "期限"
        action = DEADLINE_EVENT_ZH.get(e["action"], e["action"])

        def word(s):
            try:
                return state_zh(s, bool(d.get("late"))) if s else ""
            except ValueError:
                return s

    before, after = word(e["from_status"]), word(e["to_status"])
    change = f"{before} → {after}" if before and before != after else after
    return [f"{e['at']:%Y-%m-%d %H:%M}", e["clerk"], what, action, change]


@app.command("show")
def show(
    claim_id: IdArg,
    as_of: Annotated[str | None, typer.Option("--as-of", help="按哪一天计算剩余工作日,默认今天")] = None,
    json: JsonOpt = False,
    unmask: UnmaskOpt = False,
) -> None:
    """显示理赔报案详情: 保单、出险情况、报案人、初审、重大案件、材料清单、期限、理赔回访与办理记录。"""
    from ..services import claims

    data = _mask(claims.show(state.db, claim_id, as_of=date_value(as_of, "--as-of")), unmask)
    if unmask:
        audit_unmask("claim show", 1, data["id"])
    if json:
        _print_json(data)
        return
    from ..render.output import print_lines, print_table

    d = data
    lines = [f"理赔报案 {d['id']}  状态: {_status_zh(d['status'])}  报案: {d['reported_at']:%Y-%m-%d %H:%M}"
             f"({_lbl('CLAIM_CHANNELS', d['channel'])})"]  # fmt: skip
    if d.get("voided_at"):
        lines.append(f"已作废: {d['voided_at']:%Y-%m-%d %H:%M},原因: {d['void_reason']}(不计入列表、报表和统计)")
    lines += report_lines(d)[1:]
    for key, name in (("cause", "出险原因"), ("course", "出险经过"), ("injury", "伤害程度"), ("measures", "已采取措施"),
                      ("present_state", "目前状况"), ("hospital", "就诊医院"), ("reporter_address", "报案人地址")):  # fmt: skip
        if d[key]:
            lines.append(f"{name}: {d[key]}")
    if d["escalated_at"]:
        lines.append(f"已于 {d['escalated_at']:%Y-%m-%d %H:%M} 向{d['escalated_to']}呈报")
    if d["applicant_name"]:
        lines.append(f"申请人: {d['applicant_name']} {d['applicant_phone'] or ''}")
    lines += _checklist_lines(d)
    if d["handed_over_at"]:
        lines.append(f"已于 {d['handed_over_at']:%Y-%m-%d %H:%M} 移交{d['handed_over_to']}")
    if d["closed_at"]:
        lines.append(f"结案: {d['closed_at']:%Y-%m-%d %H:%M} {_result_text(d)}")
    k = d["callback"]
    if k:
        lines.append(f"理赔回访: {k['id']} 期限 {k['due']}" + (" (已作废)" if k["voided"] else ""))
    lines.append("期限:")
    lines += _deadline_lines(d["deadlines"], only_open=False, basis=True) or ["  (无)"]
    lines.append(_next_line(d))
    print_lines(lines)
    print_table("办理记录", ["时间", "经办人", "对象", "动作", "状态变化"], [_event_row(e) for e in d["events"]])


@app.command("list")
def list_(
    status: Annotated[
        str | None,
        typer.Option("--status", help="状态: reported 已报案、refused 初审不予受理、applying 待补充材料、complete 材料齐全、"
                     "handed_over 已移交、closed 已结案"),
    ] = None,
    major: Annotated[bool, typer.Option("--major", help="只列重大案件")] = False,
    branch: Annotated[str | None, typer.Option("--branch", help="机构")] = None,
    handler: Annotated[str | None, typer.Option("--handler", help="经办人")] = None,
    reported_from: Annotated[str | None, typer.Option("--from", help="报案日期自(含)")] = None,
    reported_to: Annotated[str | None, typer.Option("--to", help="报案日期至(含)")] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="保单号(包含即可)")] = None,
    name: Annotated[str | None, typer.Option("--name", help="被保险人或报案人姓名(包含即可)")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列有逾期未完成期限的报案")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="按哪一天判断逾期,默认今天")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help=f"最多列出几件(1 到 {LIST_LIMIT_MAX})")] = None,
    all_: Annotated[bool, typer.Option("--all", help="包括已作废的报案")] = False,
    json: JsonOpt = False,
    csv: CsvOpt = False,
    unmask: UnmaskOpt = False,
) -> None:
    """按条件列出理赔报案(已作废的只在加 --all 时列出)。"""
    from ..services import claims

    one_output(json, csv, "claim list")
    limit = int_value(limit, "--limit", 1, LIST_LIMIT_MAX, 50)
    data = claims.list_(
        state.db, status=status, major=major, branch=branch, handler=handler,
        reported_from=date_value(reported_from, "--from"), reported_to=date_value(reported_to, "--to"),
        policy_no=policy, name=name, overdue=overdue, as_of=date_value(as_of, "--as-of"), limit=limit, all=all_,
    )  # fmt: skip
    data["items"] = _mask(data["items"], unmask)
    if unmask:
        audit_unmask("claim list", len(data["items"]))
    if json:
        _print_json(data)
        return
    if csv:
        import sys

        from ..render.output import csv_text

        keys = ["id", "status", "reported_at", "policy_no", "insured_name", "insured_id", "incident_at", "reporter_name",
                "reporter_phone", "major", "result", "branch", "handler"]  # fmt: skip
        rows = []
        for i in data["items"]:
            n = i["next_deadline"] or {}
            rows.append([i[k] for k in keys] + [";".join(i["missing"]), n.get("kind"), n.get("due")])
        sys.stdout.write(csv_text([*keys, "missing", "next_kind", "next_due"], rows))
        return
    from ..render.output import hours_left_zh, left_zh, print_lines, print_table

    if not data["items"]:
        print_lines([f"没有符合条件的理赔报案(截至 {data['as_of']})。已作废的报案加 --all 才列出;按姓名、电话查找可用 kefu search。"])
        return
    rows = []
    for i in data["items"]:
        n = i["next_deadline"]
        nxt = ""
        if n and n["unit"] == "hours":  # a clock-hour rule: the moment, not the day twice
            left = hours_left_zh(n["working_days_left"], overdue=n["overdue"], breached=n["breached"])
            nxt = f"{_kind_zh(n['kind'])} {n['due_at']:%Y-%m-%d %H:%M} 前({left})"
        elif n:
            nxt = f"{_kind_zh(n['kind'])} {n['due']}({left_zh(n['working_days_left'], overdue=n['overdue'])})"
        status_text = _status_zh(i["status"]) + ("(已作废)" if i["voided_at"] else "")
        rows.append([
            i["id"], status_text + (" 重大" if i["major"] else ""), f"{i['reported_at']:%Y-%m-%d %H:%M}", i["policy_no"],
            i["insured_name"], f"{i['incident_at']:%Y-%m-%d}", i["reporter_name"], i["reporter_phone"],
            f"缺 {len(i['missing'])} 项" if i["missing"] else "", i["branch"], i["handler"], nxt,
        ])  # fmt: skip
    print_table(
        f"理赔报案 {data['count']} 件(截至 {data['as_of']})",
        ["编号", "状态", "报案时间", "保单号", "被保险人", "出险日", "报案人", "电话", "材料", "机构", "经办人", "下一期限"],
        rows,
    )


@app.command("undo")
def undo(
    claim_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="撤销原因(记入审计),例如 误操作,应为另一件报案")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """撤销本案最近一次办理步骤(如移交、结案登记错了): 写入一条撤销记录,状态与期限恢复到该步骤之前,该步骤安排的理赔回访作废,原记录保留。"""
    from ..services.undo import undo as do_undo
    from .undo import print_undo

    r = do_undo(state.db, "claim", claim_id, reason=reason, clerk=clerk, at=at_value(at))
    print_undo(r, json, _status_zh(r["status"]))


# note / assign / void: the steps every case type shares (services/casework.py)
from .casework import add_to as _add_casework  # noqa: E402

_add_casework(app, "claim")
