"""`kefu policy …`: the policy table of time limits and KPI lines."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, ClerkOpt, JsonOpt, at_value, state

app = typer.Typer(help="时限与考核指标的规则表(管理员可修改)。", no_args_is_help=True)


def _rows(policy):
    from ..domain.policy import DEFAULTS

    return [
        {
            "key": r.key,
            "value": r.value,
            "unit": str(r.unit),
            "default": DEFAULTS[r.key].value,
            "label": r.label,
            "source": r.source,
        }
        for r in policy.rules()
    ]


@app.command("list")
def list_(json: JsonOpt = False) -> None:
    """列出所有规则及当前取值。"""
    from ..services.context import unit_of_work

    with unit_of_work(state.db, write=False) as uow:
        rows = _rows(uow.policy)
    if json:
        from ..render.output import print_json

        print_json({"rules": rows})
        return
    from ..domain.policy import UNIT_ZH, Unit
    from ..render.output import print_table

    print_table(
        "规则表",
        ["规则", "取值", "单位", "默认", "说明", "依据"],
        [[r["key"], r["value"], UNIT_ZH[Unit(r["unit"])], r["default"], r["label"], r["source"]] for r in rows],
    )


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="规则名,例如 complaint.acceptance")],
    value: Annotated[int, typer.Argument(help="新的取值,例如 10")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """修改一条规则。只影响此后开始计算的期限;已开始的期限保留原规则。"""
    from ..domain.policy import validate_setting
    from ..domain.timeutil import InputError
    from ..services.context import unit_of_work
    from ..store.models import PolicySetting

    problem = validate_setting(key, value)
    if problem:
        raise InputError(problem)
    with unit_of_work(state.db, clerk=clerk, at=at_value(at)) as uow:
        before = uow.policy[key]
        row = uow.session.get(PolicySetting, key) or PolicySetting(
            key=key, value=value, updated_at=uow.at, updated_by=uow.clerk
        )
        row.value, row.updated_at, row.updated_by = value, uow.at, uow.clerk
        uow.session.add(row)
        uow.audit("policy", key, "set", before=before, after=value)
    if json:
        from ..render.output import print_json

        print_json({"key": key, "value": value, "before": before})
        return
    from ..render.output import print_lines

    print_lines([f"规则 {key}: {before} → {value}"])
