"""`kefu complaint …`: complaints from registration to decision."""

from __future__ import annotations

from typing import Annotated

import typer

from ..domain.policy import DEFAULTS
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
    text_value,
)


def _rule(key: str) -> str:
    """A default from the policy table with its unit, for help texts (the database may hold another value)."""
    from ..domain.policy import UNIT_ZH

    r = DEFAULTS[key]
    return f"{r.value} 个{UNIT_ZH[r.unit]}"


app = typer.Typer(
    help="投诉: 登记、补充材料、受理/不予受理/转办/合并、延期、中止、处理决定、撤回。\n\n"
    "期限何时算完成: 告知补充材料 — notify,或材料齐全(materials --complete)时;"
    "受理决定 — accept/reject/transfer/merge;处理决定 — decide;"
    "初步调查(接收后24小时) — 第一次办理动作(investigate、notify、accept、reject、transfer、merge、pause、decide);"
    "监管报告 — regulator-report。逾期完成的也如实记录。",
    no_args_is_help=True,
)

IdArg = Annotated[str, typer.Argument(help="投诉编号,例如 TS-20261121-0007")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="备注(最多 10000 个字符)")]
NOTE_MAX = 10_000


def _note(note: str | None) -> str | None:
    return text_value(note, "--note 备注", NOTE_MAX, multiline=True, example="已电话告知需补充病历")


LateOpt = Annotated[
    bool, typer.Option("--late", help="期限已过仍要登记(明知逾期): 照常记录,并记为逾期,逾期不会因此消除")
]


def _kind_zh(kind: str) -> str:
    from ..domain.deadlines import DEADLINE_KIND_ZH, DeadlineKind

    try:
        return DEADLINE_KIND_ZH[DeadlineKind(kind)]
    except ValueError:
        return kind


def _status_zh(status: str) -> str:
    from ..domain.complaint import STATUS_ZH, Status

    return STATUS_ZH[Status(status)]


def _mask(data: dict, unmask: bool) -> dict:
    """Names and phones masked (the case's own and those in its events' details) unless `unmask`."""
    if unmask:
        return data
    from ..render.output import mask_personal

    return mask_personal(data)


def _deadline_lines(deadlines: list[dict], only_open: bool, basis: bool = False) -> list[str]:
    from ..domain.deadlines import DEADLINE_STATUS_ZH, DeadlineStatus

    lines = []
    for d in deadlines:
        if only_open and d["status"] not in ("open", "paused"):
            continue
        due = d["due_at"].strftime("%Y-%m-%d %H:%M") if d["kind"] == "initial_investigation" else str(d["due"])
        mark = "  [临时]" if d["provisional"] else ""
        if d["status"] == "paused":
            left = d["working_days_left"]
            state_text = f"暂停(自 {d['paused_at']:%Y-%m-%d} 起,剩余 {left} 个工作日冻结)"
            if d["breached"]:
                state_text += ",中止前已逾期"
        elif d["status"] == "open" and d["unit"] == "hours":
            from ..render.output import hours_left_zh

            state_text = hours_left_zh(d["working_days_left"], overdue=d["late"], breached=d["breached"])
        elif d["status"] == "open":
            from ..render.output import left_zh

            state_text = left_zh(d["working_days_left"], overdue=d["late"])
        else:
            state_text = DEADLINE_STATUS_ZH[DeadlineStatus(d["status"])]
            if d["met_at"]:
                state_text += f"于 {d['met_at']:%Y-%m-%d %H:%M}" + ("(逾期完成)" if d["breached"] else "")
            elif d["breached"]:
                state_text += "(此前已逾期)"
        lines.append(f"  {_kind_zh(d['kind'])}: {due} 前{mark} — {state_text}")
        if basis and d.get("basis"):
            from ..domain.policy import basis_zh

            lines.append(f"      依据: {basis_zh(d['basis'])}")
    return lines


