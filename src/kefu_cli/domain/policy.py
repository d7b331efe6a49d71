"""The policy table: every number that sets a time limit or a KPI line.

Deadlines are policy, not code (RULES.md §2): commands and services never hold these
numbers; they ask a `Policy`. An administrator changes a value with `kefu policy set`,
which stores it in the database; the defaults below are the regulations' numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .codes import CodeTable, parse_code


class Unit(StrEnum):
    WORKDAYS = "workdays"  # N-th working day after the start day (民法典 §201)
    DAYS = "days"  # start + N calendar days, rolled to a working day (民法典 §203)
    HOURS = "hours"  # clock hours
    COUNT = "count"  # a plain number (attempts)
    PERCENT = "percent"  # a KPI line


UNIT_ZH = {Unit.WORKDAYS: "工作日", Unit.DAYS: "自然日", Unit.HOURS: "小时", Unit.COUNT: "次", Unit.PERCENT: "%"}
# Units a time limit can be counted in (the others are plain numbers).
PERIOD_UNITS = (Unit.WORKDAYS, Unit.DAYS, Unit.HOURS)


class Start(StrEnum):
    """Which event starts a complaint's clock."""

    RECEIVED = "received"  # receipt of the complaint (收到投诉之日)
    COMPLETE = "complete"  # receipt of complete materials (材料齐全之日)


START_ZH = {Start.RECEIVED: "自收到投诉", Start.COMPLETE: "自材料齐全"}
# A period's unit as the rules write it after the number (15日, 10个工作日, 24小时): a deadline's basis.
BASIS_UNIT = {Unit.WORKDAYS: "个工作日", Unit.DAYS: "日", Unit.HOURS: "小时"}


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    value: int
    unit: Unit
    label: str
    source: str
    start: Start | None = None  # complaint clocks only: what starts the period


# Each rule's `source` is its citation as the seeds and the rule name them (../shared/seeds/):
# a law or regulation in 《》 with its article, a company rule by its title and article. A
# deadline's basis is the citation and the amount (`citation`: "《…》第十八条 15日").
RULE_2020 = "《银行业保险业消费投诉处理管理办法》"  # 银保监会令2020年第3号
SERVICE_RULES = "客户服务管理规定"  # the company's rule (seed 000; seed 001 第四篇)
AFTER_SALES = "售后服务管理细则"  # seed 002
CALLBACK_RULES = "中国人寿客户回访管理办法"  # seed 004

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "complaint.supplement_notice",
        5,
        Unit.WORKDAYS,
        "材料不全时告知补充材料",
        f"{SERVICE_RULES} 第十二条",
        Start.RECEIVED,
    ),
    Rule("complaint.acceptance", 10, Unit.WORKDAYS, "受理决定", f"{SERVICE_RULES} 第十六条", Start.COMPLETE),
    Rule("complaint.decision", 15, Unit.DAYS, "处理决定", f"{RULE_2020}第十八条", Start.RECEIVED),
    Rule(
        "complaint.decision_complex", 30, Unit.DAYS, "情况复杂的处理期限(合计)", f"{RULE_2020}第十八条", Start.RECEIVED
    ),
    Rule(
        "complaint.decision_special",
        60,
        Unit.DAYS,
        "特别复杂经高级管理人员批准(合计)",
        f"{RULE_2020}第十八条",
        Start.RECEIVED,
    ),
    Rule(
        "complaint.regulator_report",
        15,
        Unit.WORKDAYS,
        "监管转办投诉书面报告(默认)",
        f"{SERVICE_RULES} 第十三条",
        Start.RECEIVED,
    ),
    Rule("complaint.review_request", 30, Unit.DAYS, "收到处理决定后书面申请核查(复核)", f"{RULE_2020}第二十条"),
    Rule("complaint.review", 30, Unit.DAYS, "核查(复核)决定(自收到核查申请)", f"{RULE_2020}第二十条"),
    Rule(
        "complaint.major_report",
        24,
        Unit.HOURS,
        "重大投诉报告投诉应急处理领导小组(自接收或认定为重大投诉)",
        "保险公司客户投诉应急预案 3.1、4.3",
    ),
    Rule(
        "complaint.initial_investigation",
        24,
        Unit.HOURS,
        "处理小组启动初步调查",
        "保险公司客户投诉应急预案 4.3",
        Start.RECEIVED,
    ),
    Rule(
        "callback.new_policy_cooling_off",
        15,
        Unit.DAYS,
        "新契约回访(犹豫期, 默认)",
        "《人身保险业务基本服务规定》第十五条",
    ),
    Rule("callback.claim", 5, Unit.WORKDAYS, "理赔结案后回访", "保险公司理赔申请回访制度 1.2"),
    # 投诉处理回访 is named in 第二十四条; the 5 working days are kefu's default (no seed sets a number)
    Rule("callback.complaint", 5, Unit.WORKDAYS, "投诉处理决定后回访", f"{SERVICE_RULES} 第二十四条"),
    Rule(
        "callback.regulator",
        15,
        Unit.WORKDAYS,
        "监管转办投诉回访(不晚于报告期限)",
        "《北京保险业信访回访和督查制度》第六、九条",
    ),
    Rule("callback.reply", 5, Unit.WORKDAYS, "回访发现问题的答复", "保险公司客户服务工作汇报 四(二)4"),
    Rule("callback.phone_attempts", 3, Unit.COUNT, "电话回访失败几次后改信函/上门", f"{CALLBACK_RULES} 第五条"),
    Rule("callback.success_rate_min", 90, Unit.PERCENT, "回访成功率下限", f"{CALLBACK_RULES} 第七条"),
    Rule("callback.letter_visit_max", 10, Unit.PERCENT, "信函+上门回访占比上限", f"{CALLBACK_RULES} 第五条"),
    Rule(
        "claim.major_case_report",
        24,
        Unit.HOURS,
        "重大案件向总部呈报(自接到报案或了解情况)",
        f"{AFTER_SALES} 第四条(二)",
    ),
    Rule("claim.handover", 3, Unit.WORKDAYS, "理赔材料齐全后移交保险公司", f"{AFTER_SALES} 第四条(五)"),
    Rule("report.due_soon_workdays", 3, Unit.WORKDAYS, "报表中“即将到期”的范围", "kefu"),
)

