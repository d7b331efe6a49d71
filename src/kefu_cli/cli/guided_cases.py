"""The questions of `callback add`, `claim report` and `request add` (cli/guided.py asks them;
`complaint add` has its own in cli/complaint_add.py): each value with its option's own check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from .guided import Ask


def _code_of(table: dict, value: Any) -> str | None:
    """The code a typed value stands for, or None."""
    from ..domain.codes import parse_code
    from ..domain.errors import InputError

    try:
        return parse_code(table, value, "") if value else None
    except InputError:
        return None


def _code(table: dict, field: str) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        from ..domain.codes import parse_code

        return parse_code(table, text, field)

    return check


def _text(field: str, limit: int, example: str) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        from ..domain.text import clean_text

        return clean_text(text, field, limit, required=True, example=example)

    return check


def _phone(field: str) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        from ..domain.text import phone_number

        return phone_number(text, field)

    return check


def _date(field: str) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        from .common import date_value

        return date_value(text, field)

    return check


def incident_value(text: str) -> dt.datetime:
    """`--incident`: a date alone means the time is not known: kept as 00:00 (shown as the date)."""
    from ..domain.errors import InputError
    from .common import at_value, date_value

    try:
        return dt.datetime.combine(date_value(text, "--incident 出险时间"), dt.time())
    except InputError:
        return at_value(text, "--incident 出险时间")


def _callback_asks() -> list[Ask]:
    # a value the kind needs is asked unless an option of another kind was given (the registration
    # then says that option is not for this kind)
    from ..domain import callback as cb

    def kind(v: dict) -> str | None:
        return _code_of(cb.KINDS, v.get("kind"))

    return [
        Ask("kind", "--kind", "回访类型", "新契约", _code(cb.KINDS, "--kind"), cb.KINDS),
        Ask(
            "complaint",
            "--complaint",
            "投诉编号",
            "TS-20261121-0007",
            required=False,
            when=lambda v: kind(v) in ("complaint", "regulator"),
        ),
        # a complaint's callback takes the complainant's name and phone from the complaint
        Ask("name", "--name", "客户姓名", "王小明", _text("--name", 50, "王小明"), when=lambda v: not v.get("complaint")),
        Ask("phone", "--phone", "联系电话", "13812345678", _phone("--phone"), when=lambda v: not v.get("complaint")),
        Ask(
            "receipt_date",
            "--receipt-date",
            "回执签收日期",
            "2026-11-20",
            _date("--receipt-date"),
            when=lambda v: kind(v) == "new_policy" and not (v.get("due") or v.get("closed_date")),
        ),
        Ask(
            "closed_date",
            "--closed-date",
            "理赔结案日期",
            "2026-11-20",
            _date("--closed-date"),
            when=lambda v: kind(v) == "claim" and not (v.get("due") or v.get("receipt_date")),
        ),
        Ask(
            "due",
            "--due",
            "回访期限",
            "2026-12-15",
            _date("--due"),
            when=lambda v: (
                not (v.get("receipt_date") or v.get("closed_date"))
                and (
                    kind(v) in ("satisfaction", "other")
                    or (kind(v) in ("complaint", "regulator") and not v.get("complaint"))
                )
            ),
        ),
        Ask("policy", "--policy", "保单号", "P2026110001", _text("--policy 保单号", 60, "P2026110001"), required=False),
        Ask("branch", "--branch", "机构", "朝阳支公司", _text("--branch 机构", 60, "朝阳支公司"), required=False),
    ]


def _claim_asks() -> list[Ask]:
    return [
        Ask("incident", "--incident", "出险时间", "2026-11-19T18:30", incident_value),
        Ask("reporter", "--reporter", "报案人姓名", "王小明", _text("--reporter 报案人姓名", 50, "王小明")),
        Ask("reporter_phone", "--reporter-phone", "报案人电话", "13812345678", _phone("--reporter-phone")),
        Ask("policy", "--policy", "保单号", "P2026110001", _text("--policy 保单号", 60, "P2026110001"), required=False),
        Ask("insured", "--insured", "出险人(被保险人)姓名", "王小明", _text("--insured", 50, "王小明"), required=False),
        Ask("branch", "--branch", "机构", "朝阳支公司", _text("--branch 机构", 60, "朝阳支公司"), required=False),
    ]


def _request_asks() -> list[Ask]:
    from ..domain import requests as rq

    def kind(v: dict) -> str | None:
        return _code_of(rq.REQUEST_TYPES, v.get("type"))

    return [
        Ask("type", "--type", "请求类型", "退保", _code(rq.REQUEST_TYPES, "--type 请求类型"), rq.REQUEST_TYPES),
        Ask("policy", "--policy", "保单号", "P2026110001", _text("--policy 保单号", 60, "P2026110001")),
        Ask(
            "reason",
            "--reason",
            "退保原因",
            "经济困难",
            _code(rq.SURRENDER_REASONS, "--reason 退保原因"),
            rq.SURRENDER_REASONS,
            when=lambda v: kind(v) == "surrender" and not v.get("content"),
        ),
        Ask(
            "content",
            "--content",
            "批改内容",
            "变更联系地址",
            _text("--content 批改内容", 2000, "变更联系地址"),
            when=lambda v: kind(v) == "endorsement" and not v.get("reason"),
        ),
        Ask("branch", "--branch", "机构", "朝阳支公司", _text("--branch 机构", 60, "朝阳支公司"), required=False),
    ]


ASKS = {"callback add": _callback_asks, "claim report": _claim_asks, "request add": _request_asks}
TITLES = {
    "callback add": "将安排以下回访:",
    "claim report": "将登记以下理赔报案:",
    "request add": "将登记以下保全请求:",
}


def guide(command: str, options: dict[str, Any]) -> dict[str, Any]:
    """The options of `command` (by parameter name) with the missing ones asked on a terminal, or
    InputError naming every missing one off it; a callback's --branch defaults to `kefu config set
    branch` (a claim's or a request's is its policy's).
    When something was asked, what will be saved is shown and 确认登记? asked (no: exit 1)."""
    from . import guided

    values = dict(options)
    if command == "callback add":  # a claim or request takes its policy's branch unless --branch
        values["branch"] = guided.default_branch(values.get("branch"))
    asks = ASKS[command]()
    if guided.fill(values, asks, json=bool(values.get("json")), command=command):
        shown = []
        for a in asks:
            value = values.get(a.key)
            if value and a.choices:
                from ..domain.codes import label

                value = label(a.choices, _code_of(a.choices, value) or value)
            shown.append((a.zh, str(value or "")))
        guided.review(TITLES[command], shown)
    return values
