"""`kefu callback …`: callbacks (回访) and their attempts (show, list, stats and edit:
cli/callback_show.py; undo, note, assign and void: cli/casework.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    AtOpt,
    BranchOpt,
    ClerkOpt,
    HandlerOpt,
    JsonOpt,
    NameOpt,
    NewBranchOpt,
    NewHandlerOpt,
    NoteOpt,
    PhoneOpt,
    PolicyOpt,
    UnmaskOpt,
    at_value,
    audit_unmask,
    case_id_arg,
    date_value,
    int_value,
    lazy_commands,
    state,
    text_value,
)

app = typer.Typer(help="客户回访: 安排、记录每次回访、问题跟进与考核指标。", no_args_is_help=True)

IdArg = case_id_arg("callback")

# Options of scheduling and of corrections, each defined once.
ProductOpt = Annotated[str | None, typer.Option("--product", help="产品名称")]
ReceiptDateOpt = Annotated[
    str | None, typer.Option("--receipt-date", help="新契约: 投保人签收回执的日期(更正时回访期限随之重算)")
]
CoolingOffOpt = Annotated[
    int | None, typer.Option("--cooling-off", help="新契约: 犹豫期天数(默认按规则表, 15 日;更正时回访期限随之重算)")
]
ClosedDateOpt = Annotated[str | None, typer.Option("--closed-date", help="理赔: 结案日期(更正时回访期限随之重算)")]
DueOpt = Annotated[str | None, typer.Option("--due", help="满意度/其他: 回访期限,例如 2026-10-15")]


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


def _due_text(uow, rows, kind: str = "callback") -> str:
    """The due date of the callback's open `kind` deadline, [临时] when provisional, with what is
    left of it counted from today (inside the unit of work: it reads the calendar)."""
    from ..render.output import deadline_left_zh
    from ..services.deadlines import deadline_view

    d = next((d for d in reversed(rows) if d.kind == kind), None)
    if d is None:
        return ""
    v = deadline_view(d, uow.calendar, uow.now.date())
    return f"{d.due}{' [临时]' if d.provisional else ''}({deadline_left_zh(v, uow.now.date())})"


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
        str | None,
        typer.Option(
            "--kind",
            help="回访类型: new_policy 新契约 | claim 理赔 | complaint 投诉处理 | regulator 监管转办 | satisfaction 满意度 | other 其他",
        ),
    ] = None,
    name: NameOpt = None,
    phone: PhoneOpt = None,
    policy: PolicyOpt = None,
    product: ProductOpt = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    receipt_date: ReceiptDateOpt = None,
    cooling_off: CoolingOffOpt = None,
    closed_date: ClosedDateOpt = None,
    due: DueOpt = None,
    complaint: Annotated[
        str | None, typer.Option("--complaint", help="投诉处理/监管转办: 投诉编号(按投诉安排回访)")
    ] = None,
    again: Annotated[bool, typer.Option("--again", help="新契约: 同一保单已有新契约回访时,确认再安排一次")] = False,
    new_handler: NewHandlerOpt = False,
    new_branch: NewBranchOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """安排一次回访,并按规则表计算回访期限。在终端中缺少必填项时逐项询问。"""
    from .guided_cases import guide

    g = guide("callback add", locals())
    kind, name, phone, policy, branch = g["kind"], g["name"], g["phone"], g["policy"], g["branch"]
    receipt_date, complaint, closed_date, due = g["receipt_date"], g["complaint"], g["closed_date"], g["due"]
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
        due_text = _due_text(uow, deadlines) or str(row.due)
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
    lines = [f"已安排{_lbl('KINDS', row.kind)}回访 {row.id}: {name},回访期限 {due_text}"]
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
    note: NoteOpt = None,
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
    from ..services import callback_steps as svc
    from ..services.callback_views import state_of
    from ..services.callbacks import CASE_TYPE
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
        nxt = state_of(uow, row).next
        deadlines = open_deadlines(uow, CASE_TYPE, row.id)
        due_text, reply_text = _due_text(uow, deadlines) or str(row.due), _due_text(uow, deadlines, "callback_reply")
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
        lines.append(f"  下一步: {cb.NEXT_STEP_ZH[nxt]},回访期限 {due_text}")
    if followup:
        lines.append(f"  发现问题(跟进 #{followup.id}): {followup.problem};答复期限 {reply_text}")
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
    from ..services import callback_steps as svc

    _end_with_reason(
        callback_id, reason, "电话空号且信函被退回", json, at, clerk, svc.mark_unreachable, "已登记为无法联系"
    )


@app.command("cancel")
def cancel(
    callback_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="原因,例如 犹豫期内已退保")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """保单在回访前已撤单/退保: 回访取消(计为“回访前撤退保”,不计入成功率分母),期限不再适用。"""
    from ..services import callback_steps as svc

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
    from ..services import callback_steps as svc
    from ..services.callback_views import followups_of

    followup = int_value(followup, "--followup", 1, 2_147_483_647, 1)
    with _uow(clerk, at) as uow:
        f = svc.resolve(uow, callback_id, reply, followup)
        remaining = [x.id for x in followups_of(uow, f.callback_id) if x.resolved_at is None]
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


# show, list and stats: built from their own module when used.
lazy_commands(app, "kefu_cli.cli.callback_show", "show", "list:list_", "stats")


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
    from ..services import callback_steps as svc

    when = at_value(to, "--to")
    with _uow(clerk, at) as uow:
        r = svc.reschedule(uow, callback_id, when, reason)
    if json:
        from ..render.output import print_json

        print_json(r)
        return
    from ..render.output import message, print_lines

    before = f"(原约 {r['before']:%Y-%m-%d %H:%M})" if r["before"] else ""
    print_lines(
        [
            f"回访 {r['id']} 改约至 {r['scheduled_at']:%Y-%m-%d %H:%M}{before},原因: {r['reason']};回访期限仍为 {r['due']}"
        ]
    )
    if r["late"]:
        message(f"注意: 约定时间晚于回访期限 {r['due']},已记为逾期回访;如可能请与客户商量提前。", style="bold red")


lazy_commands(app, "kefu_cli.cli.callback_show", "edit")

# undo / note / assign / void: the steps every case type shares (cli/casework.py)
from .casework import add_to as _add_casework  # noqa: E402

_add_casework(app, "callback")
