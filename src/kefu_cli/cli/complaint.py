"""`kefu complaint …`: complaints from registration to decision (show, list and edit: cli/complaint_show.py,
cli/complaint_list.py; undo, note, assign and void: cli/casework.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..domain.policy import DEFAULTS
from .common import (
    AtOpt,
    BranchOpt,
    ClerkOpt,
    HandlerOpt,
    JsonOpt,
    NewBranchOpt,
    NewHandlerOpt,
    NoteOpt,
    PhoneOpt,
    PolicyOpt,
    UnmaskOpt,
    at_value,
    case_id_arg,
    lazy_commands,
    state,
    text_value,
)


def _rule(key: str) -> str:
    """A default from the policy table with its unit, for help texts (the database may hold another value)."""
    from ..domain.policy import UNIT_ZH

    r = DEFAULTS[key]
    return f"{r.value} 个{UNIT_ZH[r.unit]}"


app = typer.Typer(
    help="投诉: 登记、补充材料、受理/不予受理/转办/合并、延期、中止、处理决定、撤回、重大投诉。\n\n"
    "期限何时算完成: 告知补充材料 — notify,或材料齐全(materials --complete)时;"
    "受理决定 — accept/reject/transfer/merge;处理决定 — decide;"
    "初步调查(接收后24小时) — 第一次办理动作(investigate、notify、accept、reject、transfer、merge、pause、decide);"
    "监管报告 — regulator-report;重大投诉上报应急小组 — escalate。逾期完成的也如实记录。",
    no_args_is_help=True,
)


IdArg = case_id_arg("complaint")
NOTE_MAX = 10_000

# Options of registration, correction and the list, each defined once.
_category = typer.Option("--category", help="类别: claims 理赔、service 服务、product 产品、sales 销售、other 其他")
_channel = typer.Option(
    "--channel",
    help="受理方式: phone 电话、fax 传真、letter 信函、visit 现场、email 电子邮件、online 在线、regulator 监管转办",
)
CategoryOpt = Annotated[str | None, _category]
ChannelOpt = Annotated[str | None, _channel]
RelationOpt = Annotated[
    str | None,
    typer.Option(
        "--relation", help="与消费者关系: self 本人、agent 受托人、guardian 法定代理人、heir 继承人、other 其他"
    ),
]
ComplainantOpt = Annotated[str | None, typer.Option("--name", help="投诉人姓名")]
SummaryOpt = Annotated[str | None, typer.Option("--summary", help="投诉内容摘要")]
_missing = typer.Option("--missing", help='缺少的材料,以 、 , ， 分隔(补正材料通知书逐项列出),例如 "委托书、病历"')
MissingOpt = Annotated[str | None, _missing]
RegulatorRefOpt = Annotated[str | None, typer.Option("--regulator-ref", help="监管转办编号(监管转办时必填)")]
# The regulator's coding (domain/regulator.py; `kefu report regulator` counts by it).
DisputeOpt = Annotated[
    str | None,
    typer.Option("--dispute", help="纠纷类型(监管通报口径): sales 销售纠纷、claims 理赔纠纷、surrender 退保纠纷、"
                 "underwriting 承保纠纷、servicing 保全纠纷、renewal 续期续保纠纷、other 其他"),
]  # fmt: skip
LineOpt = Annotated[
    str | None,
    typer.Option("--line", help="险种(监管通报口径): motor 机动车辆保险、surety 保证保险、property_other 财产险其他、"
                 "life 普通人寿保险、critical_illness 疾病保险、medical 医疗保险、accident 意外伤害保险、"
                 "annuity 年金保险、participating 分红型、universal 万能型、unit_linked 投资连结、other 其他"),
]  # fmt: skip
CauseOpt = Annotated[
    str | None,
    typer.Option("--cause", help="根本原因(溯源整改): 产品设计、销售行为、理赔服务、服务质量、系统与设施、制度流程、其他"
                 "(或 product_design、sales_conduct、claims_service、service_quality、systems、process、other)"),
]  # fmt: skip
AboutOpt = Annotated[
    str | None, typer.Option("--about", help="被投诉人(业务员、代理人、柜员等),不能担任经办人(办法第十七条)")
]


def _note(note: str | None) -> str | None:
    return text_value(note, "--note 备注", NOTE_MAX, multiline=True, example="已电话告知需补充病历")


def _done(result: dict, json: bool, headline: str, unmask: bool = False, command: str = "complaint add", clerk=None):
    from .complaint_render import done

    done(result, json, headline, unmask, command, clerk)


LateOpt = Annotated[
    bool, typer.Option("--late", help="期限已过仍要登记(明知逾期): 照常记录,并记为逾期,逾期不会因此消除")
]


@app.command("add")
def add(
    channel: ChannelOpt = None,
    category: CategoryOpt = None,
    name: ComplainantOpt = None,
    phone: PhoneOpt = None,
    received: Annotated[
        str | None, typer.Option("--received", help="接收时间,默认现在,例如 2026-11-21T09:30;只写日期表示当天 09:00")
    ] = None,
    relation: RelationOpt = "self",
    policy: PolicyOpt = "",
    summary: SummaryOpt = "",
    branch: BranchOpt = "",
    handler: HandlerOpt = "",
    incomplete: Annotated[
        bool,
        typer.Option(
            "--incomplete", help="材料不全(先告知补充材料;受理期限自材料齐全起算,处理期限仍自收到投诉起算,以规则表为准)"
        ),
    ] = False,
    missing: MissingOpt = None,
    regulator_ref: RegulatorRefOpt = None,
    regulator_due: Annotated[
        str | None,
        typer.Option(
            "--regulator-due",
            help=f"监管要求的报告日期,默认按规则表 complaint.regulator_report(默认 {_rule('complaint.regulator_report')})",
        ),
    ] = None,
    dispute: DisputeOpt = None,
    line: LineOpt = None,
    people: Annotated[
        int | None, typer.Option("--people", help="共同投诉的人数;20 人以上为重大投诉,须在规定时限内上报应急小组")
    ] = None,
    representatives: Annotated[
        str | None, typer.Option("--representatives", help="群体投诉推选的代表(最多 5 名),以逗号或顿号分隔")
    ] = None,
    about: AboutOpt = None,
    new_handler: NewHandlerOpt = False,
    new_branch: NewBranchOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """登记一件投诉: 生成投诉编号,开始计算各项期限,提示可能的重复投诉。在终端中缺少必填项时逐项询问。"""
    from .complaint_add import add_complaint

    add_complaint(**locals())


@app.command("materials")
def materials(
    complaint_id: IdArg,
    complete: Annotated[bool, typer.Option("--complete", help="投诉材料已齐全(受理与处理期限自此起算)")] = False,
    missing: MissingOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """记录材料齐全(--complete): 告知补充材料期限随之完成,开始计算自材料齐全起算的期限(默认为受理期限;见
    `kefu policy list`),缺少的材料清单随之清空;或登记仍缺少的材料(--missing,替换原清单)。"""
    from ..services import complaint_steps as steps

    r, head = steps.materials(state.db, complaint_id, complete=complete, missing=missing, clerk=clerk, at=at_value(at))
    _done(r, json, head)


@app.command("notify")
def notify(
    complaint_id: IdArg, note: NoteOpt = None, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None
) -> None:
    """记录已告知投诉人需要补充的材料(完成“告知补充材料”期限)。"""
    from ..services import complaint_steps as steps

    _done(
        steps.notify(state.db, complaint_id, note=_note(note), clerk=clerk, at=at_value(at)),
        json,
        "已记录告知补充材料",
    )


@app.command("investigate")
def investigate(
    complaint_id: IdArg, note: NoteOpt = None, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None
) -> None:
    """记录处理小组已开始初步调查(完成“初步调查”24小时期限)。"""
    from ..services import complaint_steps as steps

    _done(
        steps.investigate(state.db, complaint_id, note=_note(note), clerk=clerk, at=at_value(at)),
        json,
        "已记录开始初步调查",
    )


@app.command("accept")
def accept(complaint_id: IdArg, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None) -> None:
    """受理投诉(本公司负责处理)。"""
    from ..services import complaint_steps as steps

    _done(steps.accept(state.db, complaint_id, clerk=clerk, at=at_value(at)), json, f"已受理投诉 {complaint_id}")


@app.command("reject")
def reject(
    complaint_id: IdArg,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="不予受理原因(必填): not_consumer 非本人或受托人、duplicate_open 重复(处理中)、"
            "duplicate_decided 重复(已决定)、not_company 不属本公司处理、not_complaint 不属于投诉",
        ),
    ] = None,
    note: NoteOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """不予受理,必须说明原因。"""
    from ..domain.errors import InputError

    if not reason:
        raise InputError(
            "不予受理必须说明原因: --reason not_consumer | duplicate_open | duplicate_decided | not_company | not_complaint"
        )
    from ..services import complaint_steps as steps

    result = steps.reject(state.db, complaint_id, reason=reason, note=_note(note), clerk=clerk, at=at_value(at))
    from ..domain.complaint import REJECT_REASON_ZH, RejectReason

    _done(result, json, f"已不予受理 {complaint_id}: {REJECT_REASON_ZH[RejectReason(result['reject_reason'])]}")


@app.command("transfer")
def transfer(
    complaint_id: IdArg,
    to: Annotated[str, typer.Option("--to", help="接收单位或部门")],
    internal: Annotated[bool, typer.Option("--internal", help="转本公司其他部门(非投诉事项)")] = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """转办: 转外部责任单位(不属本公司处理),或 --internal 转本公司其他部门。"""
    from ..services import complaint_steps as steps

    result = steps.transfer(state.db, complaint_id, to=to, internal=internal, clerk=clerk, at=at_value(at))
    _done(result, json, f"已将投诉 {complaint_id} 转{'本公司' if internal else ''} {result['transfer_to']}")


@app.command("merge")
def merge(
    complaint_id: IdArg,
    into: Annotated[str, typer.Option("--into", help="原投诉编号")],
    new_facts: Annotated[
        bool, typer.Option("--new-facts", help="有新事实或新理由: 并入原投诉,原投诉处理期限自新材料收到重新起算")
    ] = False,
    note: NoteOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """重复投诉: 有新事实时并入原投诉;没有新事实时按重复投诉不予受理(duplicate_open / duplicate_decided)。"""
    from ..services import complaint_steps as steps

    result = steps.merge(
        state.db, complaint_id, into=into, new_facts=new_facts, note=_note(note), clerk=clerk, at=at_value(at)
    )
    if result["status"] == "merged":
        headline = f"已将投诉 {result['id']} 并入 {result['merged_into']},原投诉的处理期限已自新材料收到重新起算"
    else:
        headline = f"投诉 {result['id']} 属重复投诉,已不予受理({result['reject_note']})"
    _done(result, json, headline)


@app.command("extend")
def extend(
    complaint_id: IdArg,
    level: Annotated[
        str,
        typer.Option(
            "--level",
            help=f"complex 情况复杂(默认自收到投诉合计 {_rule('complaint.decision_complex')});special 特别复杂"
            f"(默认合计 {_rule('complaint.decision_special')},需 --approver);以规则表为准",
        ),
    ],
    approver: Annotated[str | None, typer.Option("--approver", help="批准延期的高级管理人员")] = None,
    late: LateOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """延长处理期限(请同时告知投诉人)。期限已过才申请的延期会被拒绝,除非加 --late(记为逾期)。"""
    from ..services import complaint_steps as steps

    approver = text_value(approver, "--approver 批准人", 50, example="王总")
    result = steps.extend(
        state.db, complaint_id, level=level, approver=approver, late=late, clerk=clerk, at=at_value(at)
    )
    _done(result, json, f"已延长投诉 {complaint_id} 的处理期限,请告知投诉人延期及理由")


@app.command("pause")
def pause(
    complaint_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="中止原因,例如 伤残鉴定")],
    kind: Annotated[str, typer.Option("--kind", help="中止类型: 鉴定、检测、评估 或 调解(mediation)")] = "鉴定",
    late: LateOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """外部鉴定/检测/评估(办法第十八条)或调解(第二十三条)期间中止处理期限: 期限暂停(不算逾期),恢复时按中止的时间顺延
    (自然日规则加中止的天数,工作日规则加中止的工作日)。期限已过才中止会被拒绝,除非加 --late(记为逾期)。"""
    from ..services import complaint_steps as steps

    _done(
        steps.pause(state.db, complaint_id, reason=reason, kind=kind, late=late, clerk=clerk, at=at_value(at)),
        json,
        f"已中止投诉 {complaint_id},请告知投诉人",
    )


@app.command("resume")
def resume(complaint_id: IdArg, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None) -> None:
    """鉴定、检测、评估或调解结束,恢复处理: 暂停的期限按中止的时间顺延(自然日或工作日,依规则的单位)。"""
    from ..services import complaint_steps as steps

    result = steps.resume(state.db, complaint_id, clerk=clerk, at=at_value(at))
    _done(result, json, f"已恢复处理投诉 {complaint_id},累计中止 {result['paused_workdays']} 个工作日")


@app.command("decide")
def decide(
    complaint_id: IdArg,
    result: Annotated[str, typer.Option("--result", help="处理决定内容")],
    cause: CauseOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """作出处理决定(并安排投诉处理回访);--cause 记录投诉的根本原因(溯源整改,可选)。"""
    from ..services import complaint_steps as steps

    _done(
        steps.decide(state.db, complaint_id, result=result, cause=cause, clerk=clerk, at=at_value(at)),
        json,
        f"已对投诉 {complaint_id} 作出处理决定",
    )


@app.command("withdraw")
def withdraw(
    complaint_id: IdArg, note: NoteOpt = None, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None
) -> None:
    """投诉人撤回投诉: 当日终止处理,进行中的期限均不再适用。"""
    from ..services import complaint_steps as steps

    _done(
        steps.withdraw(state.db, complaint_id, note=_note(note), clerk=clerk, at=at_value(at)),
        json,
        f"投诉 {complaint_id} 已撤回,处理终止",
    )


@app.command("regulator-report")
def regulator_report(
    complaint_id: IdArg, note: NoteOpt = None, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None
) -> None:
    """记录已向转办的监管机构书面报告(完成“监管转办报告”期限)。"""
    from ..services import complaint_steps as steps

    _done(
        steps.regulator_report(state.db, complaint_id, note=_note(note), clerk=clerk, at=at_value(at)),
        json,
        "已记录向监管机构报告",
    )


# show, list, edit and review are built from their own modules when used; undo, note, assign, void: cli/casework.py
lazy_commands(app, "kefu_cli.cli.complaint_show", "show")
lazy_commands(app, "kefu_cli.cli.complaint_list", "list:list_")
lazy_commands(app, "kefu_cli.cli.complaint_show", "edit")
lazy_commands(app, "kefu_cli.cli.complaint_review", "review", "review-decide")
lazy_commands(app, "kefu_cli.cli.complaint_rectify", "rectify", "rectified")  # 溯源整改
lazy_commands(app, "kefu_cli.cli.complaint_major", "major", "escalate")

from .casework import add_to as _add_casework  # noqa: E402

_add_casework(app, "complaint")
