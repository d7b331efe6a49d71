"""`kefu policy …`: the policy table of time limits and KPI lines."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, ClerkOpt, JsonOpt, at_value, state

app = typer.Typer(help="时限与考核指标的规则表(管理员可修改)。", no_args_is_help=True)

UnitOpt = Annotated[
    str | None,
    typer.Option("--unit", help="期限的单位: workdays(工作日) | days(自然日) | hours(小时);次数、百分比规则不可用"),
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="期限的起算点: received(自收到投诉) | complete(自材料齐全);仅投诉时限 complaint.* 可用",
    ),
]


def _row(rule, default) -> dict:
    return {
        "key": rule.key,
        "value": rule.value,
        "unit": str(rule.unit),
        "start": str(rule.start) if rule.start else None,
        "default": default.value,
        "default_unit": str(default.unit),
        "default_start": str(default.start) if default.start else None,
        "label": rule.label,
        "source": rule.source,
    }


def _amount(value, unit, start) -> str:
    from ..domain.policy import UNIT_ZH, Unit, start_label

    text = f"{value} {UNIT_ZH[Unit(unit)]}"
    return f"{text} {start_label(start)}" if start else text


@app.command("list")
def list_(json: JsonOpt = False) -> None:
    """列出所有规则及当前取值、单位和起算点。"""
    from ..services.policy import rules_of

    rows = [_row(r, d) for r, d in rules_of(state.db)]
    if json:
        from ..render.output import print_json

        print_json({"rules": rows})
        return
    from ..domain.policy import UNIT_ZH, Unit, start_label
    from ..render.output import print_table

    print_table(
        "规则表",
        ["规则", "取值", "单位", "起算", "默认", "说明", "依据"],
        [
            [
                r["key"],
                r["value"],
                UNIT_ZH[Unit(r["unit"])],
                start_label(r["start"]),
                _amount(r["default"], r["default_unit"], r["default_start"]),
                r["label"],
                r["source"],
            ]
            for r in rows
        ],
    )


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(metavar="规则名", help="例如 complaint.acceptance(见 kefu policy list)")],
    value: Annotated[int, typer.Argument(metavar="取值", help="新的取值(整数),例如 10")],
    unit: UnitOpt = None,
    start: FromOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """修改一条规则的取值(及单位、起算点)。只影响此后开始计算的期限;已开始的期限保留原规则。"""
    from ..domain.policy import parse_start, parse_unit
    from ..services.context import unit_of_work
    from ..services.policy import set_rule

    unit_code = None if unit is None else parse_unit(unit)
    start_code = None if start is None else parse_start(start)
    when = at_value(at)
    with unit_of_work(state.db, clerk=clerk, at=when) as uow:
        change = set_rule(uow, key, value, unit_code, start_code)
    b, a = change.before, change.after
    if json:
        from ..render.output import print_json

        print_json(
            {
                "key": key,
                "value": a.value,
                "unit": str(a.unit),
                "start": str(a.start) if a.start else None,
                "before": b.value,
                "before_unit": str(b.unit),
                "before_start": str(b.start) if b.start else None,
            }
        )
        return
    from ..render.output import print_lines

    print_lines(
        [
            f"规则 {key}: {_amount(b.value, b.unit, b.start)} → {_amount(a.value, a.unit, a.start)}",
            "只影响此后开始计算的期限;已开始的期限保留原规则。",
        ]
    )
