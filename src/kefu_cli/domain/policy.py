"""The policy table: every number that sets a time limit or a KPI line.

Deadlines are policy, not code (RULES.md §2): commands and services never hold these
numbers; they ask a `Policy`. An administrator changes a value with `kefu policy set`,
which stores it in the database; the defaults below are the regulations' numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    WORKDAYS = "workdays"  # N-th working day after the start day (民法典 §201)
    DAYS = "days"  # start + N calendar days, rolled to a working day (民法典 §203)
    HOURS = "hours"  # clock hours
    COUNT = "count"  # a plain number (attempts)
    PERCENT = "percent"  # a KPI line


UNIT_ZH = {Unit.WORKDAYS: "工作日", Unit.DAYS: "自然日", Unit.HOURS: "小时", Unit.COUNT: "次", Unit.PERCENT: "%"}


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    value: int
    unit: Unit
    label: str
    source: str


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("complaint.supplement_notice", 5, Unit.WORKDAYS, "材料不全时告知补充材料", "公司投诉管理办法 第十二条"),
    Rule("complaint.acceptance", 10, Unit.WORKDAYS, "受理决定(自材料齐全)", "公司投诉管理办法 第十四、十六条"),
    Rule("complaint.decision", 15, Unit.WORKDAYS, "处理决定(自材料齐全)", "银行业保险业消费投诉处理管理办法 第十八条"),
    Rule("complaint.decision_complex", 30, Unit.WORKDAYS, "情况复杂的处理期限(合计)", "同上 第十八条"),
    Rule("complaint.decision_special", 60, Unit.WORKDAYS, "特别复杂经高级管理人员批准(合计)", "同上 第十八条"),
    Rule("complaint.regulator_report", 15, Unit.WORKDAYS, "监管转办投诉书面报告(默认)", "公司投诉管理办法 第十三条"),
    Rule("complaint.initial_investigation", 24, Unit.HOURS, "处理小组启动初步调查", "投诉处理流程 4.3"),
    Rule(
        "callback.new_policy_cooling_off",
        15,
        Unit.DAYS,
        "新契约回访(犹豫期, 默认)",
        "人身保险业务基本服务规定 第十五条",
    ),
    Rule("callback.claim", 5, Unit.WORKDAYS, "理赔结案后回访", "理赔申请回访制度 1.2"),
    Rule("callback.complaint", 5, Unit.WORKDAYS, "投诉处理决定后回访", "客户回访管理办法"),
    Rule("callback.regulator", 15, Unit.WORKDAYS, "监管转办投诉回访(不晚于报告期限)", "北京保险业回访规定 第六、九条"),
    Rule("callback.reply", 5, Unit.WORKDAYS, "回访发现问题的答复", "客户服务管理办法 第三篇"),
    Rule("callback.phone_attempts", 3, Unit.COUNT, "电话回访失败几次后改信函/上门", "客户回访管理办法 第五条"),
    Rule("callback.success_rate_min", 90, Unit.PERCENT, "回访成功率下限", "客户回访管理办法 第七条"),
    Rule("callback.letter_visit_max", 10, Unit.PERCENT, "信函+上门回访占比上限", "电子化回访通知 第六条"),
    Rule("report.due_soon_workdays", 3, Unit.WORKDAYS, "报表中“即将到期”的范围", "kefu"),
)

DEFAULTS: dict[str, Rule] = {r.key: r for r in DEFAULT_RULES}


class Policy:
    """The defaults with an administrator's stored values on top."""

    def __init__(self, stored: Mapping[str, int] | None = None) -> None:
        self._values = {k: r.value for k, r in DEFAULTS.items()}
        for k, v in (stored or {}).items():
            if k in self._values:
                self._values[k] = int(v)

    def __getitem__(self, key: str) -> int:
        return self._values[key]

    def rule(self, key: str) -> Rule:
        r = DEFAULTS[key]
        return Rule(r.key, self._values[key], r.unit, r.label, r.source)

    def rules(self) -> list[Rule]:
        return [self.rule(k) for k in DEFAULTS]


def validate_setting(key: str, value: int) -> str | None:
    """None when `key = value` is acceptable, else the reason in one sentence."""
    if key not in DEFAULTS:
        return f"没有名为 '{key}' 的规则。可用的规则见 `kefu policy list`,例如 complaint.acceptance"
    unit = DEFAULTS[key].unit
    if value < 0 or (unit is Unit.PERCENT and value > 100):
        limit = "0 到 100" if unit is Unit.PERCENT else "不小于 0 的整数"
        return f"规则 {key} 的值 {value} 无效,应为 {limit},例如 {DEFAULTS[key].value}"
    return None
