"""`kefu claim show`, `… list` and `… edit`: a claim report with its checklist, deadlines and
timeline; claim reports by filters; corrections of a report."""

from __future__ import annotations

from typing import Annotated

import typer

from .claim import (
    CauseOpt,
    CourseOpt,
    HospitalOpt,
    IdArg,
    InjuryOpt,
    MeasuresOpt,
    PlaceOpt,
    RelationOpt,
    ReporterAddressOpt,
    ReporterOpt,
    ReporterPhoneOpt,
    StateOpt,
)
from .claim_render import (
    checklist_lines,
    deadline_lines,
    done,
    print_json,
    report_lines,
    result_text,
    status_zh,
)
from .common import (
    LIST_LIMIT_MAX,
    AllOpt,
    AsOfOpt,
    AtOpt,
    BranchOpt,
    ClerkOpt,
    CsvOpt,
    EditReasonOpt,
    FromOpt,
    HandlerOpt,
    JsonOpt,
    LimitOpt,
    NameFilterOpt,
    NoPagerOpt,
    OverdueOpt,
    PolicyFilterOpt,
    ShowAllOpt,
    ToOpt,
    UnmaskOpt,
    at_value,
    audit_unmask,
    date_value,
    int_value,
    one_output,
    state,
)
from .labels import (
    ADDRESS_KEYS,
    NAME_KEYS,
    PHONE_KEYS,
    after_sales_label,
    deadline_event,
    kind_zh,
    mask_after_sales,
    next_text,
    shown_deadlines,
    shown_events,
)


def _mask(data, unmask: bool):
    return data if unmask else mask_after_sales(data)


