"""The regulator's view of complaints — pure code, no I/O.

The quarterly bulletins (保险消费投诉情况通报, RULES.md §6) code complaints by dispute type and
product line, and rank companies by three ratios against the industry median:

    亿元保费投诉量 (件/亿元)  = complaints ÷ premium income in 亿元
    万张保单投诉量 (件/万张)  = complaints ÷ policies in 万张
    万人次投诉量   (件/万人次) = complaints ÷ insured persons in 万人次 (life insurers only)

Here: the code tables a complaint is coded with (`DISPUTES`, `LINES`; `report annual` reads them
too), the quarter (`parse_quarter`, `quarter_bounds`), the denominators as a user types them
(`parse_premium`, `parse_count`), the ratios (`ratio`, two decimals, half up), the medians file's
rows checked (`parse_medians`, `medians_for`) and the report's figures from the quarter's
complaints (`quarter_figures`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .codes import CodeTable
from .timeutil import InputError

# The bulletins' dispute types (纠纷类型): 销售, 理赔, 退保 nationally; 承保, 保全, 续期/续保 regionally.
DISPUTES: CodeTable = {
    "sales": ("销售纠纷", ("销售", "销售误导")),
    "claims": ("理赔纠纷", ("理赔",)),
    "surrender": ("退保纠纷", ("退保",)),
    "underwriting": ("承保纠纷", ("承保",)),
    "servicing": ("保全纠纷", ("保全",)),
    "renewal": ("续期续保纠纷", ("续期纠纷", "续保纠纷", "续期", "续保", "续期/续保纠纷")),
    "other": ("其他", ("其它", "其他纠纷")),
}
# The bulletins' product lines (险种): property lines, then life lines.
LINES: CodeTable = {
    "motor": ("机动车辆保险", ("车险", "机动车险", "机动车保险")),
    "surety": ("保证保险", ("保证险",)),
    "property_other": ("财产险其他", ("其他财产险", "财产险其它")),
    "life": ("普通人寿保险", ("普通寿险", "寿险")),
    "critical_illness": ("疾病保险", ("疾病险", "重疾险")),
    "medical": ("医疗保险", ("医疗险",)),
    "accident": ("意外伤害保险", ("意外险", "意外伤害险")),
    "annuity": ("年金保险", ("年金", "年金险")),
    "participating": ("分红型", ("分红险", "分红")),
    "universal": ("万能型", ("万能险", "万能")),
    "unit_linked": ("投资连结", ("投连", "投连险", "投资连结险")),
    "other": ("其他", ("其它",)),
}
# Which company type a product line belongs to in the bulletins ("other" belongs to both).
PROPERTY_LINES = ("motor", "surety", "property_other")
LIFE_LINES = ("life", "critical_illness", "medical", "accident", "annuity", "participating", "universal",
              "unit_linked")  # fmt: skip

COMPANY_TYPES: CodeTable = {
    "life": ("寿险", ("人身险", "人身保险", "寿险公司", "人身险公司")),
    "property": ("财险", ("财产险", "产险", "财产保险", "财险公司", "财产险公司")),
}
UNCODED = "unclassified"
UNCODED_ZH = "未分类"

# The three ratios: key, Chinese name, unit.
RATIOS = (
    ("per_100m_premium", "亿元保费投诉量", "件/亿元"),
    ("per_10k_policies", "万张保单投诉量", "件/万张"),
    ("per_10k_insured", "万人次投诉量", "件/万人次"),
)
RATIO_KEYS = tuple(k for k, _, _ in RATIOS)

_QUARTER = re.compile(r"(\d{4})\s*[Qq]\s*([1-4])")


def parse_quarter(text: str | None, field: str = "--quarter") -> tuple[int, int]:
    """(year, quarter) of "2026Q3" (q in either case)."""
    m = _QUARTER.fullmatch((text or "").strip().replace("Ｑ", "Q"))
    if not m or not 2000 <= int(m.group(1)) <= 2099:
        raise InputError(f"{field} 季度 '{text or ''}' 无效: 请写成 YYYYQn(年份Q季度),例如 {field} 2026Q3")
    return int(m.group(1)), int(m.group(2))


def quarter_text(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The quarter's first day and the first day after it (China time days)."""
    first = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, after


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


