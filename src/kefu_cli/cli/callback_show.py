"""`kefu callback show`, `… list`, `… stats` and `… edit`: a callback with its attempts, follow-ups
and timeline; callbacks by filters; the callback KPIs; corrections of a callback."""

from __future__ import annotations

from typing import Annotated

import typer

from .callback import ClosedDateOpt, CoolingOffOpt, DueOpt, IdArg, ProductOpt, ReceiptDateOpt, _lbl, _masked, _uow
from .common import (
    LIST_LIMIT_MAX,
    AllOpt,
    AsOfOpt,
    AtOpt,
    BranchOpt,
    ClerkOpt,
    DueFromOpt,
    DueToOpt,
    EditReasonOpt,
    HandlerOpt,
    JsonOpt,
    LimitOpt,
    NameFilterOpt,
    NameOpt,
    NewBranchOpt,
    NewHandlerOpt,
    NoPagerOpt,
    OverdueOpt,
    PhoneFilterOpt,
    PhoneOpt,
    PolicyFilterOpt,
    PolicyOpt,
    ShowAllOpt,
    UnmaskOpt,
    at_value,
    audit_unmask,
    date_value,
    int_value,
    state,
)
from .labels import due_mark, next_text, shown_deadlines


def show(callback_id: IdArg, as_of: AsOfOpt = None, all_: ShowAllOpt = False, json: JsonOpt = False,
         unmask: UnmaskOpt = False) -> None:  # fmt: skip
    """查看一次回访: 期限、每次回访记录、问题跟进、操作记录与下一步;已被替代的期限加 --all 才列出。"""
    from ..services.callback_read import quick_show

    day = date_value(as_of, "--as-of")
    view = quick_show(state.db, callback_id, day)  # plain sqlite3 on a current SQLite file: no ORM start-up
    if view is None:  # a past day, another database, an unknown number: the unit of work
        from ..services import callback_views as svc

        with _uow(write=False) as uow:
            view = svc.show(uow, callback_id, as_of=day)
    view = _masked(view, unmask)
    if unmask:
        audit_unmask("callback show", 1, view["id"])
    if json:
        from ..render.output import print_json

        print_json(view)
        return
    from ..domain.deadlines import DEADLINE_KIND_ZH, DeadlineKind, state_zh
    from ..domain.policy import basis_zh
    from ..render.output import print_lines, print_table

    v = view
    lines = [
        f"回访 {v['id']}  {_lbl('KINDS', v['kind'])}回访  状态: {_lbl('STATUSES', v['status'])}",
        f"客户: {v['name']}  电话: {v['phone']}  保单: {v['policy_no']}  产品: {v['product']}",
        f"机构: {v['branch']}  经办人: {v['handler']}  回访期限: {v['due']}{due_mark(v)}"
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
            for d in shown_deadlines(v["deadlines"], all_)
        ],
    )
    if v["attempts"]:
        print_table(
            "回访记录",
            ["时间", "操作人", "方式", "结果", "录音", "回执", "备注", "发现问题"],
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
            ["时间", "操作人", "动作", "状态变化"],
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
    print_lines([next_text(v["next_step"])])


def list_(
    status: Annotated[
        str | None, typer.Option("--status", help="状态: open 待回访 | success | refused | cancelled | unreachable")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="回访类型,例如 new_policy 或 新契约")] = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    due_from: DueFromOpt = None,
    due_to: DueToOpt = None,
    next_: Annotated[bool, typer.Option("--next", help="只列出待回访的案件,并显示下一步应采用的回访方式")] = False,
    all_: AllOpt = False,
    name: NameFilterOpt = None,
    phone: PhoneFilterOpt = None,
    policy: PolicyFilterOpt = None,
    overdue: OverdueOpt = False,
    limit: LimitOpt = None,
    json: JsonOpt = False,
    unmask: UnmaskOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """列出回访(按期限排序;已作废的只在加 --all 时列出;有逾期未完成期限的标“逾期”)。"""
    from ..domain import callback as cb
    from ..domain.codes import parse_code
    from ..services import callback_read as svc

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
        overdue=overdue,
    )
    limit = int_value(limit, "--limit", 1, LIST_LIMIT_MAX, 50)
    page = svc.quick_list(state.db, f, limit)  # plain sqlite3 on a current SQLite file: no ORM
    if page is None:
        from ..services.callback_views import list_page

        page = list_page(state.db, f, limit)
    rows, more, nxt = page
    items = []
    for view, esc in rows:
        item = _masked(view, unmask)
        if esc is not None:
            item["next"] = str(esc.next)
            item["phone_failed"] = esc.phone_failed
        item["next_deadline"] = nxt.get(view["id"])
        items.append(item)
    if unmask:
        audit_unmask("callback list", len(items))
    if json:
        from ..render.output import print_json

        print_json({"count": len(items), "items": items} | ({"more": more} if limit else {}))
        if more:
            from ..render.output import message

            message(_more(more))
        return
    from ..render.output import paged, print_lines

    if not items:
        print_lines(["没有符合条件的回访。"])
        return
    with paged(not no_pager):
        _print_list(items, next_, more)


def _print_list(items: list[dict], next_: bool, more: int) -> None:
    from ..domain import callback as cb
    from ..render.left import PROVISIONAL_MARK
    from ..render.output import left_zh, print_lines, print_table
    from .labels import kind_zh

    headers = ["编号", "类型", "状态", "客户", "电话", "保单", "机构", "经办", "期限"]
    if next_:
        headers.append("下一步")
    table = []
    for i in items:
        n = i["next_deadline"]
        same = bool(n) and n["kind"] == "callback" and n["due"] == i["due"]  # the callback's own deadline
        line = [
            i["id"],
            _lbl("KINDS", i["kind"]),
            ("已作废 " if i.get("voided_at") else "") + _lbl("STATUSES", i["status"]),
            i["name"],
            i["phone"],
            i["policy_no"],
            i["branch"],
            i["handler"],
            f"{i['due']}{' [临时]' if same and n['provisional'] else ''}"
            + (f"(约 {i['scheduled_at']:%m-%d %H:%M})" if i.get("scheduled_at") else ""),
        ]
        if n and n["overdue"]:  # the word always, the colour on a terminal
            late = left_zh(n["working_days_left"], overdue=True) + (
                PROVISIONAL_MARK if n.get("left_provisional") and not n.get("provisional") else ""
            )
            line[-1] += f" {late}" if same else f";{kind_zh(n['kind'])} {n['due']} {late}"
        if next_:
            line.append(cb.NEXT_STEP_ZH[cb.NextStep(i["next"])])
        table.append(line)
    late = ["red" if i["next_deadline"] and i["next_deadline"]["overdue"] else None for i in items]
    print_table(f"回访 {len(items)} 件", headers, table, late)
    if more:
        print_lines([_more(more)])


def _pct(value) -> str:
    return "—" if value is None else f"{value:.2f}%"


def _ok(value) -> str:
    return "" if value is None else ("达标" if value else "未达标")


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
    from ..services.report_source import check_listed, report_source
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


def edit(
    callback_id: IdArg,
    reason: EditReasonOpt,
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
    new_handler: NewHandlerOpt = False,
    new_branch: NewBranchOpt = False,
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


def _more(more: int) -> str:
    from ..render.output import more_text

    return more_text(more)