def edit(
    claim_id: IdArg,
    reason: EditReasonOpt,
    reporter: ReporterOpt = None,
    reporter_phone: ReporterPhoneOpt = None,
    reporter_address: ReporterAddressOpt = None,
    relation: RelationOpt = None,
    place: PlaceOpt = None,
    cause: CauseOpt = None,
    course: CourseOpt = None,
    injury: InjuryOpt = None,
    measures: MeasuresOpt = None,
    present_state: StateOpt = None,
    hospital: HospitalOpt = None,
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
    done(data, json, [f"已更正理赔报案 {data['id']}: {';'.join(parts)}"])


EVENT_ZH = {
    "report": "报案登记", "major": "认定重大案件", "escalate": "向总部呈报", "apply": "受理理赔申请",
    "materials": "登记收到材料", "handover": "移交保险公司", "close": "结案", "note": "备注/联系记录", "assign": "改派",
    "void": "作废", "edit": "更正登记信息", "undo": "撤销上一步",
}  # fmt: skip


def _event_row(e: dict) -> list[str]:
    from ..domain import claims as cl

    d = e["details"]
    if e["entity"] != "claim":
        what, action, before, after = deadline_event(e)
    else:
        from .casework import event_action

        what = "报案"
        action = event_action(EVENT_ZH.get(e["action"], e["action"]), e["action"], d)
        if e["action"] == "edit":
            names = "、".join(cl.COLUMN_ZH.get(k, k) for k in d.get("after") or {})
            action = f"更正登记信息: {names}(原因: {d.get('reason', '')})"
        elif e["action"] in ("apply", "materials") and d.get("missing") is not None:
            action += f": 缺 {len(d['missing'])} 项" if d["missing"] else ": 材料齐全"
        elif e["action"] == "close":
            action += f": {after_sales_label('RESULTS', d.get('result'))}" + (
                f"({d['result_reason']})" if d.get("result_reason") else ""
            )
        elif e["action"] == "escalate" and d.get("to"):
            action = f"向{d['to']}呈报" + ("(逾期)" if d.get("late") else "")
        elif e["action"] == "handover" and d.get("to"):
            action = f"移交{d['to']}" + ("(逾期)" if d.get("late") else "")
        before, after = (cl.STATUS_ZH[cl.Status(s)] if s in set(cl.Status) else (s or "")
                         for s in (e["from_status"], e["to_status"]))  # fmt: skip
    change = f"{before} → {after}" if before and before != after else after
    return [f"{e['at']:%Y-%m-%d %H:%M}", e["clerk"], what, action, change]


def show(
    claim_id: IdArg,
    as_of: AsOfOpt = None,
    all_: ShowAllOpt = False,
    json: JsonOpt = False,
    unmask: UnmaskOpt = False,
) -> None:
    """显示理赔报案详情: 保单、出险情况、报案人、初审、重大案件、材料清单、期限、理赔回访、办理记录与下一步;
    计时记录和已被替代的期限加 --all 才列出。"""
    from ..services.claim_read import quick_show

    day = date_value(as_of, "--as-of")
    data = quick_show(state.db, claim_id, day)  # plain sqlite3 on a current SQLite file: no ORM start-up
    if data is None:
        from ..services import claim_views

        data = claim_views.show(state.db, claim_id, as_of=day)
    data = _mask(data, unmask)
    if unmask:
        audit_unmask("claim show", 1, data["id"])
    if json:
        print_json(data)
        return
    from ..render.output import print_lines, print_table

    d = data
    lines = [f"理赔报案 {d['id']}  状态: {status_zh(d['status'])}  报案: {d['reported_at']:%Y-%m-%d %H:%M}"
             f"({after_sales_label('CLAIM_CHANNELS', d['channel'])})"]  # fmt: skip
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
    lines += checklist_lines(d)
    if d["handed_over_at"]:
        lines.append(f"已于 {d['handed_over_at']:%Y-%m-%d %H:%M} 移交{d['handed_over_to']}")
    if d["closed_at"]:
        lines.append(f"结案: {d['closed_at']:%Y-%m-%d %H:%M} {result_text(d)}")
    k = d["callback"]
    if k:
        lines.append(f"理赔回访: {k['id']} 期限 {k['due']}" + (" (已作废)" if k["voided"] else ""))
    lines.append("期限:")
    lines += deadline_lines(shown_deadlines(d["deadlines"], all_), only_open=False, basis=True, as_of=day) or ["  (无)"]
    print_lines(lines)
    print_table(
        "办理记录",
        ["时间", "操作人", "对象", "动作", "状态变化"],
        [_event_row(e) for e in shown_events(d["events"], all_)],
    )
    print_lines([next_text(d["next"])])


def list_(
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="状态: reported 已报案、refused 初审不予受理、applying 待补充材料、complete 材料齐全、"
            "handed_over 已移交、closed 已结案",
        ),
    ] = None,
    major: Annotated[bool, typer.Option("--major", help="只列重大案件")] = False,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    reported_from: FromOpt = None,
    reported_to: ToOpt = None,
    policy: PolicyFilterOpt = None,
    name: NameFilterOpt = None,
    overdue: OverdueOpt = False,
    as_of: AsOfOpt = None,
    limit: LimitOpt = None,
    all_: AllOpt = False,
    json: JsonOpt = False,
    csv: CsvOpt = False,
    unmask: UnmaskOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """按条件列出理赔报案(已作废的只在加 --all 时列出;有逾期未完成期限的标“逾期”)。"""
    from ..services import claim_views

    one_output(json, csv, "claim list")
    limit = int_value(limit, "--limit", 1, LIST_LIMIT_MAX, 50)
    data = claim_views.list_(
        state.db, status=status, major=major, branch=branch, handler=handler,
        reported_from=date_value(reported_from, "--from"), reported_to=date_value(reported_to, "--to"),
        policy_no=policy, name=name, overdue=overdue, as_of=date_value(as_of, "--as-of"), limit=limit, all=all_,
    )  # fmt: skip
    data["items"] = _mask(data["items"], unmask)
    if unmask:
        audit_unmask("claim list", len(data["items"]))
    if data.get("more") and (json or csv):
        from ..render.output import message

        message(_more(data["more"]))
    if json:
        print_json(data)
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
    from ..render.output import hours_left_zh, judged_moment, next_left_zh, paged, print_lines, print_table

    if not data["items"]:
        print_lines(
            [
                f"没有符合条件的理赔报案(截至 {data['as_of']})。已作废的报案加 --all 才列出;按姓名、电话查找可用 kefu search。"
            ]
        )
        return
    rows = []
    for i in data["items"]:
        n = i["next_deadline"]
        nxt = ""
        if n and n["unit"] == "hours":  # a clock-hour rule: the moment, not the day twice
            left = hours_left_zh(
                n["due_at"], judged_moment(data["as_of"]), overdue=n["overdue"], due_today=n["due"] == data["as_of"]
            )
            nxt = f"{kind_zh(n['kind'])} {n['due_at']:%Y-%m-%d %H:%M} 前({left})"
        elif n:
            nxt = f"{kind_zh(n['kind'])} {n['due']}({next_left_zh(n, data['as_of'])})"
        status_text = status_zh(i["status"]) + ("(已作废)" if i["voided_at"] else "")
        rows.append([
            i["id"], status_text + (" 重大" if i["major"] else ""), f"{i['reported_at']:%Y-%m-%d %H:%M}", i["policy_no"],
            i["insured_name"], f"{i['incident_at']:%Y-%m-%d}", i["reporter_name"], i["reporter_phone"],
            f"缺 {len(i['missing'])} 项" if i["missing"] else "", i["branch"], i["handler"], nxt,
        ])  # fmt: skip
    late = ["red" if i["next_deadline"] and i["next_deadline"].get("overdue") else None for i in data["items"]]
    heads = [
        "编号",
        "状态",
        "报案时间",
        "保单号",
        "被保险人",
        "出险日",
        "报案人",
        "电话",
        "材料",
        "机构",
        "经办人",
        "下一期限",
    ]
    with paged(not no_pager):
        print_table(f"理赔报案 {data['count']} 件(截至 {data['as_of']})", heads, rows, late)
        if data.get("more"):
            print_lines([_more(data["more"])])


def _more(more: int) -> str:
    from ..render.output import more_text

    return more_text(more)