DEFAULTS: dict[str, Rule] = {r.key: r for r in DEFAULT_RULES}


class Policy:
    """The defaults with an administrator's stored values on top."""

    def __init__(
        self,
        stored: Mapping[str, int] | None = None,
        units: Mapping[str, str | None] | None = None,
        starts: Mapping[str, str | None] | None = None,
    ) -> None:
        self._values = {k: r.value for k, r in DEFAULTS.items()}
        self._units = {k: r.unit for k, r in DEFAULTS.items()}
        self._starts = {k: r.start for k, r in DEFAULTS.items()}
        for k, v in (stored or {}).items():
            if k in self._values:
                self._values[k] = int(v)
        for k, u in (units or {}).items():
            if k in self._units and u:
                self._units[k] = Unit(u)
        for k, st in (starts or {}).items():
            if k in self._starts and st and self._starts[k] is not None:
                self._starts[k] = Start(st)

    def __getitem__(self, key: str) -> int:
        return self._values[key]

    def rule(self, key: str) -> Rule:
        r = DEFAULTS[key]
        return Rule(r.key, self._values[key], self._units[key], r.label, r.source, self._starts[key])

    def rules(self) -> list[Rule]:
        return [self.rule(k) for k in DEFAULTS]


# Codes an administrator types for `kefu policy set --unit/--from` (English code or Chinese label).
UNIT_CODES: CodeTable = {
    Unit.WORKDAYS.value: ("工作日", ("个工作日",)),
    Unit.DAYS.value: ("自然日", ("日", "天", "日历日")),
    Unit.HOURS.value: ("小时", ("时", "h")),
}
START_CODES: CodeTable = {
    Start.RECEIVED.value: ("自收到投诉", ("收到投诉", "收到", "自收到")),
    Start.COMPLETE.value: ("自材料齐全", ("材料齐全", "齐全")),
}

