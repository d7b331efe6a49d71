"""`kefu report regulator`: a quarter's complaints as the regulator's bulletins count them.

Every input is checked before anything is read (one sentence, exit 2): the quarter, the company
type, the denominators, the medians file. Then one read: the complaints received in the quarter
(China time, voided ones left out) with their channel and coding. The figures are pure arithmetic
in domain/regulator.py; the industry medians come from the data file shipped in the package
(kefu_cli/data/regulator_medians.csv, RULES.md §6) or the one `--medians FILE` names.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain import regulator as rg
from ..domain.codes import parse_code
from ..domain.errors import InputError

MEDIANS_FILE = Path(__file__).resolve().parent.parent / "data" / "regulator_medians.csv"
BUILT_IN = "内置"


def read_medians(path: str | Path | None) -> tuple[list[rg.Median], str]:
    """The medians of `path` (None: the file shipped with kefu), and how a report names the file."""
    import csv
    import io

    given = path is not None
    p = Path(path) if given else MEDIANS_FILE
    name = str(p) if given else BUILT_IN
    if not p.is_file():
        raise InputError(f"--medians 中位数文件 {p} 不存在或不是文件,例如 --medians ./行业中位数.csv")
    data = p.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InputError(f"中位数文件 {name} 不是 UTF-8 或 GBK 编码的 CSV")
    rows = list(enumerate(csv.reader(io.StringIO(text)), start=1))
    return rg.parse_medians(rows, name), name


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def regulator_report(
    db: str | None,
    *,
    quarter: str | None,
    company_type: str | None,
    premium: str | None,
    policies: str | None,
    insured: str | None = None,
    medians: str | None = None,
) -> dict[str, Any]:
    """The quarter's report: counts, breakdowns, the ratios over all complaints and over those the
    regulator transferred, the medians beside them, the denominators as given."""
    if not quarter:
        raise InputError("请给出季度: --quarter 年份Q季度,例如 --quarter 2026Q3")
    year, q = rg.parse_quarter(quarter)
    if not company_type:
        raise InputError("请给出公司类型: --company-type life(寿险)或 property(财险),例如 --company-type 寿险")
    kind = parse_code(rg.COMPANY_TYPES, company_type, "--company-type 公司类型")
    if premium is None:
        raise InputError("请给出本季度保费收入: --premium,例如 --premium 6亿")
    premium_100m = rg.parse_premium(premium)
    if policies is None:
        raise InputError("请给出保单件数: --policies,例如 --policies 40000")
    policies_10k = rg.parse_count(policies, "--policies", "保单件数", "40000")
    insured_10k = None
    if insured is not None:
        if kind != "life":
            raise InputError("--insured 被保险人人次只用于寿险公司(万人次投诉量),财险公司请不要给出")
        insured_10k = rg.parse_count(insured, "--insured", "被保险人人次", "50000")
    all_medians, medians_name = read_medians(medians)
    median = rg.medians_for(all_medians, kind, (year, q))

    first, after = rg.quarter_bounds(year, q)
    complaints = _complaints(db, dt.datetime.combine(first, dt.time()), dt.datetime.combine(after, dt.time()))
    figures = rg.quarter_figures([r[:3] for r in complaints], kind, premium_100m, policies_10k, insured_10k)
    figures["complaints"]["major"] = sum(1 for r in complaints if r[3])  # major complaints (Art. 29), flagged
    return {
        "quarter": rg.quarter_text(year, q),
        "from": first,
        "to": after - dt.timedelta(days=1),
        "company_type": kind,
        "company_type_zh": rg.COMPANY_TYPES[kind][0],
        "denominators": {
            "premium": premium.strip(),
            "premium_100m_yuan": _number(premium_100m),
            "policies": policies.strip(),
            "policies_10k": _number(policies_10k),
            "insured": insured.strip() if insured is not None else None,
            "insured_10k": _number(insured_10k),
        },
        "complaints": figures["complaints"],
        "by_dispute": figures["by_dispute"],
        "by_line": figures["by_line"],
        "ratios": {base: {k: _number(v) for k, v in r.items()} for base, r in figures["ratios"].items()},
        "medians": None
        if median is None
        else {
            "quarter": rg.quarter_text(*median.quarter),
            "company_type": median.company_type,
            **{k: _number(v) for k, v in median.values.items()},
            "source": median.source,
            "file": medians_name,
        },
    }


def _complaints(db: str | None, start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """(channel, dispute, product line, major reason) of the complaints received in [start, end),
    China time, not voided (a complaint registered by mistake is no complaint)."""
    from sqlalchemy import select

    from ..store.complaint_models import Complaint
    from .context import unit_of_work

    c = Complaint.__table__.c
    stmt = (
        select(c.channel, c.dispute, c.product_line, c.major_reason)
        .where(c.received_at >= start, c.received_at < end, c.voided_at.is_(None))
        .order_by(c.id)
    )
    with unit_of_work(db, write=False) as uow:
        return [tuple(r) for r in uow.session.execute(stmt)]