def _callback_lines(callbacks: list[dict]) -> list[str]:
    from ..domain import callback as cb
    from ..domain.codes import label

    lines = []
    for k in callbacks:
        status = "已作废" if k["voided"] else label(cb.STATUSES, k["status"])
        when = f",约定 {k['scheduled_at']:%Y-%m-%d %H:%M}" if k.get("scheduled_at") else ""
        lines.append(f"  {k['id']} {label(cb.KINDS, k['kind'])}回访,期限 {k['due']}{when} — {status}")
    return lines


def _done(
    result: dict, json: bool, headline: str, unmask: bool = False, command: str = "complaint add", clerk=None
) -> None:
    """Print the result of a state change: JSON, or the headline and the open deadlines."""
    if unmask:
        audit_unmask(command, 1, result.get("id"), clerk=clerk)
    if json:
        from ..render.output import print_json

        print_json(_mask(result, unmask))
        return
    from ..render.output import message, print_lines

    lines = [headline, f"当前状态: {_status_zh(result['status'])}"]
    open_lines = _deadline_lines(result["deadlines"], only_open=True)
    lines += ["进行中的期限:", *open_lines] if open_lines else ["没有进行中的期限。"]
    new_callbacks = [k for k in result.get("callbacks", []) if k["id"] in (result.get("scheduled") or [])]
    if new_callbacks:
        lines += ["已安排回访:", *_callback_lines(new_callbacks)]
    print_lines(lines)
    if any(d["provisional"] and d["status"] == "open" for d in result["deadlines"]):
        message("注意: 标记 [临时] 的期限涉及尚未公布节假日安排的年份,公布并导入后会自动重算。", style="yellow")


@app.command("add")
def add(
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            help="受理方式: phone 电话、fax 传真、letter 信函、visit 现场、email 电子邮件、online 在线、regulator 监管转办",
        ),
    ],
    category: Annotated[
        str, typer.Option("--category", help="类别: claims 理赔、service 服务、product 产品、sales 销售、other 其他")
    ],
    name: Annotated[str, typer.Option("--name", help="投诉人姓名")],
    phone: Annotated[str, typer.Option("--phone", help="联系电话,例如 13812345678")],
    received: Annotated[str | None, typer.Option("--received", help="接收时间,默认现在,例如 2026-11-21T09:30;只写日期表示当天 09:00")] = None,
    relation: Annotated[
        str,
        typer.Option(
            "--relation", help="与消费者关系: self 本人、agent 受托人、guardian 法定代理人、heir 继承人、other 其他"
        ),
    ] = "self",
    policy: Annotated[str, typer.Option("--policy", help="保单号")] = "",
    summary: Annotated[str, typer.Option("--summary", help="投诉内容摘要")] = "",
    branch: Annotated[str, typer.Option("--branch", help="机构")] = "",
    handler: Annotated[str, typer.Option("--handler", help="处理人")] = "",
    incomplete: Annotated[
        bool, typer.Option("--incomplete", help="材料不全(先告知补充材料;受理期限自材料齐全起算,处理期限仍自收到投诉起算,以规则表为准)")
    ] = False,
    regulator_ref: Annotated[str | None, typer.Option("--regulator-ref", help="监管转办编号(监管转办时必填)")] = None,
    regulator_due: Annotated[
        str | None,
        typer.Option(
            "--regulator-due",
            help=f"监管要求的报告日期,默认按规则表 complaint.regulator_report(默认 {_rule('complaint.regulator_report')})",
        ),
    ] = None,
    new_handler: Annotated[bool, typer.Option("--new-handler", help="处理人不在经办人名单中时一并新增(新同事)")] = False,
    new_branch: Annotated[bool, typer.Option("--new-branch", help="机构不在机构名单中时一并新增")] = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """登记一件投诉: 生成投诉编号,开始计算各项期限,提示可能的重复投诉。"""
    from ..services import complaints

    received_dt = at_value(received, "--received")
    if at is None and received_dt is not None:
        from ..domain.timeutil import check_not_future
        from ..services import clock

        check_not_future(received_dt, "--received", clock.now())
    at_dt = at_value(at) or received_dt  # registering a past receipt: the event happened then
    result = complaints.add(
        state.db,
        clerk=clerk,
        at=at_dt,
        channel=channel,
        category=category,
        name=name,
        phone=phone,
        received=received_dt or at_dt,
        relation=relation,
        policy_no=policy,
        summary=summary,
        branch=branch,
        handler=handler,
        incomplete=incomplete,
        regulator_ref=regulator_ref,
        regulator_due=date_value(regulator_due, "--regulator-due"),
        new_handler=new_handler,
        new_branch=new_branch,
    )
    from ..render.output import message

    if result["duplicates"]:
        message(
            f"提示: 已有同一保单或同一电话同类别的投诉 {'、'.join(result['duplicates'])}(处理中或已决定),"
            "请核实是否为重复投诉(有新事实可用 merge --new-facts 合并)。",
            style="yellow",
        )
    _done(result, json, f"已登记投诉 {result['id']}", unmask, clerk=clerk)


