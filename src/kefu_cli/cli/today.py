"""`kefu today`: the operator's (or a handler's) overdue, due today and due soon items across every
case type, each with the command that closes it (services/today.py)."""

from __future__ import annotations

import datetime as dt

import typer

from .common import ClerkOpt, FailOnOverdueOpt, HandlerOpt, JsonOpt, ReportAsOfOpt, date_value, state

WEEKDAY_ZH = "一二三四五六日"
HEADINGS = {"overdue": "已逾期", "due_today": "今日到期", "due_soon": "即将到期"}


def today(
    handler: HandlerOpt = None,
    as_of: ReportAsOfOpt = None,
    clerk: ClerkOpt = None,
    json: JsonOpt = False,
    fail_on_overdue: FailOnOverdueOpt = False,
) -> None:
    """今日待办: 我(操作人,或 --handler 指定的经办人)的已逾期、今日到期、即将到期事项,每项附办理命令。

    不加 --handler 时按操作人查找: --clerk,否则环境变量 KEFU_CLERK,否则系统用户名;须与案件的经办人同名。
    例如 kefu today --handler 李娜 --as-of 2026-11-20
    """
    from ..services import clock
    from ..services.report_source import report_source
    from ..services.today import today as todo

    day = date_value(as_of, "--as-of") or clock.today()
    with report_source(state.db) as src:
        who = _who(src, handler, clerk)
        data = todo(src, day, who, history=day < clock.today())
    if json:
        from ..render.output import print_json

        print_json(data)
    else:
        from ..render.output import print_lines

        print_lines(_lines(data))
    if fail_on_overdue and data["summary"]["overdue"] > 0:
        raise typer.Exit(1)


def _who(src, handler: str | None, clerk: str | None) -> str:
    """The handler whose items are listed: --handler (checked against the list), else the
    operator, who must be a case handler."""
    from ..domain.errors import InputError
    from ..services.report_source import check_filter_names

    if handler:
        check_filter_names(src, handler=handler.strip())
        return handler.strip()
    from ..userconfig import default_clerk

    who = (clerk or "").strip() or default_clerk()
    try:
        check_filter_names(src, handler=who)
    except InputError as e:
        raise InputError(
            f"操作人 {who} 不是经办人,无法列出其待办: 请用 --handler 指定经办人(例如 kefu today --handler 李娜),"
            f"或设置 KEFU_CLERK 为自己的经办人姓名({e})"
        ) from None
    return who


def _when(item: dict) -> str:
    due_at = item["due_at"]
    if isinstance(due_at, str):
        due_at = dt.datetime.fromisoformat(due_at)
    if due_at is not None and due_at.time() != dt.time(23, 59, 59):  # a deadline in hours: its moment
        return f"{due_at:%Y-%m-%d %H:%M}"
    return str(item["due"])[:10]


def _lines(data: dict) -> list[str]:
    from ..render.output import item_left_zh
    from .labels import CASE_ZH, kind_zh

    day, s = data["as_of"], data["summary"]
    lines = [
        f"今日待办  经办人: {data['handler']}  截至 {day}(星期{WEEKDAY_ZH[day.weekday()]})"
        + ("日终" if data["history"] else ""),
        f"已逾期 {s['overdue']}  今日到期 {s['due_today']}  即将到期 {s['due_soon']}"
        f"(即将到期 = {data['within']} 个工作日内)",
    ]
    if not data["items"]:
        lines.append("没有已逾期、今日到期或即将到期的事项。")
        return lines
    bucket = None
    for i in data["items"]:
        if i["status"] != bucket:
            bucket = i["status"]
            lines.append(f"{HEADINGS[bucket]}:")
        left = item_left_zh(i, day)
        mark = " [临时]" if i["provisional"] else ""
        case, kind = CASE_ZH.get(i["case_type"], i["case_type"]), kind_zh(i["kind"])
        what = kind if kind == case else f"{case} {kind}"
        lines.append(f"  {i['case_id']}  {what}  {_when(i)} 前{mark}  {left}")
        if i["command"]:
            lines.append(f"    {i['command']}")
    return lines
