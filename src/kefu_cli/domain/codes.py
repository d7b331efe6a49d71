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


def _short_for(typed: str, label: str) -> bool:
    """`typed` is the start of `label` (已移交 for 已移交保险公司), or `label` with some characters
    left out (in order) and at least half of it: the short labels of help texts (非本人或受托人 for
    非消费者本人或其受托人提出). The caller takes it only when one code has such a label."""
    label = label.translate(_BRACKETS)
    if len(typed) >= 2 and label.startswith(typed):
        return True
    if len(typed) < 3 or 2 * len(typed) < len(label) or typed[0] != label[0]:
        return False
    rest = iter(label)
    return all(ch in rest for ch in typed)


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
    shortened = {code for code, (zh, aliases) in table.items() if any(_short_for(v, t) for t in (zh, *aliases))}
    if len(shortened) == 1:  # a label as help shows it, shortened: 重复(处理中) for 重复投诉(处理中)
        return shortened.pop()
    head = v.split("(")[0].strip()
    if head and head != v:  # a label typed with help's note in brackets: 信函(书信), 信函(默认)
        for code, (zh, aliases) in table.items():
            if head in {t.translate(_BRACKETS) for t in _spellings(zh, aliases)}:
                return code
    choices = "、".join(f"{zh}({code})" for code, (zh, _) in table.items())
    raise InputError(f"{field} 的值 '{value}' 无效,可选: {choices}")


def table_of(labels: Mapping, aliases: Mapping[str, tuple[str, ...]] | None = None) -> CodeTable:
    """A CodeTable from a {code: Chinese label} mapping (enum keys allowed)."""
    aliases = aliases or {}
    return {str(k): (v, aliases.get(str(k), ())) for k, v in labels.items()}


# Dashes an input method may type in a case number (full-width, en and em dashes …).
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−－﹣", "-"))


def case_number(text: str | None) -> str | None:
    """A case number as clerks type it, in the form it is stored: full-width letters, digits and
    hyphens as ASCII ones, upper case, no surrounding spaces (ts－20261121－0007 → TS-20261121-0007)."""
    if text is None:
        return None
    import unicodedata

    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip().upper()
