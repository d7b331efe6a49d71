"""`kefu complaint|callback|claim|request note|assign|void|undo`: the steps every case type shares
(services/casework.py, services/undo.py), added to each case type's command group by `add_to`.

No `from __future__ import annotations` here: the commands are made per case type inside `add_to`,
and Typer reads their annotations (the case id's help names the case type) as objects."""

from typing import Annotated

import typer

from .common import AtOpt, ClerkOpt, JsonOpt, NewBranchOpt, NewHandlerOpt, at_value, case_id_arg, state
from .labels import CASE_ZH


def _print(result: dict, json: bool, line: str) -> None:
    if json:
        from ..render.output import print_json

        print_json(result)
    else:
        from ..render.output import print_lines

        print_lines([line])


def event_action(label: str, action: str, details: dict) -> str:
    """A case event's action for a timeline, with what a clerk needs to read of it: the note,
    the new handler, the reason."""
    if action == "note":
        return f"{label}: {details.get('text', '')}" + (f"(附件/编号 {details['ref']})" if details.get("ref") else "")
    if action == "assign":
        return f"{label}: {details.get('branch') or ''} {details.get('handler') or ''}".rstrip()
    if action == "edit":
        return f"{label}: {'、'.join(_edit_parts(details))}(原因: {details.get('reason', '')})"
    if action == "undo":
        from ..domain.complaint import EVENT_ZH

        action_zh = details.get("undone_action_zh")  # every case type's undo names the step (services/undo.py)
        step = action_zh or EVENT_ZH.get(details.get("undone_action", ""), details.get("undone_action", ""))
        return f"{label}“{step}”(原因: {details.get('reason', '')})"
    if action == "reschedule":
        when = str(details.get("to", ""))[:16].replace("T", " ")
        return f"{label}: 约定 {when}(原因: {details.get('reason', '')})" + (
            ",晚于回访期限" if details.get("late") else ""
        )
    if action == "reject":
        from ..domain.codes import label as zh
        from ..domain.complaint import REJECT_REASONS

        code = details.get("reason") or ""
        text = f"{label}: {zh(REJECT_REASONS, code)}" if code else label
        return text + (f"(说明: {details['note']})" if details.get("note") else "")
    if action == "transfer" and details.get("to"):
        return f"{label}至 {details['to']}" + ("(本公司其他部门)" if details.get("internal") else "")
    if action == "merge" and details.get("into"):
        return f"{label}至 {details['into']}" + (f": {details['note']}" if details.get("note") else "")
    if action == "merge_in" and details.get("source"):
        return f"{label}(来自 {details['source']})"
    if action == "extend":
        from ..domain.complaint import EXTENSION_ZH, ExtensionLevel

        lv = details.get("level")
        text = EXTENSION_ZH[ExtensionLevel(lv)] if lv in {e.value for e in ExtensionLevel} else str(lv)
        text += f",批准人 {details['approver']}" if details.get("approver") else ""
        return f"{label}: {text},处理期限 {details.get('due_before', '')} → {details.get('due_after', '')}"
    if action == "decide" and details.get("result"):
        return f"{label}: {details['result']}"
    if action in ("withdraw", "notify", "investigate", "regulator_report") and details.get("note"):
        return f"{label}: {details['note']}"
    if action in ("void", "pause", "cancel", "unreachable") and details.get("reason"):
        return f"{label}: {details['reason']}"
    if action == "notice":  # kefu notice … --issue (services/notices.py)
        from ..domain import notices

        how = notices.via_label(details.get("via")) + (f", 凭证 {details['proof']}" if details.get("proof") else "")
        late = ",晚于期限" if details.get("on_time") is False else ""
        return f"发出告知书: {notices.label(details.get('type') or '')}({how}, sha256 {(details.get('sha256') or '')[:12]}{late})"
    return label


# Column names of a correction as the timeline shows them (personal data only named).
EDIT_LABELS = {
    "name": "姓名", "phone": "电话", "relation": "与消费者关系", "policy_no": "保单号", "summary": "投诉内容",
    "category": "类别", "channel": "受理方式", "branch": "机构", "handler": "处理人", "received_at": "接收时间",
    "materials_complete_at": "材料齐全时间", "regulator_ref": "监管转办编号", "regulator_due": "监管报告期限",
    "product": "产品", "receipt_date": "回执签收日", "cooling_off_days": "犹豫期", "closed_date": "结案日",
    "due": "回访期限",
}  # fmt: skip


def _edit_parts(details: dict) -> list[str]:
    before, after = details.get("before") or {}, details.get("after") or {}
    parts = []
    for k, v in after.items():
        name = EDIT_LABELS.get(k, k)
        if k in ("name", "phone"):
            parts.append(f"{name}已更正")
        else:
            old = str(before.get(k) or "-").replace("T", " ")[:16]
            parts.append(f"{name} {old} → {str(v or '-').replace('T', ' ')[:16]}")
    return parts


