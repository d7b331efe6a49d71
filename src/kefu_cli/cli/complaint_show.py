"""`kefu complaint show` and `kefu complaint edit`: a complaint with its deadlines and timeline, and
corrections of its registration (services/corrections.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    AsOfOpt,
    AtOpt,
    BranchOpt,
    ClerkOpt,
    EditReasonOpt,
    HandlerOpt,
    JsonOpt,
    NewBranchOpt,
    NewHandlerOpt,
    PhoneOpt,
    PolicyOpt,
    ShowAllOpt,
    UnmaskOpt,
    at_value,
    audit_unmask,
    date_value,
    state,
)
from .complaint import (
    AboutOpt,
    CategoryOpt,
    CauseOpt,
    ChannelOpt,
    ComplainantOpt,
    DisputeOpt,
    IdArg,
    LineOpt,
    RegulatorRefOpt,
    RelationOpt,
    SummaryOpt,
)
from .complaint_render import callback_lines, deadline_lines, major_lines
from .labels import deadline_event, mask_personal, next_text, shown_deadlines, shown_events, status_zh


def _status_zh(status: str) -> str:
    return status_zh("complaint", status)


def show(
    complaint_id: IdArg,
    as_of: AsOfOpt = None,
    all_: ShowAllOpt = False,
    json: JsonOpt = False,
    unmask: UnmaskOpt = False,
) -> None:
    """显示投诉详情、各项期限(剩余工作日)、办理记录与下一步;计时记录和已被替代的期限加 --all 才列出。"""
    from ..services import complaint_views

    data = mask_personal(complaint_views.show(state.db, complaint_id, as_of=date_value(as_of, "--as-of")), unmask)
    if unmask:
        audit_unmask("complaint show", 1, data["id"])
    if json:
        from ..render.output import print_json

        print_json(data)
        return
    from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, label
    from ..render.output import print_lines, print_table

    lines = [
        f"投诉 {data['id']}  状态: {_status_zh(data['status'])}" + ("  重大投诉" if data.get("major") else ""),
        f"接收: {data['received_at']:%Y-%m-%d %H:%M}  方式: {label(CHANNELS, data['channel'])}  类别: {label(CATEGORIES, data['category'])}",
        f"投诉人: {data['name']}({label(RELATIONS, data['relation'])})  电话: {data['phone']}  保单: {data['policy_no'] or '-'}",
        f"机构: {data['branch'] or '-'}  处理人: {data['handler'] or '-'}",
    ]
    if data.get("voided_at"):
        lines.insert(
            1, f"已作废: {data['voided_at']:%Y-%m-%d %H:%M},原因: {data['void_reason']}(不计入列表、报表和统计)"
        )
    if data["summary"]:
        lines.append(f"内容: {data['summary']}")
    lines += major_lines(data)
    if data.get("missing_materials"):
        lines.append(f"缺少的材料: {'、'.join(data['missing_materials'])}")
    if data["regulator_ref"]:
        lines.append(f"监管转办编号: {data['regulator_ref']}")
    if data.get("dispute") or data.get("product_line"):
        from ..domain.regulator import DISPUTES, LINES

        lines.append(
            f"纠纷类型: {label(DISPUTES, data.get('dispute')) or '-'}  险种: {label(LINES, data.get('product_line')) or '-'}"
        )
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
    lines += _rectification_lines(data)
    lines += _outcome_lines(data)
    lines.append("期限:")
    lines += deadline_lines(
        shown_deadlines(data["deadlines"], all_), only_open=False, basis=True, as_of=date_value(as_of, "--as-of")
    )
    if data["callbacks"]:
        lines += ["回访:", *callback_lines(data["callbacks"])]
    if data.get("notices"):
        from ..domain.notices import proof_text

        lines.append("告知书:")
        lines += [f"  {n['at']:%Y-%m-%d %H:%M} {n['label']}({proof_text(n)})" for n in data["notices"]]
    print_lines(lines)
    print_table(
        "办理记录",
        ["时间", "操作人", "对象", "动作", "状态变化"],
        [_event_row(e) for e in shown_events(data["events"], all_)],
    )
    print_lines([next_text(data["next"])])


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
        lines.append(f"中止({_pause_kind(data)}): 自 {data['paused_at']:%Y-%m-%d %H:%M},原因: {data['pause_reason']}")
    elif data["pause_reason"]:
        lines.append(f"曾中止({_pause_kind(data)}),原因: {data['pause_reason']}")
    if data["withdrawn_at"]:
        note = next(
            (e["details"].get("note") for e in reversed(data.get("events", [])) if e["action"] == "withdraw"), None
        )
        lines.append(f"已撤回: {data['withdrawn_at']:%Y-%m-%d %H:%M}" + (f",{note}" if note else ""))
    return lines


def _event_row(e: dict) -> list[str]:
    """A timeline row in Chinese (time, clerk, object, action, from → to); unknown codes as they are."""
    if e["entity"] != "complaint":
        what, action, before, after = deadline_event(e)
    else:
        from ..domain.complaint import EVENT_ZH
        from .casework import event_action

        what = "投诉"
        action = event_action(EVENT_ZH.get(e["action"], e["action"]), e["action"], e["details"])
        before, after = (_status_zh(s) if s else "" for s in (e["from_status"], e["to_status"]))
    change = f"{before} → {after}" if before and before != after else after
    return [f"{e['at']:%Y-%m-%d %H:%M}", e["clerk"], what, action, change]


def _moved_lines(moved: list[dict]) -> list[str]:
    lines = []
    for m in moved:
        before = m["due_before"] or "-"
        after = m["due_after"] or "不再适用"
        lines.append(f"  {m['case_id']} {m['kind_zh']}: {before} → {after}")
    return lines


def edit(
    complaint_id: IdArg,
    reason: EditReasonOpt,
    name: ComplainantOpt = None,
    phone: PhoneOpt = None,
    relation: RelationOpt = None,
    policy: PolicyOpt = None,
    summary: SummaryOpt = None,
    category: CategoryOpt = None,
    channel: ChannelOpt = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    received: Annotated[
        str | None, typer.Option("--received", help="接收时间,例如 2026-11-20T09:30(依赖它的期限随之重算)")
    ] = None,
    regulator_ref: RegulatorRefOpt = None,
    regulator_due: Annotated[str | None, typer.Option("--regulator-due", help="监管要求的报告日期")] = None,
    dispute: DisputeOpt = None,
    line: LineOpt = None,
    cause: CauseOpt = None,
    about: AboutOpt = None,
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
                   regulator_ref=regulator_ref, regulator_due=date_value(regulator_due, "--regulator-due"),
                   dispute=dispute, line=line, cause=cause, about=about)  # fmt: skip
    r = edit_complaint(state.db, complaint_id, changes, reason=reason, new_handler=new_handler,
                       new_branch=new_branch, clerk=clerk, at=at_value(at))  # fmt: skip
    if json:
        from ..render.output import print_json

        print_json(mask_personal(r, False))
        return
    from ..render.output import print_lines

    masked = {"phone", "name"}
    lines = [f"已更正投诉 {r['id']}(原因: {r['reason']}):"]
    for ch in r["changes"]:
        if ch["field"] in masked:
            lines.append(f"  {ch['label']}: 已更正(个人信息不显示,可用 show --unmask 查看)")
        elif ch["field"] in ("dispute", "product_line"):  # the regulator's coding, by its labels
            from ..domain.codes import label
            from ..domain.regulator import DISPUTES, LINES

            table = DISPUTES if ch["field"] == "dispute" else LINES
            lines.append(f"  {ch['label']}: {_shown(label(table, ch['before']))} → {_shown(label(table, ch['after']))}")
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
    from ..domain.causes import CAUSES
    from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS

    for table in (CHANNELS, CATEGORIES, RELATIONS, CAUSES):
        if isinstance(value, str) and value in table:
            return table[value][0]
    return str(value)


def _rectification_lines(data: dict) -> list[str]:
    """The root cause and the rectification (溯源整改) of a decided complaint, in a clerk's words."""
    from ..domain.causes import CAUSES
    from ..domain.codes import label

    lines = [f"根本原因: {label(CAUSES, data['cause'])}"] if data.get("cause") else []
    r = data.get("rectification")
    if r:
        done = f"已于 {r['done_at']:%Y-%m-%d %H:%M} 完成" if r["done_at"] else "未完成"
        lines.append(f"整改: {r['action']}(责任人 {r['owner']},{r['due']} 前完成;{done})")
    return lines


def _pause_kind(data: dict) -> str:
    """The kind of the case's pause in Chinese (鉴定, 检测, 评估, 调解)."""
    from ..domain.codes import label
    from ..domain.complaint import PAUSE_KINDS

    return label(PAUSE_KINDS, data.get("pause_kind") or "appraisal")
