"""What a complaint's steps print (cli/complaint.py) and the deadline and callback lines of
`complaint show`."""

from __future__ import annotations

from .common import audit_unmask
from .labels import kind_zh, mask_personal, status_zh


def _status_zh(status: str) -> str:
    return status_zh("complaint", status)


def deadline_lines(deadlines: list[dict], only_open: bool, basis: bool = False, as_of=None) -> list[str]:
    """A case's deadlines, what is left of the open ones judged on `as_of` (default today)."""
    from ..domain.deadlines import DEADLINE_STATUS_ZH, DeadlineStatus

    lines = []
    for d in deadlines:
        if only_open and d["status"] not in ("open", "paused"):
            continue
        due = d["due_at"].strftime("%Y-%m-%d %H:%M") if d.get("unit") == "hours" else str(d["due"])
        mark = "  [临时]" if d["provisional"] else ""
        if d["status"] == "paused":
            left = d["working_days_left"]
            state_text = f"暂停(自 {d['paused_at']:%Y-%m-%d} 起,剩余 {left} 个工作日冻结)"
            if d["breached"]:
                state_text += ",中止前已逾期"
        elif d["status"] == "open":
            from ..render.output import deadline_left_zh

            state_text = deadline_left_zh(d, as_of)
        else:
            state_text = DEADLINE_STATUS_ZH[DeadlineStatus(d["status"])]
            if d["met_at"]:
                state_text += f"于 {d['met_at']:%Y-%m-%d %H:%M}" + ("(逾期完成)" if d["breached"] else "")
            elif d["breached"]:
                state_text += "(此前已逾期)"
        lines.append(f"  {kind_zh(d['kind'])}: {due} 前{mark} — {state_text}")
        if basis and d.get("basis"):
            from ..domain.policy import basis_zh

            lines.append(f"      依据: {basis_zh(d['basis'])}")
    return lines


def callback_lines(callbacks: list[dict]) -> list[str]:
    from ..domain import callback as cb
    from ..domain.codes import label

    lines = []
    for k in callbacks:
        status = "已作废" if k["voided"] else label(cb.STATUSES, k["status"])
        when = f",约定 {k['scheduled_at']:%Y-%m-%d %H:%M}" if k.get("scheduled_at") else ""
        mark = " [临时]" if k.get("provisional") else ""
        lines.append(f"  {k['id']} {label(cb.KINDS, k['kind'])}回访,期限 {k['due']}{mark}{when} — {status}")
    return lines


def late_lines(deadlines: list[dict]) -> list[str]:
    """What a step's confirmation says of lateness: the deadlines the step met after they were
    due (逾期完成, a miss stays a miss), and that the step is recorded after the day it happened.
    The step's moment is the latest a deadline was started, met, closed or paused at (steps are
    recorded in order)."""
    import datetime as dt

    from ..services import clock

    moments = [d[k] for d in deadlines for k in ("start_at", "met_at", "closed_at", "paused_at") if d.get(k)]
    if not moments:
        return []
    step = max(m.replace(tzinfo=None) if isinstance(m, dt.datetime) else m for m in moments)
    lines = []
    for d in deadlines:
        if d["status"] == "met" and d["late"] and d["met_at"] == step:
            due = f"{d['due_at']:%Y-%m-%d %H:%M}" if d.get("unit") == "hours" else str(d["due"])
            lines.append(f"  注意: {kind_zh(d['kind'])} 逾期完成(期限 {due} 前,完成于 {d['met_at']:%Y-%m-%d %H:%M})")
    today = clock.today()
    if step.date() < today:
        lines.append(f"  补录: 本步骤发生于 {step:%Y-%m-%d %H:%M},今天 {today} 登记;期限按今天计算。")
    return lines


def done(
    result: dict, json: bool, headline: str, unmask: bool = False, command: str = "complaint add", clerk=None
) -> None:
    """Print the result of a state change: JSON, or the headline and the open deadlines."""
    if unmask:
        audit_unmask(command, 1, result.get("id"), clerk=clerk)
    if json:
        from ..render.output import print_json

        print_json(mask_personal(result, unmask))
        return
    from ..render.output import message, print_lines

    if result.get("id") and result["id"] not in headline:  # every confirmation names the case
        headline = f"{headline}: 投诉 {result['id']}"
    lines = [headline, f"当前状态: {_status_zh(result['status'])}", *late_lines(result["deadlines"])]
    open_lines = deadline_lines(result["deadlines"], only_open=True)
    lines += ["进行中的期限(自今天起算):", *open_lines] if open_lines else ["没有进行中的期限。"]
    new_callbacks = [k for k in result.get("callbacks", []) if k["id"] in (result.get("scheduled") or [])]
    if new_callbacks:
        lines += ["已安排回访:", *callback_lines(new_callbacks)]
    print_lines(lines)
    if any(d["provisional"] and d["status"] == "open" for d in result["deadlines"]):
        message("注意: 标记 [临时] 的期限涉及尚未公布节假日安排的年份,公布并导入后会自动重算。", style="yellow")


def major_lines(data: dict) -> list[str]:
    """A complaint's group, whom it is about and whether it is major (2020 rule Art. 12, 17, 29), as `show` prints them."""
    from ..domain.codes import label
    from ..domain.major import MAJOR_REASONS

    lines = []
    if data.get("people") or data.get("representatives"):
        names = "、".join(data.get("representatives") or []) or "-"
        lines.append(f"投诉人数: {data.get('people') or '-'}  代表: {names}")
    if data.get("about"):
        lines.append(f"被投诉人: {data['about']}(不得担任经办人,办法第十七条)")
    if data.get("major"):
        text = f"重大投诉: {label(MAJOR_REASONS, data['major_reason'])}(自 {data['major_at']:%Y-%m-%d %H:%M})"
        if data.get("escalated_at"):
            text += f",已于 {data['escalated_at']:%Y-%m-%d %H:%M} 上报 {data['escalated_to']}"
        else:
            text += ",尚未上报投诉应急处理领导小组"
        lines.append(text)
    return lines
