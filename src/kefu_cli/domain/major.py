"""Major and group complaints (2020 rule Art. 12, 29; the emergency plan, seed 003) and recusal
(Art. 17) — pure rules, no I/O.

- A group complaining in person sends at most 5 representatives (Art. 12): `representatives`.
- 20 or more people complaining together, a disaster, a safety accident, a public-health event,
  a case the regulator designates, media involvement make a complaint major (Art. 29): it goes to
  the complaint emergency group (投诉应急处理领导小组, seed 003 3.1) within the policy
  `complaint.major_report` (24 clock hours, seed 003 4.3). `MAJOR_REASONS` are the reasons.
- Whoever the complaint is about (被投诉人) may not handle it (Art. 17): `check_not_about`.
"""

from __future__ import annotations

import re
from enum import StrEnum

from .codes import CodeTable
from .errors import InputError


class MajorReason(StrEnum):
    GROUP = "group"  # 20 or more people complaining together in person
    DISASTER = "disaster"
    ACCIDENT = "accident"  # a safety accident
    PUBLIC_HEALTH = "public_health"
    REGULATOR = "regulator"  # the regulator designates it
    MEDIA = "media"  # the media are involved


MAJOR_REASONS: CodeTable = {
    MajorReason.GROUP.value: ("群体", ("群体投诉", "群访", "集体投诉")),
    MajorReason.DISASTER.value: ("灾害", ("自然灾害", "重大灾害")),
    MajorReason.ACCIDENT.value: ("安全事故", ("事故", "重大事故")),
    MajorReason.PUBLIC_HEALTH.value: ("公共卫生", ("公共卫生事件",)),
    MajorReason.REGULATOR.value: ("监管指定", ("监管", "监管机构指定")),
    MajorReason.MEDIA.value: ("媒体", ("媒体介入", "舆情")),
}

GROUP_PEOPLE = 20  # this many people or more complaining together make it major (Art. 29)
MAX_REPRESENTATIVES = 5  # a group in person sends at most this many representatives (Art. 12)
PEOPLE_MAX = 1_000_000
EMERGENCY_GROUP = "投诉应急处理领导小组"  # seed 003 3.1
MAJOR_MARK = "重大"  # the mark of a major complaint in lists and reports
_SEPARATORS = re.compile(r"[,，、;；]")


def representatives(text: str | None) -> str | None:
    """The representatives' names, given separated by , ， or 、, as the row keeps them (joined by
    、), or None; more than 5 refused (Art. 12)."""
    if text is None or not text.strip():
        return None
    from .text import clean_text

    names = [clean_text(n, "--representatives 代表", 50, example="张三,李四") for n in _SEPARATORS.split(text)]
    names = [n for n in names if n]
    if len(names) > MAX_REPRESENTATIVES:
        raise InputError(
            f"--representatives 给了 {len(names)} 名代表: 群体投诉最多推选 {MAX_REPRESENTATIVES} 名代表"
            f"(办法第十二条),例如 --representatives 张三,李四,王五"
        )
    if len(set(names)) != len(names):
        raise InputError("--representatives 代表姓名有重复,例如 --representatives 张三,李四")
    return "、".join(names) or None


def names_of(value: str | None) -> list[str]:
    """The representatives as a list (the JSON key `representatives`)."""
    return [n for n in (value or "").split("、") if n]


def shown(row: dict) -> dict:
    """A complaint's dict (show, list, JSON) with `major` (a bool) and its representatives as a list."""
    row["major"] = bool(row.get("major_reason"))
    if isinstance(row.get("representatives"), str) or row.get("representatives") is None:
        row["representatives"] = names_of(row.get("representatives"))
    return row


def people(value) -> int | None:
    """The number of people complaining together, or None (not given)."""
    if value is None or value == "":
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        raise InputError(f"--people 投诉人数应为正整数,例如 --people 25,给出的是 '{value}'") from None
    if not 1 <= n <= PEOPLE_MAX:
        raise InputError(f"--people 投诉人数应在 1 到 {PEOPLE_MAX} 之间,例如 --people 25")
    return n


def check_group(n: int | None, names: str | None) -> None:
    """Representatives belong to a group of people: no more of them than people."""
    if names and n is not None and len(names_of(names)) > n:
        raise InputError(f"--representatives 的代表人数({len(names_of(names))})多于 --people 投诉人数({n})")


def registration_reason(n: int | None) -> str | None:
    """The reason a registration makes a complaint major: a group of 20 or more people."""
    return MajorReason.GROUP.value if n is not None and n >= GROUP_PEOPLE else None


def about(text: str | None) -> str | None:
    """被投诉人: the person the complaint is about (a salesperson, an agent, a clerk), or None."""
    from .text import clean_text

    value = clean_text(text, "--about 被投诉人", 60, example="张业务员") if text is not None else ""
    return value or None


def check_not_about(handler: str | None, about_name: str | None, case_id: str | None = None) -> None:
    """The handler may not be the person the complaint is about (Art. 17)."""
    if handler and about_name and handler.strip() == about_name.strip():
        which = f"投诉 {case_id} " if case_id else "本投诉"
        raise InputError(
            f"经办人不能是被投诉人(第十七条)：{which}的被投诉人是 {about_name},请指定其他经办人,例如 --handler 李娜"
        )