@app.command("materials")
def materials(
    complaint_id: IdArg,
    complete: Annotated[bool, typer.Option("--complete", help="投诉材料已齐全(受理与处理期限自此起算)")] = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """记录材料齐全: 告知补充材料期限随之完成,开始计算自材料齐全起算的期限(默认为受理期限;见 `kefu policy list`)。"""
    from ..domain.errors import InputError

    if not complete:
        raise InputError("请写明 --complete 表示材料已齐全,例如 kefu complaint materials TS-20261121-0007 --complete")
    from ..services import complaints

    _done(complaints.materials_complete(state.db, complaint_id, clerk=clerk, at=at_value(at)), json, "已记录材料齐全")


@app.command("notify")
def notify(
    complaint_id: IdArg, note: NoteOpt = None, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None
) -> None:
    """记录已告知投诉人需要补充的材料(完成“告知补充材料”期限)。"""
    from ..services import complaints

    _done(
        complaints.notify(state.db, complaint_id, note=_note(note), clerk=clerk, at=at_value(at)),
        json,
        "已记录告知补充材料",
    )


@app.command("investigate")
def investigate(
    complaint_id: IdArg, note: NoteOpt = None, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None
) -> None:
    """记录处理小组已开始初步调查(完成“初步调查”24小时期限)。"""
    from ..services import complaints

    _done(
        complaints.investigate(state.db, complaint_id, note=_note(note), clerk=clerk, at=at_value(at)),
        json,
        "已记录开始初步调查",
    )


@app.command("accept")
def accept(complaint_id: IdArg, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None) -> None:
    """受理投诉(本公司负责处理)。"""
    from ..services import complaints

    _done(complaints.accept(state.db, complaint_id, clerk=clerk, at=at_value(at)), json, f"已受理投诉 {complaint_id}")


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
    from ..services import complaints

    result = complaints.reject(state.db, complaint_id, reason=reason, note=_note(note), clerk=clerk, at=at_value(at))
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
    from ..services import complaints

    result = complaints.transfer(state.db, complaint_id, to=to, internal=internal, clerk=clerk, at=at_value(at))
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
    from ..services import complaints

    result = complaints.merge(
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
    from ..services import complaints

    approver = text_value(approver, "--approver 批准人", 50, example="王总")
    result = complaints.extend(
        state.db, complaint_id, level=level, approver=approver, late=late, clerk=clerk, at=at_value(at)
    )
    _done(result, json, f"已延长投诉 {complaint_id} 的处理期限,请告知投诉人延期及理由")


@app.command("pause")
def pause(
    complaint_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="中止原因,例如 伤残鉴定")],
    late: LateOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """外部鉴定/检测/评估期间中止处理期限: 期限暂停(不算逾期),恢复时按中止的时间顺延
    (自然日规则加中止的天数,工作日规则加中止的工作日)。期限已过才中止会被拒绝,除非加 --late(记为逾期)。"""
    from ..services import complaints

    _done(
        complaints.pause(state.db, complaint_id, reason=reason, late=late, clerk=clerk, at=at_value(at)),
        json,
        f"已中止投诉 {complaint_id},请告知投诉人",
    )


@app.command("resume")
def resume(complaint_id: IdArg, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None) -> None:
    """外部鉴定结束,恢复处理: 暂停的期限按中止的时间顺延(自然日或工作日,依规则的单位)。"""
    from ..services import complaints

    result = complaints.resume(state.db, complaint_id, clerk=clerk, at=at_value(at))
    _done(result, json, f"已恢复处理投诉 {complaint_id},累计中止 {result['paused_workdays']} 个工作日")


@app.command("decide")
def decide(
    complaint_id: IdArg,
    result: Annotated[str, typer.Option("--result", help="处理决定内容")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """作出处理决定(并安排投诉处理回访)。"""
    from ..services import complaints

    _done(
        complaints.decide(state.db, complaint_id, result=result, clerk=clerk, at=at_value(at)),
        json,
        f"已对投诉 {complaint_id} 作出处理决定",
    )


@app.command("withdraw")
def withdraw(
    complaint_id: IdArg, note: NoteOpt = None, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None
) -> None:
    """投诉人撤回投诉: 当日终止处理,进行中的期限均不再适用。"""
    from ..services import complaints

    _done(
        complaints.withdraw(state.db, complaint_id, note=_note(note), clerk=clerk, at=at_value(at)),
        json,
        f"投诉 {complaint_id} 已撤回,处理终止",
    )


@app.command("regulator-report")
def regulator_report(
    complaint_id: IdArg, note: NoteOpt = None, json: JsonOpt = False, at: AtOpt = None, clerk: ClerkOpt = None
) -> None:
    """记录已向转办的监管机构书面报告(完成“监管转办报告”期限)。"""
    from ..services import complaints

    _done(
        complaints.regulator_report(state.db, complaint_id, note=_note(note), clerk=clerk, at=at_value(at)),
        json,
        "已记录向监管机构报告",
    )


@app.command("show")
def show(
    complaint_id: IdArg,
    as_of: Annotated[str | None, typer.Option("--as-of", help="按哪一天计算剩余工作日,默认今天")] = None,
    json: JsonOpt = False,
    unmask: UnmaskOpt = False,
) -> None:
    """显示投诉详情、各项期限(剩余工作日)与办理记录。"""
    from ..services import complaints

    data = _mask(complaints.show(state.db, complaint_id, as_of=date_value(as_of, "--as-of")), unmask)
    if unmask:
        audit_unmask("complaint show", 1, data["id"])
    if json:
        from ..render.output import print_json

        print_json(data)
        return
    from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, label
    from ..render.output import print_lines, print_table

    lines = [
        f"投诉 {data['id']}  状态: {_status_zh(data['status'])}",
        f"接收: {data['received_at']:%Y-%m-%d %H:%M}  方式: {label(CHANNELS, data['channel'])}  类别: {label(CATEGORIES, data['category'])}",
        f"投诉人: {data['name']}({label(RELATIONS, data['relation'])})  电话: {data['phone']}  保单: {data['policy_no'] or '-'}",
        f"机构: {data['branch'] or '-'}  处理人: {data['handler'] or '-'}",
    ]
    if data.get("voided_at"):
        lines.insert(1, f"已作废: {data['voided_at']:%Y-%m-%d %H:%M},原因: {data['void_reason']}(不计入列表、报表和统计)")
    if data["summary"]:
        lines.append(f"内容: {data['summary']}")
    if data["regulator_ref"]:
        lines.append(f"监管转办编号: {data['regulator_ref']}")
    if data["paused_workdays"]:
        lines.append(f"累计中止: {data['paused_workdays']} 个工作日")
    if data["extension_level"]:
        from ..domain.complaint import EXTENSION_ZH, ExtensionLevel

        lines.append(
            f"延期: {EXTENSION_ZH[ExtensionLevel(data['extension_level'])]}"
            + (f"(批准人 {data['extension_approver']})" if data["extension_approver"] else "")
        )
    if data["result"]:
        lines.append(f"处理决定: {data['result']}({data['decided_at']:%Y-%m-%d %H:%M})")
    lines += _outcome_lines(data)
    lines.append("期限:")
    lines += _deadline_lines(data["deadlines"], only_open=False, basis=True)
    if data["callbacks"]:
        lines += ["回访:", *_callback_lines(data["callbacks"])]
    print_lines(lines)
    print_table(
        "办理记录",
        ["时间", "经办人", "对象", "动作", "状态变化"],
        [
            [
                f"{e['at']:%Y-%m-%d %H:%M}",
                e["clerk"],
                "投诉" if e["entity"] == "complaint" else _kind_zh(e["details"].get("kind", "")) or "期限",
                *_event_zh(e),
            ]
            for e in data["events"]
        ],
    )


def _outcome_lines(data: dict) -> list[str]:
    """How the case ended or stands, in a clerk's words: rejection reason and note, transfer,
    merge, pause reason, withdrawal note."""
    from ..domain.codes import label
    from ..domain.complaint import REJECT_REASONS

    lines = []
    if data["rejected_at"]:
        code = data["reject_reason"] or ""
        lines.append(f"不予受理: {label(REJECT_REASONS, code)}({data['rejected_at']:%Y-%m-%d %H:%M})")
        if data["reject_note"]:
            lines.append(f"  说明: {data['reject_note']}")
    if data["transferred_at"]:
        where = "本公司其他部门" if data["transfer_internal"] else "外部单位"
        lines.append(f"转办至: {data['transfer_to']}({where},{data['transferred_at']:%Y-%m-%d %H:%M})")
    if data["merged_into"]:
        lines.append(f"已合并至: {data['merged_into']}(新事实并入原投诉处理)")
    if data["paused_at"]:
        lines.append(f"中止: 自 {data['paused_at']:%Y-%m-%d %H:%M},原因: {data['pause_reason']}")
    elif data["pause_reason"]:
        lines.append(f"曾中止,原因: {data['pause_reason']}")
    if data["withdrawn_at"]:
        note = next((e["details"].get("note") for e in reversed(data.get("events", [])) if e["action"] == "withdraw"), None)
        lines.append(f"已撤回: {data['withdrawn_at']:%Y-%m-%d %H:%M}" + (f",{note}" if note else ""))
    return lines


def _event_zh(e: dict) -> tuple[str, str]:
    """(action, from → to) of a timeline event in Chinese; unknown codes are shown as they are."""
    from ..domain.complaint import EVENT_ZH
    from ..domain.deadlines import DEADLINE_EVENT_ZH, state_zh

    if e["entity"] == "complaint":

        def word(s):
            return _status_zh(s) if s else ""

        from .casework import event_action

        d = e["details"]
        action = event_action(EVENT_ZH.get(e["action"], e["action"]), e["action"], d)
    else:

        def word(s):
            try:
                return state_zh(s, bool(e["details"].get("late"))) if s else ""
            except ValueError:
                return s

        # a recompute written by a correction says so (the others follow a calendar change)
        key = "correct" if e["action"] == "recompute" and e["details"].get("start_after") else e["action"]
        action = DEADLINE_EVENT_ZH.get(key, e["action"])
    before, after = word(e["from_status"]), word(e["to_status"])
    return action, (f"{before} → {after}" if before else after)


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option("--status", help="状态,例如 accepted 或 已受理(处理中)")] = None,
    branch: Annotated[str | None, typer.Option("--branch", help="机构")] = None,
    handler: Annotated[str | None, typer.Option("--handler", help="处理人")] = None,
    category: Annotated[str | None, typer.Option("--category", help="类别,例如 claims 或 理赔")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="受理方式,例如 phone 或 电话")] = None,
    received_from: Annotated[
        str | None, typer.Option("--received-from", "--from", help="接收日期自(含),例如 2026-11-01")
    ] = None,
    received_to: Annotated[
        str | None, typer.Option("--received-to", "--to", help="接收日期至(含),例如 2026-11-30")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列有逾期未完成期限的投诉")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="按哪一天判断逾期,默认今天")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help=f"最多列出几件(1 到 {LIST_LIMIT_MAX})")] = None,
    all_: Annotated[bool, typer.Option("--all", help="包括已作废(误登记)的投诉")] = False,
    name: Annotated[str | None, typer.Option("--name", help="投诉人姓名(包含即可),例如 王")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="电话号码或后 4 位,例如 5678")] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="保单号(包含即可)")] = None,
    due_from: Annotated[str | None, typer.Option("--due-from", help="有未完成期限到期不早于此日")] = None,
    due_to: Annotated[str | None, typer.Option("--due-to", help="有未完成期限到期不晚于此日")] = None,
    json: JsonOpt = False,
    csv: CsvOpt = False,
    unmask: UnmaskOpt = False,
) -> None:
    """按条件列出投诉(已作废的只在加 --all 时列出)。"""
    from ..services import complaint_list

    one_output(json, csv, "complaint list")
    limit = int_value(limit, "--limit", 1, LIST_LIMIT_MAX, 50)
    data = complaint_list.list_(
        state.db,
        status=status,
        branch=branch,
        handler=handler,
        category=category,
        channel=channel,
        received_from=date_value(received_from, "--from"),
        received_to=date_value(received_to, "--to"),
        overdue=overdue,
        as_of=date_value(as_of, "--as-of"),
        limit=limit,
        all=all_,
        name=name,
        phone=phone,
        policy_no=policy,
        due_from=date_value(due_from, "--due-from"),
        due_to=date_value(due_to, "--due-to"),
    )
    data["items"] = [_mask(i, unmask) for i in data["items"]]
    if unmask:
        audit_unmask("complaint list", len(data["items"]))
    if json:
        from ..render.output import print_json

        print_json(data)
        return
    headers = ["id", "status", "received_at", "channel", "category", "name", "phone", "policy_no", "branch", "handler"]
    if csv:
        import sys

        from ..render.output import csv_text

        extra = ["next_kind", "next_due", "working_days_left"]
        rows = []
        for i in data["items"]:
            n = i["next_deadline"] or {}
            rows.append([i[h] for h in headers] + [n.get("kind"), n.get("due"), n.get("working_days_left")])
        sys.stdout.write(csv_text(headers + extra, rows))
        return
    from ..domain.codes import CATEGORIES, CHANNELS, label
    from ..render.output import left_zh, print_lines, print_table

    if not data["items"]:  # a sentence, not a table of headers
        print_lines([f"没有符合条件的投诉(截至 {data['as_of']})。已作废的只在加 --all 时列出。"])
        return
    rows = []
    for i in data["items"]:
        n = i["next_deadline"]
        nxt = ""
        if n:
            left_text = left_zh(n["working_days_left"], overdue=n.get("overdue"), paused=n.get("paused"))
            nxt = f"{_kind_zh(n['kind'])} {n['due']}({left_text})"
        rows.append(
            [
                i["id"],
                f"已作废({_status_zh(i['status'])})" if i["voided_at"] else _status_zh(i["status"]),
                f"{i['received_at']:%Y-%m-%d %H:%M}",
                label(CHANNELS, i["channel"]),
                label(CATEGORIES, i["category"]),
                i["name"],
                i["phone"],
                i["branch"],
                i["handler"],
                nxt,
            ]
        )
    full = f",只列出最早的 {limit} 件,更多请加 --limit 或缩小条件" if data["count"] == limit else ""
    print_table(
        f"投诉 {data['count']} 件(截至 {data['as_of']}{full})",
        ["编号", "状态", "接收时间", "方式", "类别", "投诉人", "电话", "机构", "处理人", "下一期限"],
        rows,
    )


