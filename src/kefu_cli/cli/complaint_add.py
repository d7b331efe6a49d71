"""`kefu complaint add`'s work (the options are in cli/complaint.py): the missing values asked on a
terminal (cli/guided.py) or named at once off it, a likely duplicate asked about before anything
is written, the registration, what it prints."""

from __future__ import annotations

from typing import Any

from .common import at_value, date_value, state
from .guided import Ask


def _check(field: str):
    """The check `complaint add` makes of an option (services/complaints.py REGISTRATION_FIELDS)."""

    def check(text: str) -> Any:
        from ..services.complaints import REGISTRATION_FIELDS

        return REGISTRATION_FIELDS[field](text)

    return check


def _received(text: str) -> Any:
    if text == "现在":
        return None
    from ..services import clock

    value = at_value(text, "--received")
    if value is not None:
        from ..domain.timeutil import check_not_future

        check_not_future(value, "--received", clock.now())
    return value


def _people(text: str) -> Any:
    from ..domain.major import people

    return people(text)


def _in_person(v: dict) -> bool:
    from ..domain.codes import CHANNELS
    from .guided_cases import _code_of

    return _code_of(CHANNELS, v.get("channel")) == "visit"


def asks() -> list[Ask]:
    from ..domain.codes import CATEGORIES, CHANNELS
    from .guided_cases import _code_of

    return [
        Ask("channel", "--channel", "受理方式", "电话", _check("channel"), CHANNELS),
        Ask("category", "--category", "类别", "服务", _check("category"), CATEGORIES),
        Ask("name", "--name", "投诉人姓名", "王小明", _check("name")),
        Ask("phone", "--phone", "联系电话", "13812345678", _check("phone")),
        Ask(
            "regulator_ref",
            "--regulator-ref",
            "监管转办编号",
            "京金转〔2026〕1号",
            _check("regulator_ref"),
            when=lambda v: _code_of(CHANNELS, v.get("channel")) == "regulator",
        ),
        Ask("received", "--received", "接收时间", "2026-11-30T09:30", _received, default="现在", required=False),
        Ask("policy", "--policy", "保单号", "P2026110001", _check("policy_no"), required=False),
        Ask("summary", "--summary", "投诉内容摘要", "理赔款逾期未到账", _check("summary"), required=False),
        Ask("branch", "--branch", "机构", "朝阳支公司", _check("branch"), required=False),
        # in person only, so the questions stay short: 20 or more people make it major (Art. 29)
        Ask("people", "--people", "共同投诉人数(群体投诉)", "25", _people, required=False, when=_in_person),
    ]


def _review(v: dict) -> None:
    from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, parse_code
    from .guided import review

    def zh(table, value):
        from ..domain.codes import label

        return label(table, parse_code(table, value, ""))

    review(
        "将登记以下投诉:",
        [
            ("受理方式", zh(CHANNELS, v["channel"])),
            ("类别", zh(CATEGORIES, v["category"])),
            ("投诉人", v["name"]),
            ("联系电话", v["phone"]),
            ("监管转办编号", v.get("regulator_ref") or ""),
            ("接收时间", v.get("received") or "现在"),
            ("与消费者关系", zh(RELATIONS, v.get("relation") or "self")),
            ("保单号", v.get("policy") or ""),
            ("投诉内容", v.get("summary") or ""),
            ("机构", v.get("branch") or ""),
            ("处理人", v.get("handler") or ""),
            *([("投诉人数", str(v["people"]))] if v.get("people") else []),
        ],
    )


def add_complaint(**o: Any) -> None:
    """`kefu complaint add` with the values of its options (`o`, by parameter name)."""
    from . import guided

    o["branch"] = guided.default_branch(o["branch"])
    asked = guided.fill(o, asks(), json=o["json"], command="complaint add")
    if o["received"] == "现在":
        o["received"] = None
    if asked:
        _review(o)
    from ..services import complaints

    warned = False
    if guided.interactive(o["json"]):  # on a terminal a likely duplicate is asked about before it is written
        found = complaints.likely_duplicates(
            state.db, policy_no=o["policy"] or "", phone=o["phone"], category=o["category"]
        )
        if found:
            guided.still_register(
                f"已有同一保单或同一电话同类别的投诉 {'、'.join(found)}(处理中或已决定),可能是重复投诉"
                "(有新事实可用 kefu complaint merge --new-facts 合并)。"
            )
            warned = True
    received_dt = at_value(o["received"], "--received")
    if o["at"] is None and received_dt is not None:
        from ..domain.timeutil import check_not_future
        from ..services import clock

        check_not_future(received_dt, "--received", clock.now())
    at_dt = at_value(o["at"]) or received_dt  # registering a past receipt: the event happened then
    result = complaints.add(
        state.db, clerk=o["clerk"], at=at_dt, channel=o["channel"], category=o["category"], name=o["name"],
        phone=o["phone"], received=received_dt or at_dt, relation=o["relation"], policy_no=o["policy"],
        summary=o["summary"], branch=o["branch"], handler=o["handler"], incomplete=o["incomplete"],
        missing=o["missing"], regulator_ref=o["regulator_ref"],
        regulator_due=date_value(o["regulator_due"], "--regulator-due"), dispute=o["dispute"], product_line=o["line"],
        new_handler=o["new_handler"], new_branch=o["new_branch"],
        people=o.get("people"), representatives=o.get("representatives"), about=o.get("about"),
    )  # fmt: skip
    from ..render.output import message

    if result["duplicates"] and not warned:
        message(
            f"提示: 已有同一保单或同一电话同类别的投诉 {'、'.join(result['duplicates'])}(处理中或已决定),"
            "请核实是否为重复投诉(有新事实可用 merge --new-facts 合并)。",
            style="yellow",
        )
    from .complaint_render import done

    done(result, o["json"], f"已登记投诉 {result['id']}", o["unmask"], "complaint add", o["clerk"])