# What `undo` says for each case type: its help, and the example of its --reason.
UNDO_HELP = {
    "complaint": ("撤销本案最近一次改变状态的步骤(如受理错了案件): 写入一条撤销记录,状态与期限恢复到该步骤之前,原记录保留。",
                  "应为另一件投诉"),
    "callback": ("撤销本回访最近一次办理步骤(答复问题、无法联系、取消、改约): 写入一条撤销记录,状态与期限恢复到该步骤之前,"
                 "原记录保留;回访记录本身不能撤销。", "应为另一件回访"),
    "claim": ("撤销本案最近一次办理步骤(如移交、结案登记错了): 写入一条撤销记录,状态与期限恢复到该步骤之前,"
              "该步骤安排的理赔回访作废,原记录保留。", "应为另一件报案"),
    "request": ("撤销本请求最近一次办理步骤(如办结登记错了): 写入一条撤销记录,状态恢复到该步骤之前,原记录保留。",
                "客户尚未办结"),
}  # fmt: skip


def add_to(app: typer.Typer, case_type: str) -> None:
    """Add undo, note, assign and void to `case_type`'s command group (in this order)."""
    zh = CASE_ZH[case_type]
    doc, example = UNDO_HELP[case_type]

    @app.command("undo", help=doc)
    def undo(
        case_id: case_id_arg(case_type),
        reason: Annotated[str, typer.Option("--reason", help=f"撤销原因(记入审计),例如 误操作,{example}")],
        json: JsonOpt = False,
        at: AtOpt = None,
        clerk: ClerkOpt = None,
    ) -> None:
        from ..services.undo import undo as do_undo
        from .undo import print_undo

        print_undo(do_undo(state.db, case_type, case_id, reason=reason, clerk=clerk, at=at_value(at)), json)

    @app.command("note")
    def note(
        case_id: case_id_arg(case_type),
        text: Annotated[str, typer.Argument(help="内容,例如 客户来电询问进度,已告知预计 11 月底前答复")],
        contact: Annotated[
            str | None, typer.Option("--contact", help="联系方式: phone 电话、visit 面谈、letter 信函、email 电子邮件")
        ] = None,
        ref: Annotated[str | None, typer.Option("--ref", help="附件文件名或单据编号,例如 授权委托书.pdf")] = None,
        json: JsonOpt = False,
        at: AtOpt = None,
        clerk: ClerkOpt = None,
    ) -> None:
        """记录一次沟通、收到的材料或附件编号(写入办理记录,不改变案件状态)。"""
        from ..services.casework import note as do_note

        r = do_note(state.db, case_type, case_id, text, contact=contact, ref=ref, clerk=clerk, at=at_value(at))
        _print(r, json, f"已记录{zh} {r['id']} 的备注({r['at']:%Y-%m-%d %H:%M},操作人 {r['clerk']})")

    @app.command("assign")
    def assign(
        case_id: case_id_arg(case_type),
        handler: Annotated[str, typer.Option("--handler", help="新的处理人,例如 王强")],
        branch: Annotated[str | None, typer.Option("--branch", help="新的机构(不填则不变)")] = None,
        new_handler: NewHandlerOpt = False,
        new_branch: NewBranchOpt = False,
        json: JsonOpt = False,
        at: AtOpt = None,
        clerk: ClerkOpt = None,
    ) -> None:
        """改派给另一位处理人(可同时换机构): 未完成的期限随案件转给新处理人,办理记录保留谁在何时经办。"""
        from ..services.casework import assign as do_assign

        r = do_assign(state.db, case_type, case_id, handler=handler, branch=branch, new_handler=new_handler,
                      new_branch=new_branch, clerk=clerk, at=at_value(at))  # fmt: skip
        b = r["before"]
        _print(
            r,
            json,
            f"已将{zh} {r['id']} 从 {b['branch'] or '-'} {b['handler'] or '-'} 改派给 {r['branch'] or '-'} "
            f"{r['handler']}(随之转移的期限 {len(r['deadlines'])} 项)",
        )

    @app.command("void")
    def void(
        case_id: case_id_arg(case_type),
        reason: Annotated[str, typer.Option("--reason", help="作废原因,例如 重复登记、测试数据")],
        json: JsonOpt = False,
        at: AtOpt = None,
        clerk: ClerkOpt = None,
    ) -> None:
        """作废误登记的案件(重复录入、测试): 不删除,从列表、报表和统计中去掉(list --all 仍可见),此后不能再更改。"""
        from ..services.casework import void as do_void

        r = do_void(state.db, case_type, case_id, reason=reason, clerk=clerk, at=at_value(at))
        extra = f";其安排的回访 {'、'.join(r['callbacks'])} 一并作废" if r["callbacks"] else ""
        _print(r, json, f"已作废{zh} {r['id']}(原因: {r['reason']}){extra}。记录保留,可用 list --all 查看")
