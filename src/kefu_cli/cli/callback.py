"""`kefu callback …`: callbacks (回访) and their attempts."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    AtOpt,
    ClerkOpt,
    JsonOpt,
    UnmaskOpt,
    at_value,
    audit_unmask,
    date_value,
    int_value,
    state,
    text_value,
)

app = typer.Typer(help="客户回访: 安排、记录每次回访、问题跟进与考核指标。", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="回访编号,例如 HF-20261008-0001")]
BranchOpt = Annotated[str | None, typer.Option("--branch", help="机构,例如 朝阳支公司")]
HandlerOpt = Annotated[str | None, typer.Option("--handler", help="经办人/回访专员")]


SHORT_MAX = 60  # policy number, product, branch, handler, recording reference
NOTE_MAX = 10_000
REASON_MAX = 2_000


def _short(value: str | None, field: str, example: str) -> str:
    return text_value(value, field, SHORT_MAX, example=example) or ""


def _masked(item: dict, unmask: bool) -> dict:
    """The callback's name and phone masked as in every other output, unless `unmask`."""
    if unmask:
        return item
    from ..render.output import mask_personal

    return mask_personal(item)


def _uow(clerk=None, at=None, write=True):
    from ..services.context import unit_of_work

    return unit_of_work(state.db, clerk=clerk, at=at_value(at), write=write)


def _deadlines_json(rows) -> list[dict]:
    return [{"kind": d.kind, "due": d.due, "provisional": d.provisional} for d in rows]


def _provisional_note(rows) -> None:
    if any(d.provisional for d in rows):
        from ..render.output import message
        from .workday import PROVISIONAL_NOTE

        message(PROVISIONAL_NOTE, style="yellow")


def _lbl(table_name: str, code: str | None) -> str:
    from ..domain import callback as cb
    from ..domain.codes import label

    return label(getattr(cb, table_name), code)


