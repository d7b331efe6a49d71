"""What clerks type for a claim or a policy, checked — pure code, no I/O: amounts as clerks type
them (600000、60万、1.5万元), the limitation period (保险法 第二十六条, counted as 民法典 第二百零一至
二百零三条 count periods), the first checks of a report (信息初步审核: policy period, cover,
limitation; seed 002 第四条), the resident ID number (居民身份证号码, GB 11643-1999) check and mask,
and a policy's line guessed from its product name.
"""

from __future__ import annotations

import datetime as dt
import re

from .errors import InputError

# --- amounts -------------------------------------------------------------------------------------

AMOUNT_MAX = 10**12  # yuan
_AMOUNT = re.compile(r"(?P<n>[0-9]+(?:\.[0-9]+)?)(?P<wan>万)?元?")


def _example(field: str, value: str) -> str:
    """例如 --estimate 600000 for an option ("--estimate 预计理赔金额"), 例如 600000 for a column."""
    option = field.split(" ")[0] if field.startswith("--") else ""
    return f"例如 {option} {value}" if option else f"例如 {value}"


def parse_amount(text: str | None, field: str, example: str = "600000") -> int | None:
    """Whole yuan from 600000、600,000、600000元、60万、1.5万元; None for empty. Fractions of a
    yuan are refused (amounts are recorded in whole yuan)."""
    v = (text or "").strip().translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,"))
    if not v:
        return None
    v = v.replace(",", "").replace(" ", "")
    m = _AMOUNT.fullmatch(v)
    if m is None:
        raise InputError(f"{field} 应为金额(元,可写 万),{_example(field, example)} 或 60万")
    from decimal import Decimal

    amount = Decimal(m.group("n")) * (10_000 if m.group("wan") else 1)
    if amount != amount.to_integral_value():
        raise InputError(f"{field} 请按整元填写(不含角分),{_example(field, example)}")
    if not 0 <= amount <= AMOUNT_MAX:
        raise InputError(f"{field} 金额超出范围(最多 {AMOUNT_MAX} 元),{_example(field, example)}")
    return int(amount)


def yuan(amount: int | None) -> str:
    """600000 -> 60万元, 1234567 -> 1,234,567元."""
    if amount is None:
        return "-"
    if amount and amount % 10_000 == 0:
        return f"{amount // 10_000:,}万元"
    return f"{amount:,}元"


# --- the limitation period (保险法 第二十六条) ------------------------------------------------

LIMITATION_YEARS = {"life": 5}  # 人寿保险 5 年, 其他 2 年
LIMITATION_DEFAULT_YEARS = 2
LIMITATION_SOURCE = "保险法 第二十六条;民法典 第二百零一至二百零三条"


def limitation_years(line: str | None) -> int:
    return LIMITATION_YEARS.get(line or "", LIMITATION_DEFAULT_YEARS)


def corresponding_day(start: dt.date, years: int) -> dt.date:
    """The day `years` after `start` (民法典 第二百零二条): the same month and day, or the last
    day of the month when that day does not exist (2024-02-29 + 2 years = 2026-02-28)."""
    import calendar

    year = start.year + years
    last = calendar.monthrange(year, start.month)[1]
    return dt.date(year, start.month, min(start.day, last))


def limitation_end(known: dt.date, years: int, next_workday) -> dt.date:
    """The last day to claim: the corresponding day `years` after the day the claimant knew of
    the incident (the start day not counted, 第二百零一条), moved to the next working day when it
    is a rest day (第二百零三条; `next_workday` is the calendar's)."""
    return next_workday(corresponding_day(known, years))


def first_check_failures(
    *,
    incident: dt.date,
    period_start: dt.date | None,
    period_end: dt.date | None,
    claimed: dt.date,
    limitation_last: dt.date,
    years: int,
    not_covered: str | None,
) -> dict[str, str]:
    """The first checks that fail, {check: reason} (empty: all pass). `claimed` is the day of
    the report."""
    out: dict[str, str] = {}
    if (period_start is not None and incident < period_start) or (period_end is not None and incident > period_end):
        out["period"] = f"出险日期 {incident} 不在保险期间({period_start or '-'} 至 {period_end or '-'})内"
    if not_covered:
        out["cover"] = f"保险事故不属于保险责任范围: {not_covered}"
    if claimed > limitation_last:
        out["limitation"] = (
            f"已超过索赔时效: 自知道保险事故之日起 {years} 年,最后一日为 {limitation_last}(保险法 第二十六条)"
        )
    return out


CHECK_ZH = {"period": "保险期间", "cover": "保险责任", "limitation": "索赔时效"}


# --- resident ID numbers (GB 11643-1999) ---------------------------------------------------------

ID_EXAMPLE = "11010519491231002X"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# 省级行政区划代码 (GB/T 2260): 11 北京 … 65 新疆, 71 台湾, 81 香港, 82 澳门, 91 (外国人永久居留)
_PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
     "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83", "91"}
)  # fmt: skip
_ID_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def check_id_number(text: str | None, field: str, today: dt.date) -> str:
    """An 18-character resident ID number, upper-case X, or InputError naming what is wrong
    (never echoing the number): length, characters, region, date of birth (not after `today`), check digit."""
    v = re.sub(r"[\s\-\u3000]", "", (text or "").translate(_ID_FULL_WIDTH)).upper()
    example = _example(field, ID_EXAMPLE)
    if not v:
        raise InputError(f"{field} 身份证号码不能为空,{example}")
    if len(v) == 15 and v.isascii() and v.isdigit():
        raise InputError(f"{field} 是 15 位的旧身份证号码,已停止使用: 请填写 18 位的居民身份证号码,{example}")
    if len(v) != 18:
        raise InputError(f"{field} 身份证号码应为 18 位(现为 {len(v)} 位),{example}")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", v):
        raise InputError(f"{field} 身份证号码前 17 位只能是数字,最后一位是数字或 X,{example}")
    if v[:2] not in _PROVINCES:
        raise InputError(f"{field} 身份证号码的前两位不是有效的省级行政区划代码,请核对证件,{example}")
    try:
        born = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > today:
        raise InputError(f"{field} 身份证号码第 7 至 14 位不是有效的出生日期,请核对证件,{example}")
    if id_check_digit(v[:17]) != v[17]:
        raise InputError(f"{field} 身份证号码校验位不符(号码中有数字录错),请对照证件逐位核对,{example}")
    return v


def mask_id_number(text: str | None) -> str:
    """110***********1234: the first 3 and last 4 characters of an ID number."""
    if not text:
        return ""
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def line_from_product(product: str | None) -> str:
    """A guess of the line from a product name, for policies imported without 险种类型."""
    p = product or ""
    if any(w in p for w in ("寿险", "人寿", "年金", "两全")):
        return "life"
    if any(w in p for w in ("疾病", "医疗", "健康", "重疾", "护理")):
        return "health"
    if "意外" in p:
        return "accident"
    if any(w in p for w in ("车", "财产", "家财", "责任险")):
        return "property"
    return "other"
