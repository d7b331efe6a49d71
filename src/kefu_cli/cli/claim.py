"""`kefu claim …`: claim reports (理赔报案) from the report to the claim callback (show, list and
edit: cli/claim_show.py; undo, note, assign and void: cli/casework.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    AtOpt,
    ClerkOpt,
    HandlerOpt,
    JsonOpt,
    NewBranchOpt,
    NewHandlerOpt,
    NoteOpt,
    PolicyBranchOpt,
    UnmaskOpt,
    at_value,
    case_id_arg,
    date_value,
    int_value,
    lazy_commands,
    received_and_at,
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


IdArg = case_id_arg("claim")

# Options of the report, of `major` and of corrections, each defined once.
ReporterOpt = Annotated[str | None, typer.Option("--reporter", help="报案人姓名")]
ReporterPhoneOpt = Annotated[str | None, typer.Option("--reporter-phone", help="报案人联系电话,例如 13812345678")]
ReporterAddressOpt = Annotated[str | None, typer.Option("--reporter-address", help="报案人联系地址")]
RelationOpt = Annotated[
    str | None,
    typer.Option(
        "--relation",
        help="报案人与出险人关系: self 本人、spouse 配偶、parent 父母、child 子女、relative 其他亲属、"
        "employer 单位、agent 代理人、other 其他",
    ),
]
PlaceOpt = Annotated[str | None, typer.Option("--place", help="出险地点")]
CauseOpt = Annotated[str | None, typer.Option("--cause", help="出险原因,例如 交通事故、疾病")]
CourseOpt = Annotated[str | None, typer.Option("--course", help="出险经过")]
InjuryOpt = Annotated[str | None, typer.Option("--injury", help="伤害程度,例如 左腿骨折、身故")]
MeasuresOpt = Annotated[str | None, typer.Option("--measures", help="已采取的措施,例如 已送医、已报警")]
StateOpt = Annotated[str | None, typer.Option("--state", help="目前状况,例如 住院治疗中")]
HospitalOpt = Annotated[str | None, typer.Option("--hospital", help="就诊医院")]
DeathsOpt = Annotated[int, typer.Option("--deaths", help="本次事故死亡人数(2 人以上为重大案件)")]
EstimateOpt = Annotated[
    str | None, typer.Option("--estimate", help="预计理赔金额(元),例如 600000 或 60万;超过 50 万元为重大案件")
]
UncertainOpt = Annotated[
    bool, typer.Option("--uncertain", help="重大事故后结果暂时无法确定(保额超过 50 万元时为重大案件)")
]
DisputeOpt = Annotated[
    str | None,
    typer.Option("--dispute", help="争议已向何处投诉: media 媒体、regulator 主管机关、association 同业公会(重大案件)"),
]
LitigationOpt = Annotated[bool, typer.Option("--litigation", help="争议较大,可能引起诉讼或已涉及诉讼(重大案件)")]


def _done(data: dict, json: bool, headline: list[str], unmask: bool = False, command: str = "", clerk=None,
          checklist: bool = False) -> None:  # fmt: skip
    from .claim_render import done

    done(data, json, headline, unmask, command, clerk, checklist)


def _mask(data, unmask: bool):
    from .labels import mask_after_sales

    return data if unmask else mask_after_sales(data)


# --- report ------------------------------------------------------------------------------------


@app.command("report")
def report(
    incident: Annotated[
        str | None, typer.Option("--incident", help="出险时间,例如 2026-11-19T18:30 或 2026-11-19(时间不详)")
    ] = None,
    reporter: ReporterOpt = None,
    reporter_phone: ReporterPhoneOpt = None,
    policy: Annotated[str, typer.Option("--policy", help="保单号(不知道时可只给被保险人姓名或证件号码)")] = "",
    insured: Annotated[str, typer.Option("--insured", help="出险人(被保险人)姓名")] = "",
    id_number: Annotated[str, typer.Option("--id-number", help="出险人身份证号码(18 位),同名时用于确认身份")] = "",
    channel: Annotated[
        str,
        typer.Option("--channel", help="报案方式: phone 电话、visit 上门、fax 传真、letter 信函(书信)、email、online"),
    ] = "phone",
    received: Annotated[
        str | None, typer.Option("--received", help="接到报案的时间,默认现在;重大案件 24 小时自此起算")
    ] = None,
    place: PlaceOpt = "",
    cause: CauseOpt = "",
    course: CourseOpt = "",
    injury: InjuryOpt = "",
    measures: MeasuresOpt = "",
    present_state: StateOpt = "",
    hospital: HospitalOpt = "",
    reporter_address: ReporterAddressOpt = "",
    relation: RelationOpt = "self",
    known: Annotated[
        str | None, typer.Option("--known", help="申请人知道(或应当知道)出险之日,默认出险日;索赔时效自此起算")
    ] = None,
    not_covered: Annotated[
        str | None, typer.Option("--not-covered", help="经办人判断不属保险责任时写明原因(初审不通过,书面告知客户)")
    ] = None,
    deaths: DeathsOpt = 0,
    estimate: EstimateOpt = None,
    uncertain: UncertainOpt = False,
    dispute: DisputeOpt = None,
    litigation: LitigationOpt = False,
    branch: PolicyBranchOpt = "",
    handler: HandlerOpt = "",
    new_handler: NewHandlerOpt = False,
    new_branch: NewBranchOpt = False,
    new_incident: Annotated[
        bool, typer.Option("--new-incident", help="同一保单同一天已有报案,但确为另一次事故时加上")
    ] = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """登记一次理赔报案: 先查重、核对保单与出险人,再初审(保险期间、保险责任、索赔时效)并判断是否重大案件。"""
    from .guided_cases import guide, incident_value

    g = guide("claim report", locals())
    incident, reporter, reporter_phone, policy = g["incident"], g["reporter"], g["reporter_phone"], g["policy"]
    insured, branch = g["insured"], g["branch"]
    from ..services import claims

    received_dt, at_dt = received_and_at(received, at)
    deaths = int_value(deaths, "--deaths", 0, 10_000, 2) or 0
    data = claims.add(
        state.db, clerk=clerk, at=at_dt, received=received_dt or at_dt, incident=incident_value(incident),
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
    from .claim_render import report_lines

    _done(data, json, report_lines(_mask(data, unmask)), unmask, "claim report", clerk)


# --- steps -----------------------------------------------------------------------------------------


@app.command("major")
def major(
    claim_id: IdArg,
    deaths: DeathsOpt = 0,
    estimate: EstimateOpt = None,
    uncertain: UncertainOpt = False,
    dispute: DisputeOpt = None,
    litigation: LitigationOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """报案后才了解到重大案件情况时标记为重大案件: 自了解情况起 24 小时内须向总部呈报。"""
    from ..services import claim_steps

    deaths = int_value(deaths, "--deaths", 0, 10_000, 2) or 0
    data = claim_steps.mark_major(state.db, claim_id, deaths=deaths, estimate=estimate, dispute=dispute,
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
    from ..services import claim_steps

    data = claim_steps.escalate(state.db, claim_id, to=to, note=note, clerk=clerk, at=at_value(at))
    late = ",已超过 24 小时期限(记为逾期完成)" if data["late"] else ",在期限内"
    _done(
        data,
        json,
        [f"已记录理赔报案 {data['id']} 于 {data['escalated_at']:%Y-%m-%d %H:%M} 向{data['escalated_to']}呈报{late}"],
    )


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
        list[str] | None,
        typer.Option("--received", help="已收到的材料(可多次,或用逗号分隔;all 表示全部),例如 理赔申请书"),
    ] = None,
    applicant: Annotated[str | None, typer.Option("--applicant", help="申请人(保险金请求权人)姓名,默认报案人")] = None,
    applicant_phone: Annotated[
        str | None, typer.Option("--applicant-phone", help="申请人电话(理赔回访打这个号码)")
    ] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """受理理赔申请: 按索赔类型列出材料清单;材料不全时列出须补充的材料,齐全时开始 3 个工作日的移交期限。"""
    from ..services import claim_steps

    data = claim_steps.apply_claim(state.db, claim_id, types=types, received=received, applicant=applicant,
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
    from ..services import claim_steps

    data = claim_steps.materials(state.db, claim_id, received=received, remove=remove, clerk=clerk, at=at_value(at))
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
        from ..render.output import print_json

        print_json({"types": codes, "items": items})
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
    from ..services import claim_steps

    data = claim_steps.handover(state.db, claim_id, to=to, note=note, clerk=clerk, at=at_value(at))
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
    from ..services import claim_steps

    data = claim_steps.close(
        state.db, claim_id, result=result, reason=reason, amount=amount, clerk=clerk, at=at_value(at)
    )
    from .claim_render import result_text

    head = [f"理赔报案 {data['id']} 已结案: {result_text(data)}"]
    k = data["callback"]
    if k:
        head.append(f"已安排理赔回访 {k['id']},回访期限 {k['due']}(kefu callback show {k['id']})")
    _done(data, json, head)


# show, list and edit are built from their own module when used; undo, note, assign and void are
# the steps every case type shares (cli/casework.py).
lazy_commands(app, "kefu_cli.cli.claim_show", "edit", "show", "list:list_")

from .casework import add_to as _add_casework  # noqa: E402

_add_casework(app, "claim")