ReasonOpt = Annotated[str, typer.Option("--reason", help="原因(记入审计),例如 电话号码录入错误")]
NewHandlerOpt = Annotated[bool, typer.Option("--new-handler", help="处理人不在经办人名单中时一并新增(新同事)")]
NewBranchOpt = Annotated[bool, typer.Option("--new-branch", help="机构不在机构名单中时一并新增")]


def _moved_lines(moved: list[dict]) -> list[str]:
    lines = []
    for m in moved:
        before = m["due_before"] or "-"
        after = m["due_after"] or "不再适用"
        lines.append(f"  {m['case_id']} {m['kind_zh']}: {before} → {after}")
    return lines


@app.command("edit")
def edit(
    complaint_id: IdArg,
    reason: ReasonOpt,
    name: Annotated[str | None, typer.Option("--name", help="投诉人姓名")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话,例如 13812345678 或 010-88889999")] = None,
    relation: Annotated[str | None, typer.Option("--relation", help="与消费者关系,例如 self 或 本人")] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="保单号")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="投诉内容摘要")] = None,
    category: Annotated[str | None, typer.Option("--category", help="类别,例如 claims 或 理赔")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="受理方式,例如 phone 或 电话")] = None,
    branch: Annotated[str | None, typer.Option("--branch", help="机构")] = None,
    handler: Annotated[str | None, typer.Option("--handler", help="处理人")] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="接收时间,例如 2026-11-20T09:30(依赖它的期限随之重算)")
    ] = None,
    regulator_ref: Annotated[str | None, typer.Option("--regulator-ref", help="监管转办编号")] = None,
    regulator_due: Annotated[str | None, typer.Option("--regulator-due", help="监管要求的报告日期")] = None,
    new_handler: NewHandlerOpt = False,
    new_branch: NewBranchOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """更正登记信息(姓名、电话、保单、内容、类别、受理方式、机构、处理人、接收时间等): 审计记录保留原值、新值和原因;
    更正接收时间或受理方式时,依赖它的期限随之重算并列出。"""
    from ..services.corrections import edit_complaint

    changes = dict(name=name, phone=phone, relation=relation, policy=policy, summary=summary, category=category,
                   channel=channel, branch=branch, handler=handler,
                   received=at_value(received, "--received"),
                   regulator_ref=regulator_ref, regulator_due=date_value(regulator_due, "--regulator-due"))  # fmt: skip
    r = edit_complaint(state.db, complaint_id, changes, reason=reason, new_handler=new_handler,
                       new_branch=new_branch, clerk=clerk, at=at_value(at))  # fmt: skip
    if json:
        from ..render.output import print_json

        print_json(_mask(r, False))
        return
    from ..render.output import print_lines

    masked = {"phone", "name"}
    lines = [f"已更正投诉 {r['id']}(原因: {r['reason']}):"]
    for ch in r["changes"]:
        if ch["field"] in masked:
            lines.append(f"  {ch['label']}: 已更正(个人信息不显示,可用 show --unmask 查看)")
        else:
            lines.append(f"  {ch['label']}: {_shown(ch['before'])} → {_shown(ch['after'])}")
    if r["moved"]:
        lines += ["随之变动的期限:", *_moved_lines(r["moved"])]
    elif any(ch["field"] in ("received_at", "channel") for ch in r["changes"]):
        lines.append("期限日期没有变化。")
    print_lines(lines)


def _shown(value) -> str:
    import datetime as dt

    if value is None or value == "":
        return "-"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS

    for table in (CHANNELS, CATEGORIES, RELATIONS):
        if isinstance(value, str) and value in table:
            return table[value][0]
    return str(value)


@app.command("undo")
def undo(
    complaint_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="撤销原因(记入审计),例如 误操作,应为另一件投诉")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """撤销本案最近一次改变状态的步骤(如受理错了案件): 写入一条撤销记录,状态与期限恢复到该步骤之前,原记录保留。"""
    from ..services.undo import undo as do_undo
    from .undo import print_undo

    r = do_undo(state.db, "complaint", complaint_id, reason=reason, clerk=clerk, at=at_value(at))
    print_undo(r, json, _status_zh(r["status"]))

# note / assign / void: the steps every case type shares (services/casework.py)
from .casework import add_to as _add_casework  # noqa: E402

_add_casework(app, "complaint")