# Allowed values, per unit; a rule listed in KEY_BOUNDS has its own range.
BOUNDS: dict[Unit, tuple[int, int]] = {
    Unit.WORKDAYS: (1, 250),  # about one year of working days
    Unit.DAYS: (1, 366),
    Unit.HOURS: (1, 720),  # 30 days of clock hours
    Unit.COUNT: (1, 20),
    Unit.PERCENT: (0, 100),
}
KEY_BOUNDS: dict[str, tuple[int, int]] = {"report.due_soon_workdays": (0, 30)}
# A typical value per unit, for the example in a refusal.
EXAMPLES: dict[Unit, int] = {
    Unit.WORKDAYS: 10,
    Unit.DAYS: 15,
    Unit.HOURS: 24,
    Unit.COUNT: 3,
    Unit.PERCENT: 90,
}
# Rules whose unit is fixed by what reads them (the deadline report counts working days).
FIXED_UNIT_KEYS = frozenset({"report.due_soon_workdays"})


def parse_unit(text: str, field: str = "--unit") -> Unit:
    """workdays|days|hours, or 工作日/自然日/小时; InputError otherwise."""
    return Unit(parse_code(UNIT_CODES, text, field))


def parse_start(text: str, field: str = "--from") -> Start:
    """received|complete, or 自收到投诉/收到投诉/自材料齐全/材料齐全; InputError otherwise."""
    return Start(parse_code(START_CODES, text, field))


def start_label(start: Start | str | None) -> str:
    return START_ZH[Start(start)] if start else "—"


def bounds(key: str, unit: Unit) -> tuple[int, int]:
    """The allowed range of `key` when counted in `unit`."""
    return KEY_BOUNDS.get(key) or BOUNDS[unit]


def validate_setting(
    key: str, value: int, unit: Unit | str | None = None, start: Start | str | None = None
) -> str | None:
    """None when `key = value` (counted in `unit`, from `start`) is acceptable, else the reason
    in one sentence. `unit`/`start` None mean the rule's default; any size of int is handled."""
    if key not in DEFAULTS:
        return f"没有名为 '{key}' 的规则。可用的规则见 `kefu policy list`,例如 complaint.acceptance"
    default = DEFAULTS[key]
    unit = default.unit if unit is None else Unit(unit)
    if unit is not default.unit:
        if default.unit not in PERIOD_UNITS:
            return (
                f"规则 {key} 是{'百分比' if default.unit is Unit.PERCENT else '次数'},不是期限,不能用 --unit 改单位;"
                f"只改取值即可,例如 kefu policy set {key} {default.value}"
            )
        if unit not in PERIOD_UNITS:
            return f"规则 {key} 是期限,单位应为 workdays(工作日)、days(自然日)或 hours(小时),例如 --unit {default.unit}"
        if key in FIXED_UNIT_KEYS:
            return (
                f"规则 {key} 按{UNIT_ZH[default.unit]}计算,不能改单位;"
                f"只改取值即可,例如 kefu policy set {key} {default.value}"
            )
    if start is not None and default.start is None:
        return (
            f"规则 {key} 没有起算点(只有投诉时限 complaint.* 有),不能用 --from;"
            f"例如 kefu policy set complaint.decision 15 --from received"
        )
    lo, hi = bounds(key, unit)
    if not lo <= value <= hi:
        example = default.value if unit is default.unit else EXAMPLES[unit]
        return (
            f"规则 {key} 的值 {value} 超出范围,按{UNIT_ZH[unit]}计应为 {lo} 到 {hi} 的整数,"
            f"例如 kefu policy set {key} {example}" + (f" --unit {unit}" if unit is not default.unit else "")
        )
    return None


def citation(rule: Rule, value: int | None = None) -> str:
    """A deadline's basis: the rule's source and its amount as the rules write it —
    "《银行业保险业消费投诉处理管理办法》第十八条 15日", "客户服务管理规定 第十六条 10个工作日";
    `value` when the case sets its own amount (a cooling-off period of 10 days)."""
    amount = rule.value if value is None else value
    return f"{rule.source} {amount}{BASIS_UNIT.get(rule.unit, UNIT_ZH[rule.unit])}"


_RULE_KEY = re.compile(r"[((]((?:complaint|callback|claim|report)\.[a-z_]+)[))]")


def basis_zh(text: str) -> str:
    """A stored deadline basis as a clerk reads it. A basis written before the citations
    (`citation`) named the policy key in brackets: it becomes the rule's source
    (收到投诉 … 起 15 自然日(complaint.decision) → …(《银行业保险业消费投诉处理管理办法》第十八条))."""

    def source(m: re.Match) -> str:
        rule = DEFAULTS.get(m.group(1))
        return m.group(0) if rule is None else f"({rule.source})"

    return _RULE_KEY.sub(source, text or "")
