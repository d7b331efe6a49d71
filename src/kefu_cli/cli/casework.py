"""`kefu complaint|callback note` and `… assign`: the steps every case type shares
(services/casework.py), added to both command groups."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, ClerkOpt, JsonOpt, at_value, state

CASE_ZH = {"complaint": "投诉", "callback": "回访"}


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
    if action in ("void", "pause", "cancel", "unreachable") and details.get("reason"):
        return f"{label}: {details['reason']}"
    return label


def add_to(app: typer.Typer, case_type: str) -> None:
    zh = CASE_ZH[case_type]

    @app.command("note")
    def note(
        case_id: Annotated[str, typer.Argument(help="案件编号,例如 TS-20261121-0007 或 HF-20261121-0003")],
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
        _print(r, json, f"已记录{zh} {r['id']} 的备注({r['at']:%Y-%m-%d %H:%M},{r['clerk']})")

    @app.command("assign")
    def assign(
        case_id: Annotated[str, typer.Argument(help="案件编号,例如 TS-20261121-0007 或 HF-20261121-0003")],
        handler: Annotated[str, typer.Option("--handler", help="新的处理人,例如 王强")],
        branch: Annotated[str | None, typer.Option("--branch", help="新的机构(不填则不变)")] = None,
        json: JsonOpt = False,
        at: AtOpt = None,
        clerk: ClerkOpt = None,
    ) -> None:
        """改派给另一位处理人(可同时换机构): 未完成的期限随案件转给新处理人,办理记录保留谁在何时经办。"""
        from ..services.casework import assign as do_assign

        r = do_assign(state.db, case_type, case_id, handler=handler, branch=branch, clerk=clerk, at=at_value(at))
        b = r["before"]
        _print(
            r,
            json,
            f"已将{zh} {r['id']} 从 {b['branch'] or '-'} {b['handler'] or '-'} 改派给 {r['branch'] or '-'} "
            f"{r['handler']}(随之转移的期限 {len(r['deadlines'])} 项)",
        )

    @app.command("void")
    def void(
        case_id: Annotated[str, typer.Argument(help="案件编号,例如 TS-20261121-0007 或 HF-20261121-0003")],
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