@app.command("add")
def add(
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="回访类型: new_policy 新契约 | claim 理赔 | complaint 投诉处理 | regulator 监管转办 | satisfaction 满意度 | other 其他",
        ),
    ],
    name: Annotated[str | None, typer.Option("--name", help="客户姓名")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话,例如 13812345678")] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="保单号")] = None,
    product: Annotated[str | None, typer.Option("--product", help="产品名称")] = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    receipt_date: Annotated[str | None, typer.Option("--receipt-date", help="新契约: 投保人签收回执的日期")] = None,
    cooling_off: Annotated[
        int | None, typer.Option("--cooling-off", help="新契约: 犹豫期天数(默认按规则表, 15 日)")
    ] = None,
    closed_date: Annotated[str | None, typer.Option("--closed-date", help="理赔: 结案日期")] = None,
    due: Annotated[str | None, typer.Option("--due", help="满意度/其他: 回访期限,例如 2026-10-15")] = None,
    complaint: Annotated[
        str | None, typer.Option("--complaint", help="投诉处理/监管转办: 投诉编号(按投诉安排回访)")
    ] = None,
    again: Annotated[bool, typer.Option("--again", help="新契约: 同一保单已有新契约回访时,确认再安排一次")] = False,
    new_handler: Annotated[bool, typer.Option("--new-handler", help="经办人不在名单中时一并新增(新同事)")] = False,
    new_branch: Annotated[bool, typer.Option("--new-branch", help="机构不在名单中时一并新增")] = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """安排一次回访,并按规则表计算回访期限。"""
    from ..domain import callback as cb
    from ..domain.codes import parse_code
    from ..services import callbacks as svc
    from ..services.deadlines import open_deadlines

    code = parse_code(cb.KINDS, kind, "--kind")
    data = svc.NewCallback(
        kind=code,
        name=name or "",
        phone=phone or "",
        policy_no=_short(policy, "--policy 保单号", "P2026110001"),
        product=_short(product, "--product 产品名称", "安康终身寿险"),
        branch=_short(branch, "--branch 机构", "朝阳支公司"),
        handler=_short(handler, "--handler 经办人", "李娜"),
        receipt_date=date_value(receipt_date, "--receipt-date"),
        cooling_off_days=int_value(cooling_off, "--cooling-off", 1, 366, 15),
        closed_date=date_value(closed_date, "--closed-date"),
        due=date_value(due, "--due"),
        complaint_id=(complaint or "").strip().upper() or None,
        again=again,
        new_handler=new_handler,
        new_branch=new_branch,
    )
    with _uow(clerk, at) as uow:
        row = svc.add_callback(uow, data)
        deadlines = open_deadlines(uow, svc.CASE_TYPE, row.id)
        warnings = svc.overdue_warnings(uow, row, deadlines)
    if unmask:
        audit_unmask("callback add", 1, row.id, clerk=clerk)
    if json:
        from ..render.output import print_json

        print_json({"id": row.id, "kind": row.kind, "status": row.status, "deadlines": _deadlines_json(deadlines),
                    "warnings": warnings})  # fmt: skip
        return
    from ..domain.policy import basis_zh
    from ..render.output import mask_name, message, print_lines

    name = row.name if unmask else mask_name(row.name)
    lines = [f"已安排{_lbl('KINDS', row.kind)}回访 {row.id}: {name},回访期限 {row.due}"]
    lines += [f"  依据: {basis_zh(d.basis)}" + ("  [临时]" if d.provisional else "") for d in deadlines]
    lines.append("  下一步: 电子化回访(失败后电话回访,须录音)")
    print_lines(lines)
    for w in warnings:
        message(f"注意: {w}", style="bold red")
    _provisional_note(deadlines)


@app.command("attempt")
def attempt(
    callback_id: IdArg,
    method: Annotated[
        str, typer.Option("--method", help="方式: electronic 电子化 | phone 电话 | letter 信函 | visit 上门")
    ],
    result: Annotated[
        str,
        typer.Option(
            "--result",
            help="结果: success 成功 | no_answer 未接通 | refused 拒访 | wrong_number 号码错误 | cancelled 撤退保",
        ),
    ],
    recording: Annotated[str | None, typer.Option("--recording", help="录音编号(电话回访必填)")] = None,
    receipt: Annotated[bool, typer.Option("--receipt", help="已取得投保人签名回执(信函/上门成功必需)")] = False,
    note: Annotated[str | None, typer.Option("--note", help="备注(例如联系到的人)")] = None,
    problem: Annotated[
        str | None, typer.Option("--problem", help="回访中发现的问题,将开启答复时限,例如 投保人未亲笔签名")
    ] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """登记一次回访(方式、结果、录音/回执),必要时开启问题跟进。"""
    from ..domain import callback as cb
    from ..domain.codes import parse_code
    from ..services import callbacks as svc
    from ..services.deadlines import open_deadlines

    m = parse_code(cb.METHODS, method, "--method")
    r = parse_code(cb.RESULTS, result, "--result")
    with _uow(clerk, at) as uow:
        row, att, followup = svc.record_attempt(
            uow,
            callback_id,
            m,
            r,
            recording=text_value(recording, "--recording 录音编号", SHORT_MAX, example="REC-20260922-001"),
            receipt=receipt,
            note=text_value(note, "--note 备注", NOTE_MAX, multiline=True, example="联系到投保人本人"),
            problem=text_value(problem, "--problem 发现的问题", REASON_MAX, multiline=True, example="投保人未亲笔签名"),
        )
        nxt = svc.state_of(uow, row).next
        deadlines = open_deadlines(uow, svc.CASE_TYPE, row.id)
    if json:
        from ..render.output import print_json

        print_json(
            {
                "id": row.id,
                "attempt_id": att.id,
                "method": att.method,
                "result": att.result,
                "status": row.status,
                "next": str(nxt),
                "followup_id": followup.id if followup else None,
                "deadlines": _deadlines_json(deadlines),
            }
        )
        return
    from ..render.output import print_lines

    lines = [
        f"回访 {row.id}: 已登记{_lbl('METHODS', att.method)}回访,结果: {_lbl('RESULTS', att.result)};"
        f"状态: {_lbl('STATUSES', row.status)}"
    ]
    if row.status == cb.Status.OPEN:
        lines.append(f"  下一步: {cb.NEXT_STEP_ZH[nxt]},回访期限 {row.due}")
    if followup:
        reply = [d for d in deadlines if d.kind == "callback_reply"]
        lines.append(f"  发现问题(跟进 #{followup.id}): {followup.problem};答复期限 {reply[-1].due if reply else ''}")
    print_lines(lines)
    _provisional_note(deadlines)


def _end_with_reason(callback_id, reason, example, json, at, clerk, end, done: str) -> None:
    """unreachable / cancel: end a callback with a reason (`end(uow, id, reason)` from the service)."""
    reason = text_value(reason, "--reason 原因", REASON_MAX, multiline=True, example=example)
    with _uow(clerk, at) as uow:
        row = end(uow, callback_id, reason)
    if json:
        from ..render.output import print_json

        print_json({"id": row.id, "status": row.status, "reason": row.outcome_reason})
        return
    from ..render.output import print_lines

    print_lines([f"回访 {row.id} {done}。原因: {row.outcome_reason}"])


@app.command("unreachable")
def unreachable(
    callback_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="原因,例如 电话空号且信函被退回")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """各种方式均未成功: 登记为无法联系,并写明原因。"""
    from ..services import callbacks as svc

    _end_with_reason(callback_id, reason, "电话空号且信函被退回", json, at, clerk, svc.mark_unreachable, "已登记为无法联系")


@app.command("cancel")
def cancel(
    callback_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="原因,例如 犹豫期内已退保")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """保单在回访前已撤单/退保: 回访取消(计为“回访前撤退保”,不计入成功率分母),期限不再适用。"""
    from ..services import callbacks as svc

    _end_with_reason(callback_id, reason, "犹豫期内已退保", json, at, clerk, svc.cancel, "已取消(回访前撤退保)")


@app.command("resolve")
def resolve(
    callback_id: IdArg,
    reply: Annotated[str, typer.Option("--reply", help="给客户的答复,例如 已核实并由投保人重新亲笔签名")],
    followup: Annotated[int | None, typer.Option("--followup", help="问题跟进编号(默认最早一个未答复的)")] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """答复回访中发现的问题,完成其答复时限。"""
    from ..services import callbacks as svc

    followup = int_value(followup, "--followup", 1, 2_147_483_647, 1)
    with _uow(clerk, at) as uow:
        f = svc.resolve(uow, callback_id, reply, followup)
        remaining = [x.id for x in svc.followups_of(uow, f.callback_id) if x.resolved_at is None]
        late = svc.reply_was_late(uow, f)
    if json:
        from ..render.output import print_json

        print_json(
            {
                "id": f.callback_id,
                "followup_id": f.id,
                "resolved_at": f.resolved_at,
                "reply": f.reply,
                "late": late,
                "open_followups": remaining,
            }
        )
        return
    from ..render.output import print_lines

    lines = [f"回访 {f.callback_id} 的问题(跟进 #{f.id})已答复: {f.reply}" + ("(逾期完成)" if late else "")]
    if remaining:
        lines.append("  仍待答复的问题: " + "、".join(f"#{i}" for i in remaining))
    print_lines(lines)


@app.command("show")
def show(callback_id: IdArg, json: JsonOpt = False, unmask: UnmaskOpt = False) -> None:
    """查看一次回访: 期限、每次回访记录、问题跟进、操作记录。"""
    from ..services import callbacks as svc

    with _uow(write=False) as uow:
        view = _masked(svc.callback_view(uow, svc.get_callback(uow, callback_id)), unmask)
    if unmask:
        audit_unmask("callback show", 1, view["id"])
    if json:
        from ..render.output import print_json

        print_json(view)
        return
    from ..domain.callback import NEXT_STEP_ZH, NextStep
    from ..domain.deadlines import DEADLINE_KIND_ZH, DeadlineKind, state_zh
    from ..domain.policy import basis_zh
    from ..render.output import print_lines, print_table

    v = view
    lines = [
        f"回访 {v['id']}  {_lbl('KINDS', v['kind'])}回访  状态: {_lbl('STATUSES', v['status'])}",
        f"客户: {v['name']}  电话: {v['phone']}  保单: {v['policy_no']}  产品: {v['product']}",
        f"机构: {v['branch']}  经办: {v['handler']}  回访期限: {v['due']}"
        + (f"  约定回访: {v['scheduled_at']:%Y-%m-%d %H:%M}" if v.get("scheduled_at") else ""),
    ]
    if v.get("voided_at"):
        lines.insert(1, f"已作废: {v['voided_at']:%Y-%m-%d %H:%M},原因: {v['void_reason']}(不计入列表、报表和统计)")
    if v["complaint_id"]:
        lines.append(f"投诉: {v['complaint_id']}")
    if v["receipt_date"]:
        lines.append(f"回执签收: {v['receipt_date']}  犹豫期: {v['cooling_off_days']} 日")
    if v["closed_date"]:
        lines.append(f"理赔结案: {v['closed_date']}")
    if v["outcome_reason"]:
        lines.append(f"结果说明: {v['outcome_reason']}")
    lines.append(f"下一步: {NEXT_STEP_ZH[NextStep(v['next'])]}")
    print_lines(lines)
    print_table(
        "期限",
        ["类型", "到期日", "状态", "完成时间", "依据"],
        [
            [
                DEADLINE_KIND_ZH[DeadlineKind(d["kind"])],
                f"{d['due']}" + (" [临时]" if d["provisional"] else ""),
                state_zh(d["status"], d["breached"]),
                f"{d['met_at']:%Y-%m-%d %H:%M}" if d["met_at"] else "",
                basis_zh(d["basis"]),
            ]
            for d in v["deadlines"]
        ],
    )
    if v["attempts"]:
        print_table(
            "回访记录",
            ["时间", "经办", "方式", "结果", "录音", "回执", "备注", "发现问题"],
            [
                [
                    f"{a['at']:%Y-%m-%d %H:%M}",
                    a["clerk"],
                    _lbl("METHODS", a["method"]),
                    _lbl("RESULTS", a["result"]),
                    a["recording"] or "",
                    "有" if a["receipt"] else "",
                    a["note"] or "",
                    a["problem"] or "",
                ]
                for a in v["attempts"]
            ],
        )
    if v["followups"]:
        print_table(
            "问题跟进",
            ["编号", "问题", "发现时间", "答复", "答复时间"],
            [
                [
                    f"#{f['id']}",
                    f["problem"],
                    f"{f['opened_at']:%Y-%m-%d %H:%M}",
                    f["reply"] or "待答复",
                    f"{f['resolved_at']:%Y-%m-%d %H:%M}" if f["resolved_at"] else "",
                ]
                for f in v["followups"]
            ],
        )
    if v["events"]:
        from ..domain import callback as cb
        from .casework import event_action

        print_table(
            "办理记录",
            ["时间", "经办人", "动作", "状态变化"],
            [
                [
                    f"{e['at']:%Y-%m-%d %H:%M}",
                    e["clerk"],
                    event_action(cb.EVENT_ZH.get(e["action"], e["action"]), e["action"], e["details"]),
                    _status_change(e),
                ]
                for e in v["events"]
            ],
        )


@app.command("list")
def list_(
    status: Annotated[
        str | None, typer.Option("--status", help="状态: open 待回访 | success | refused | cancelled | unreachable")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="回访类型,例如 new_policy 或 新契约")] = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    due_from: Annotated[str | None, typer.Option("--due-from", help="只列出期限不早于此日的回访")] = None,
    due_to: Annotated[str | None, typer.Option("--due-to", help="只列出期限不晚于此日的回访")] = None,
    next_: Annotated[bool, typer.Option("--next", help="只列出待回访的案件,并显示下一步应采用的回访方式")] = False,
    all_: Annotated[bool, typer.Option("--all", help="包括已作废(误登记)的回访")] = False,
    name: Annotated[str | None, typer.Option("--name", help="客户姓名(包含即可),例如 林")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="电话号码或后 4 位,例如 0001")] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="保单号(包含即可)")] = None,
    json: JsonOpt = False,
    unmask: UnmaskOpt = False,
) -> None:
    """列出回访(按期限排序;已作废的只在加 --all 时列出)。"""
    from ..domain import callback as cb
    from ..domain.codes import parse_code
    from ..services import callbacks as svc

    f = svc.ListFilter(
        status=parse_code(cb.STATUSES, status, "--status") if status else None,
        kind=parse_code(cb.KINDS, kind, "--kind") if kind else None,
        branch=branch,
        handler=handler,
        due_from=date_value(due_from, "--due-from"),
        due_to=date_value(due_to, "--due-to"),
        next_only=next_,
        all=all_,
        name=name,
        phone=phone,
        policy=policy,
    )
    with _uow(write=False) as uow:
        rows = svc.list_callbacks(uow, f)
        items = []
        for row, esc in rows:
            item = _masked(svc.callback_view(uow, row, full=False), unmask)
            if esc is not None:
                item["next"] = str(esc.next)
                item["phone_failed"] = esc.phone_failed
            items.append(item)
    if unmask:
        audit_unmask("callback list", len(items))
    if json:
        from ..render.output import print_json

        print_json({"count": len(items), "items": items})
        return
    from ..render.output import print_lines, print_table

    if not items:
        print_lines(["没有符合条件的回访。"])
        return
    headers = ["编号", "类型", "状态", "客户", "电话", "保单", "机构", "经办", "期限"]
    if next_:
        headers.append("下一步")
    table = []
    for i in items:
        line = [
            i["id"],
            _lbl("KINDS", i["kind"]),
            ("已作废 " if i.get("voided_at") else "") + _lbl("STATUSES", i["status"]),
            i["name"],
            i["phone"],
            i["policy_no"],
            i["branch"],
            i["handler"],
            f"{i['due']}" + (f"(约 {i['scheduled_at']:%m-%d %H:%M})" if i.get("scheduled_at") else ""),
        ]
        if next_:
            line.append(cb.NEXT_STEP_ZH[cb.NextStep(i["next"])])
        table.append(line)
    print_table(f"回访 {len(items)} 件", headers, table)