_PREMIUM_EXAMPLE = "例如 --premium 6亿、--premium 6.5亿、--premium 60000万 或 --premium 600000000(元)"


def parse_premium(text: str | None, field: str = "--premium") -> Decimal:
    """Premium income in 亿元 from "6亿", "6.5亿", "60000万", "600000000" (元); "元" may follow."""
    raw = (text or "").strip()
    t = raw.replace(",", "").replace(",", "").replace(" ", "")
    t = t.removesuffix("元").removesuffix("人民币")
    scale = Decimal(1) / Decimal(100_000_000)  # plain digits are 元
    if t.endswith("亿"):
        t, scale = t[:-1], Decimal(1)
    elif t.endswith("万"):
        t, scale = t[:-1], Decimal(1) / Decimal(10_000)
    value = _number(t) if t else None
    if value is None or value <= 0:
        raise InputError(f"{field} 保费收入 '{raw}' 无效: 应为大于 0 的金额,{_PREMIUM_EXAMPLE}")
    return value * scale


def parse_count(text: str | None, field: str, what: str, example: str) -> Decimal:
    """A count in units of 万 (万张, 万人次) from "40000" or "4万"."""
    raw = (text or "").strip()
    t = raw.replace(",", "").replace(",", "").replace(" ", "")
    t = t.removesuffix("张").removesuffix("人次").removesuffix("人")
    scale = Decimal(1) / Decimal(10_000)
    if t.endswith("万"):
        t, scale = t[:-1], Decimal(1)
    value = _number(t) if t else None
    if value is None or value <= 0:
        raise InputError(f"{field} {what} '{raw}' 无效: 应为大于 0 的数量,例如 {field} {example} 或 {field} 4万")
    return value * scale


