"""`kefu complaint|claim|request|callback undo`: what every case type's undo prints (the command
is added to each case type's group by cli/casework.add_to; the work is services/undo.py)."""

from __future__ import annotations

from .labels import CASE_ZH, status_zh


def print_undo(r: dict, json: bool) -> None:
    """The undo's result: JSON as it is, or one line per thing that came back."""
    if json:
        from ..render.output import print_json

        print_json(r)
        return
    from ..domain.deadlines import DEADLINE_STATUS_ZH, DeadlineStatus
    from ..render.output import print_lines

    zh = CASE_ZH[r["case_type"]]
    u = r["undone"]
    lines = [
        f"已撤销{zh} {r['id']} 的“{u['action_zh']}”({u['at']:%Y-%m-%d %H:%M},操作人 {u['clerk']}),原因: {r['reason']}",
        f"当前状态: {status_zh(r['case_type'], r['status'])}",
    ]
    for d in r["deadlines"]:
        to = "作废(由该步骤产生)" if d["to"] == "void" else DEADLINE_STATUS_ZH[DeadlineStatus(d["to"])]
        # a merge's undo touches the other complaint, a decision's its callback: say whose
        whose = "" if d["case_id"] == r["id"] else f"{CASE_ZH.get(d['case_type'], '')} {d['case_id']} 的"
        lines.append(f"  {whose}期限 {d['kind_zh']}: 恢复为 {to}")
    if r["callbacks"]:
        lines.append(f"  该步骤安排的回访 {'、'.join(r['callbacks'])} 已作废")
    others = [x for x in r["complaints"] if x != r["id"]]
    if others:
        lines.append(f"  同一步骤涉及的投诉 {'、'.join(others)} 一并恢复")
    print_lines(lines)
    if r.get("notices_sent"):
        from ..domain.notices import label as notice_label
        from ..render.output import message

        sent = "、".join(notice_label(str(t)) for t in r["notices_sent"])
        message(f"注意: 该步骤之后已发出告知书({sent}),撤销不会收回已发出的文书,"
                "请另行书面告知投诉人更正情况。", style="bold red")  # fmt: skip