def _pct(value) -> str:
    return "—" if value is None else f"{value:.2f}%"


def _ok(value) -> str:
    return "" if value is None else ("达标" if value else "未达标")


@app.command("stats")
def stats(
    date_from: Annotated[str | None, typer.Option("--from", help="期限起始日(含),例如 2026-10-01")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="期限截止日(含),例如 2026-10-31")] = None,
    branch: BranchOpt = None,
    json: JsonOpt = False,
) -> None:
    """回访考核指标: 成功率(≥90%)、信函+上门占比(≤10%)、犹豫期内及时率,按机构和经办人。

    统计期限落在 [--from, --to] 内的回访。成功率 = 成功量 / (应访量 − 拒访量 − 回访前撤退保量)。
    """
    from ..domain.timeutil import check_span
    from ..services.reports import check_listed, report_source
    from ..services.stats import callback_kpis

    f, t = date_value(date_from, "--from"), date_value(date_to, "--to")
    check_span(f, t)
    with report_source(state.db) as src:  # plain sqlite3 on a current SQLite file
        check_listed(src, branch=branch)
        k = callback_kpis(src, f, t, branch)
    if json:
        from ..render.output import print_json

        print_json(k)
        return
    from ..render.output import print_lines, print_table

    period = f"{k['from'] or '最早'} 至 {k['to'] or '最晚'}" + (f",机构 {branch}" if branch else "")
    print_lines(
        [
            f"回访考核指标(期限 {period})",
            f"应访 {k['due']},成功 {k['success']},拒访 {k['refused']},回访前撤退保 {k['cancelled']},"
            f"无法联系 {k['unreachable']},待回访 {k['open']}",
            f"成功率 {_pct(k['success_rate'])}(下限 {k['success_rate_min']}%){_ok(k['success_rate_ok'])};"
            f"信函+上门占比 {_pct(k['letter_visit_share'])}(上限 {k['letter_visit_max']}%){_ok(k['letter_visit_ok'])};"
            f"按期完成率 {_pct(k['on_time_rate'])};犹豫期内完成率 {_pct(k['cooling_off_on_time_rate'])}",
        ]
    )
    headers = ["应访", "成功", "拒访", "撤退保", "无法联系", "待回访", "成功率", "信函+上门", "按期率", "犹豫期内"]

    def cells(g) -> list:
        return [
            g["due"],
            g["success"],
            g["refused"],
            g["cancelled"],
            g["unreachable"],
            g["open"],
            _pct(g["success_rate"]) + ("" if g["success_rate_ok"] in (None, True) else " 未达标"),
            _pct(g["letter_visit_share"]) + ("" if g["letter_visit_ok"] in (None, True) else " 未达标"),
            _pct(g["on_time_rate"]),
            _pct(g["cooling_off_on_time_rate"]),
        ]

    print_table("按机构", ["机构", *headers], [[g["branch"] or "(未填)", *cells(g)] for g in k["by_branch"]])
    print_table(
        "按经办人",
        ["机构", "经办", *headers],
        [[g["branch"] or "(未填)", g["handler"] or "(未填)", *cells(g)] for g in k["by_handler"]],
    )
    print_table("按回访类型", ["类型", *headers], [[_lbl("KINDS", g["kind"]), *cells(g)] for g in k["by_kind"]])