def ratio(complaints: int, denominator: Decimal | None) -> Decimal | None:
    """complaints ÷ denominator, two decimals, half up (None without a denominator)."""
    if denominator is None:
        return None
    return (Decimal(complaints) / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ratios(complaints: int, premium: Decimal, policies: Decimal, insured: Decimal | None) -> dict[str, Decimal | None]:
    """The three ratios of `complaints` (premium in 亿元, policies in 万张, insured in 万人次)."""
    return dict(zip(RATIO_KEYS, (ratio(complaints, d) for d in (premium, policies, insured)), strict=True))


# --- the medians file ------------------------------------------------------------------------

# Column -> accepted headers (English key first).
MEDIAN_COLUMNS = {
    "quarter": ("quarter", "季度"),
    "company_type": ("company_type", "公司类型"),
    "per_100m_premium": ("per_100m_premium", "件/亿元", "亿元保费投诉量"),
    "per_10k_policies": ("per_10k_policies", "件/万张", "万张保单投诉量"),
    "per_10k_insured": ("per_10k_insured", "件/万人次", "万人次投诉量"),
    "source": ("source", "来源"),
}


@dataclass(frozen=True)
class Median:
    quarter: tuple[int, int]
    company_type: str
    values: Mapping[str, Decimal | None]  # RATIO_KEYS -> median (None: not published)
    source: str


def parse_medians(rows: Iterable[tuple[int, Sequence[str]]], name: str) -> list[Median]:
    """The medians of a CSV's rows, each (line number, cells): blank lines and lines starting with
    "#" (the source note) are skipped, the first other line is the header. `name`: the file as a
    message names it. InputError naming the line and the column of the first bad value."""
    from .codes import parse_code

    rows = [
        (n, r)
        for n, r in rows
        if any((c or "").strip() for c in r) and not (r[0] or "").lstrip("\ufeff").startswith("#")
    ]
    if not rows:
        raise InputError(f"中位数文件 {name} 是空的: 应有表头 quarter,company_type,per_100m_premium,… 和数据行")
    first, head = rows[0]
    header = [(c or "").strip().lstrip("\ufeff") for c in head]
    where: dict[str, int] = {}
    for key, names in MEDIAN_COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                where[key] = i
    missing = [MEDIAN_COLUMNS[k][0] for k in ("quarter", "company_type", "per_100m_premium", "per_10k_policies")
               if k not in where]  # fmt: skip
    if missing:
        raise InputError(f"中位数文件 {name} 第 {first} 行(表头)缺少列: {'、'.join(missing)};"
                         "表头应为 quarter,company_type,per_100m_premium,per_10k_policies,per_10k_insured,source")  # fmt: skip
    out = []
    for n, row in rows[1:]:

        def cell(key: str, row=row) -> str:
            i = where.get(key)
            return (row[i] if i is not None and i < len(row) else "").strip()

        def bad(key: str, why: str, n=n) -> InputError:
            return InputError(f"中位数文件 {name} 第 {n} 行 {key} 列: {why}")

        try:
            quarter = parse_quarter(cell("quarter"), "quarter")
        except InputError:
            raise bad("quarter", f"季度 '{cell('quarter')}' 无效,应写成 2023Q1") from None
        try:
            company = parse_code(COMPANY_TYPES, cell("company_type"), "company_type")
        except InputError:
            raise bad("company_type", f"'{cell('company_type')}' 无效,应为 life(寿险)或 property(财险)") from None
        values: dict[str, Decimal | None] = {}
        for key in RATIO_KEYS:
            text = cell(key)
            if not text and (key == "per_10k_insured" or key not in where):
                values[key] = None
                continue
            value = _number(text)
            if value is None or value < 0:
                raise bad(key, f"'{text}' 不是数字,应写成 1.59 这样的数")
            values[key] = value
        out.append(Median(quarter, company, values, cell("source")))
    if not out:
        raise InputError(f"中位数文件 {name} 只有表头,没有数据行")
    return out


def medians_for(medians: Iterable[Median], company_type: str, quarter: tuple[int, int]) -> Median | None:
    """The medians of `company_type` from the latest quarter on file not after `quarter` (the
    latest on file when every one is later)."""
    mine = sorted((m for m in medians if m.company_type == company_type), key=lambda m: m.quarter)
    if not mine:
        return None
    before = [m for m in mine if m.quarter <= quarter]
    return (before or mine)[-1]


# --- the quarter's figures -------------------------------------------------------------------


def lines_shown(company_type: str, counted: Iterable[str]) -> list[str]:
    """The product lines a report lists: the company type's, any other line a complaint was
    coded with, 其他, and 未分类 last."""
    own = PROPERTY_LINES if company_type == "property" else LIFE_LINES
    seen = set(counted)
    return [code for code in LINES if code in own or code == "other" or code in seen] + [UNCODED]


def _breakdown(table: CodeTable, codes: Sequence[str], rows: Sequence[tuple[bool, str | None]]) -> list[dict]:
    out = []
    for code in codes:
        of = [regulator for regulator, c in rows if (c or UNCODED) == code]
        label = UNCODED_ZH if code == UNCODED else table[code][0]
        out.append({"code": code, "label": label, "all": len(of), "regulator": sum(of)})
    return out


def quarter_figures(
    complaints: Sequence[tuple[str, str | None, str | None]],
    company_type: str,
    premium: Decimal,
    policies: Decimal,
    insured: Decimal | None,
) -> dict:
    """The figures of a quarter from its complaints, each (channel, dispute, product line):
    counts (all, and transferred by the regulator — channel `regulator`), by dispute type and by
    product line (uncoded as 未分类), and the ratios over either count."""
    regulator = [channel == "regulator" for channel, _, _ in complaints]
    disputes = [(r, d) for r, (_, d, _) in zip(regulator, complaints, strict=True)]
    lines = [(r, ln) for r, (_, _, ln) in zip(regulator, complaints, strict=True)]
    counts = {"all": len(complaints), "regulator": sum(regulator)}
    return {
        "complaints": counts,
        "by_dispute": _breakdown(DISPUTES, [*DISPUTES, UNCODED], disputes),
        "by_line": _breakdown(LINES, lines_shown(company_type, (ln for _, ln in lines if ln)), lines),
        "ratios": {k: ratios(n, premium, policies, insured) for k, n in counts.items()},
    }
