"""Free text and phone numbers as they come from a clerk or a CSV file: one set of checks.

- `clean_text`: trims, refuses NUL and other control characters (ESC starts terminal escape
  sequences, CR/backspace can overwrite what a terminal shows), enforces a length limit; a
  multi-line field (notes, summaries, reasons) keeps newlines and tabs, a one-line field
  (names, clerks, branches) keeps neither.
- `phone_number`: ASCII digits only, after turning full-width digits (０-９) into ASCII and
  dropping spaces, dashes and brackets; a leading `+` (country code) is kept. Other Unicode
  digits (superscript ², Arabic-Indic ٣ …) are refused: `str.isdigit()` accepts them, so the
  check is a regular expression on `[0-9]`.

Error messages name the field and what is wrong, never repeat the rejected value (it may be
personal data), and give an example of a correct value.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InputError

# Length limits (characters) of the fields with a rule of their own.
NAME_MAX = 50
PHONE_MAX = 20  # digits
SUMMARY_MAX = 2_000
CLERK_MAX = 50
NOTE_MAX = 10_000
REASON_MAX = 2_000
SHORT_MAX = 60  # branch, handler, policy number, product, recording reference

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋", "0123456789+")
_PHONE_SEPARATORS = re.compile(r"[ \u3000\-－()（）]")
_PHONE = re.compile(r"\+?[0-9]+")
_LINE_BREAKS = {"\n", "\t"}
# Unicode line/paragraph separators and the bidirectional overrides are not "Cc" controls, but
# they break lines or reorder what a terminal shows just the same.
_FORMAT_TRAPS = set("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# Every character that can be refused (all of Cc, the traps): a text without any needs no loop.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def find_control_char(text: str, multiline: bool) -> str | None:
    """The first character not allowed in a field, or None."""
    if _SUSPECT.search(text) is None:
        return None
    allowed = _LINE_BREAKS if multiline else set()
    for ch in text:
        if ch in allowed:
            continue
        if ch in _FORMAT_TRAPS or unicodedata.category(ch) == "Cc":
            return ch
    return None


def describe_char(ch: str) -> str:
    names = {
        "\x00": "空字符 NUL",
        "\x1b": "转义字符 ESC",
        "\r": "回车符 CR",
        "\n": "换行符",
        "\t": "制表符",
        "\x7f": "DEL",
    }
    return f"{names.get(ch, '控制字符')}(U+{ord(ch):04X})"


def clean_text(
    value: str | None,
    field: str,
    limit: int,
    required: bool = False,
    *,
    multiline: bool = False,
    example: str | None = None,
) -> str:
    """`value` trimmed, or InputError (exit 2) naming `field`: empty when required, a control
    character (newline and tab only in a `multiline` field), longer than `limit` characters."""
    v = (value or "").replace("\r\n", "\n").strip()
    hint = f",例如 {example}" if example else ""
    if required and not v:
        raise InputError(f"{field} 不能为空,请填写内容{hint}")
    bad = find_control_char(v, multiline)
    if bad is not None:
        where = "" if multiline else "(此项只能写一行)"
        raise InputError(f"{field} 含有不允许的{describe_char(bad)}{where}: 请去掉不可见的控制字符后重新输入{hint}")
    if len(v) > limit:
        raise InputError(f"{field} 太长({len(v)} 个字符),最多 {limit} 个字符,请缩短后重新输入")
    return v


def phone_number(value: str | None, field: str = "--phone") -> str:
    """The phone number as stored: an optional `+` and 5 to 20 ASCII digits.

    `１３８ 1234-5678`, `010-88889999`, `(010) 88889999` and `+86 138 1234 5678` are accepted;
    letters, other Unicode digits and control characters are refused without echoing the value.
    """
    example = "例如 13812345678 或 010-88889999"
    raw = (value or "").strip()
    if not raw:
        raise InputError(f"{field} 电话号码不能为空,{example}")
    if len(raw) > 2 * PHONE_MAX:  # separators included; the digits are counted below
        raise InputError(f"{field} 电话号码太长({len(raw)} 个字符),最多 {PHONE_MAX} 位数字,{example}")
    spoken = _SPOKEN_EXTENSION.match(raw.translate(_FULL_WIDTH_DIGITS))
    if spoken:  # 010-88889999 转 123: the main number checked on its own, the extension kept
        main = phone_number(spoken.group(1), field)
        if "-" in main or not (_LANDLINE.fullmatch(main) or _SERVICE.fullmatch(main)):
            raise InputError(f"{field} 分机号只能跟在带区号的固定电话后面,{example} 或 010-88889999 转 123")
        return f"{main}-{spoken.group(2)}"
    v = _PHONE_SEPARATORS.sub("", raw.translate(_FULL_WIDTH_DIGITS))
    if _PHONE.fullmatch(v) is None:
        if find_control_char(v, multiline=False) is not None:
            problem = "含有不可见的控制字符"
        elif "+" in v[1:]:
            problem = "中的 + 只能写在最前面(国家代码)"
        else:
            problem = "含有数字以外的字符(只能用 0-9,可带空格、短横线和开头的 + 国家代码)"
        raise InputError(f"{field} 电话号码{problem},{example}")
    digits = len(v.lstrip("+"))
    if digits > PHONE_MAX:
        raise InputError(f"{field} 电话号码太长({digits} 位数字),最多 {PHONE_MAX} 位数字,{example}")
    if digits < 5:
        raise InputError(f"{field} 电话号码太短(只有 {digits} 位数字),{example}")
    return _chinese_number(v, raw, field, example)


# Chinese numbering: a mobile (11 digits from 13-19), a landline with its area code (0 + 2-3
# digit area code + 7-8 digit number: 10-12 digits), a 400/800 number, a 95xxx/96xxx service
# number; a number with + and another country code (7-15 digits). A landline's extension is
# kept after a dash: 010-88889999 转 123 → 01088889999-123.
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0[1-9]\d{8,10}")
_SERVICE = re.compile(r"(?:400|800)\d{7}|9[56]\d{3,6}")
_EXTENSION = re.compile(r"^(.*?\d)\s*-\s*(\d{1,6})$")
_SPOKEN_EXTENSION = re.compile(r"^(.*?\d)\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)


def _national(v: str) -> bool:
    return bool(_MOBILE.fullmatch(v) or _LANDLINE.fullmatch(v) or _SERVICE.fullmatch(v))


def _chinese_number(v: str, raw: str, field: str, example: str) -> str:
    if v.startswith("+86") or v.startswith("0086"):
        national = v[3:] if v.startswith("+86") else v[4:]
        if _MOBILE.fullmatch(national) or _SERVICE.fullmatch(national):
            return national
        if _LANDLINE.fullmatch("0" + national):  # +86 10 88889999: the trunk 0 is dropped abroad
            return "0" + national
    elif v.startswith("+"):
        if 7 <= len(v) - 1 <= 15:
            return v
    elif _national(v):
        return v
    # a landline with an extension: the main number must be valid on its own
    m = _EXTENSION.match(raw.translate(_FULL_WIDTH_DIGITS).strip())
    if m:
        main = _PHONE_SEPARATORS.sub("", m.group(1))
        if _LANDLINE.fullmatch(main) or _SERVICE.fullmatch(main):
            return f"{main}-{m.group(2)}"
    raise InputError(
        f"{field} 电话号码不是有效的号码: 手机为 1 开头的 11 位,固定电话须带区号(10 到 12 位),"
        f"分机写在后面,{example} 或 010-88889999 转 123"
    )


# A phone number as typed into a search or a list filter: separators of any kind dropped.
_QUERY_SEPARATORS = re.compile(r"[\s\-－()（）]")


def phone_query(text: str) -> str | None:
    """The text as a phone query (ASCII digits only): its last 4 digits, or a whole number in
    the form `phone_number` stores it (+86 dropped, an extension kept apart), or 5 to 20 digits;
    None when it is not one."""
    v = _QUERY_SEPARATORS.sub("", text.translate(_FULL_WIDTH_DIGITS)).lstrip("+")
    if re.fullmatch(r"[0-9]{4}", v):  # the last 4 digits
        return v
    try:
        return phone_number(text)
    except InputError:
        return v if re.fullmatch(r"[0-9]{5,20}", v) else None


def phone_filter(text: str, field: str = "--phone") -> tuple[str, bool]:
    """A list's phone filter: (digits, True) to match the last 4 digits, (number, False) to match
    the whole stored number; anything else is one sentence (exit 2)."""
    digits = phone_query(text)
    if digits is None:
        raise InputError(f"{field} 应为电话号码或其后 4 位数字,例如 {field} 5678 或 {field} 13812345678")
    return digits, len(digits) <= 4