def _status_change(e: dict) -> str:
    from ..domain import callback as cb
    from ..domain.codes import label

    before, after = (label(cb.STATUSES, x) if x else "" for x in (e["from_status"], e["to_status"]))
    return f"{before} → {after}" if before and before != after else after


@app.command("reschedule")
def reschedule(
    callback_id: IdArg,
    to: Annotated[str, typer.Option("--to", help="客户约定的回访时间,例如 2026-12-04T10:00(只写日期表示 09:00)")],
    reason: Annotated[str, typer.Option("--reason", help="改约原因,例如 客户要求周五上午回电")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """按客户要求改约回访时间: 规则规定的回访期限不变;约定时间晚于期限的照常记录,并标记为逾期。"""
    from ..services import callbacks as svc

    when = at_value(to, "--to")
    with _uow(clerk, at) as uow:
        r = svc.reschedule(uow, callback_id, when, reason)
    if json:
        from ..render.output import print_json

        print_json(r)
        return
    from ..render.output import message, print_lines

    before = f"(原约 {r['before']:%Y-%m-%d %H:%M})" if r["before"] else ""
    print_lines([f"回访 {r['id']} 改约至 {r['scheduled_at']:%Y-%m-%d %H:%M}{before},原因: {r['reason']};回访期限仍为 {r['due']}"])
    if r["late"]:
        message(f"注意: 约定时间晚于回访期限 {r['due']},已记为逾期回访;如可能请与客户商量提前。", style="bold red")


@app.command("edit")
def edit(
    callback_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="更正原因(记入审计),例如 电话号码录入错误")],
    name: Annotated[str | None, typer.Option("--name", help="客户姓名")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话")] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="保单号")] = None,
    product: Annotated[str | None, typer.Option("--product", help="产品名称")] = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    receipt_date: Annotated[str | None, typer.Option("--receipt-date", help="新契约: 回执签收日(期限随之重算)")] = None,
    cooling_off: Annotated[int | None, typer.Option("--cooling-off", help="新契约: 犹豫期天数(期限随之重算)")] = None,
    closed_date: Annotated[str | None, typer.Option("--closed-date", help="理赔: 结案日期(期限随之重算)")] = None,
    due: Annotated[str | None, typer.Option("--due", help="满意度/其他: 回访期限")] = None,
    new_handler: Annotated[bool, typer.Option("--new-handler", help="经办人不在名单中时一并新增")] = False,
    new_branch: Annotated[bool, typer.Option("--new-branch", help="机构不在名单中时一并新增")] = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """更正回访的登记信息: 审计记录保留原值、新值和原因;更正签收日、犹豫期、结案日或期限时重算回访期限。"""
    from ..services.corrections import edit_callback

    changes = dict(name=name, phone=phone, policy=policy, product=product, branch=branch, handler=handler,
                   receipt_date=date_value(receipt_date, "--receipt-date"),
                   cooling_off=int_value(cooling_off, "--cooling-off", 1, 366, 15),
                   closed_date=date_value(closed_date, "--closed-date"), due=date_value(due, "--due"))  # fmt: skip
    r = edit_callback(state.db, callback_id, changes, reason=reason, new_handler=new_handler,
                      new_branch=new_branch, clerk=clerk, at=at_value(at))  # fmt: skip
    if json:
        from ..render.output import print_json

        print_json(_masked(r, False))
        return
    from ..render.output import print_lines

    lines = [f"已更正回访 {r['id']}(原因: {r['reason']}):"]
    for ch in r["changes"]:
        if ch["field"] in ("name", "phone"):
            lines.append(f"  {ch['label']}: 已更正(个人信息不显示,可用 show --unmask 查看)")
        else:
            lines.append(f"  {ch['label']}: {ch['before'] if ch['before'] not in (None, '') else '-'} → {ch['after']}")
    for m in r["moved"]:
        lines.append(f"  回访期限: {m['due_before']} → {m['due_after']}")
    print_lines(lines)


@app.command("undo")
def undo(
    callback_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="撤销原因(记入审计),例如 误操作,应为另一件回访")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """撤销本回访最近一次办理步骤(答复问题、无法联系、取消、改约): 写入一条撤销记录,状态与期限恢复到该步骤之前,原记录保留;回访记录本身不能撤销。"""
    from ..domain import callback as cb
    from ..services.undo import undo as do_undo
    from .undo import print_undo

    r = do_undo(state.db, "callback", callback_id, reason=reason, clerk=clerk, at=at_value(at))
    print_undo(r, json, cb.STATUSES[r["status"]][0])

# note / assign / void: the steps every case type shares (services/casework.py)
from .casework import add_to as _add_casework  # noqa: E402

_add_casework(app, "callback")
