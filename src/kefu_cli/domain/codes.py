"""Enumerations that users type: each accepts the English code or the Chinese label.

parse_code(CHANNELS, "电话", "--channel") -> "phone"
"""

from __future__ import annotations

from collections.abc import Mapping

from .timeutil import InputError

# code -> (Chinese label, other accepted spellings)
CodeTable = Mapping[str, tuple[str, tuple[str, ...]]]

CHANNELS: CodeTable = {
    "phone": ("电话", ("电话热线", "热线")),
    "fax": ("传真", ()),
    "letter": ("信函", ("来信",)),
    "visit": ("现场", ("现场接待", "来访")),
    "email": ("电子邮件", ("邮件",)),
    "online": ("在线", ("在线客服", "网络")),
    "regulator": ("监管转办", ("监管",)),
}
CATEGORIES: CodeTable = {
    "claims": ("理赔", ("理赔类",)),
    "service": ("服务", ("服务类",)),
    "product": ("产品", ("产品类",)),
    "sales": ("销售", ("销售类", "销售误导")),
    "other": ("其他", ("其它",)),
}
CASE_TYPES: CodeTable = {
    "complaint": ("投诉", ()),
    "callback": ("回访", ()),
    "claim": ("理赔报案", ("报案",)),
    "request": ("保全请求", ("保全",)),
}
RELATIONS: CodeTable = {
    "self": ("本人", ()),
    "agent": ("受托人", ("代理人", "委托人")),
    "guardian": ("法定代理人", ("监护人",)),
    "heir": ("继承人", ()),
    "other": ("其他", ("其它",)),
}


def label(table: CodeTable, code: str | None) -> str:
    """The Chinese label of a code (the code itself when unknown)."""
    if code is None:
        return ""
    entry = table.get(code)
    return entry[0] if entry else code


def _spellings(zh: str, aliases: tuple[str, ...]) -> set[str]:
    """Every way a clerk may type a label: as shown, without its parenthesised note
    (已受理(处理中) → 已受理), without a leading 已 (已逾期 → 逾期)."""
    out = {zh, *aliases}
    for text in list(out):
        head = text.split("(")[0].split("(")[0].strip()
        out.add(head)
    for text in list(out):
        if text.startswith("已") and len(text) > 2:
            out.add(text[1:])
    return {t for t in out if t}


# Brackets as a Chinese input method types them, read as the ASCII ones the labels use.
_BRACKETS = str.maketrans("（）", "()")


def parse_code(table: CodeTable, value: str, field: str) -> str:
    """The English code for `value` given as a code or a Chinese label (full-width brackets
    read as ASCII ones); InputError listing the Chinese labels otherwise."""
    v = (value or "").strip().translate(_BRACKETS)
    if v.lower() in table:
        return v.lower()
    for code, (zh, aliases) in table.items():
        if v == zh.translate(_BRACKETS) or v in aliases:
            return code
    for code, (zh, aliases) in table.items():
        if v in {t.translate(_BRACKETS) for t in _spellings(zh, aliases)}:
            return code
    choices = "、".join(f"{zh}({code})" for code, (zh, _) in table.items())
    raise InputError(f"{field} 的值 '{value}' 无效,可选: {choices}")


def table_of(labels: Mapping, aliases: Mapping[str, tuple[str, ...]] | None = None) -> CodeTable:
    """A CodeTable from a {code: Chinese label} mapping (enum keys allowed)."""
    aliases = aliases or {}
    return {str(k): (v, aliases.get(str(k), ())) for k, v in labels.items()}
