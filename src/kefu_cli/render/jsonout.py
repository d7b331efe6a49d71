"""JSON for scripts: exactly one document, English keys, ISO dates, indented; characters that
could act on a terminal (C1 controls, line separators, bidirectional overrides) written as
`\\uXXXX` (the same string); large reports streamed (`json_chunks`). render/output.py re-exports
these names."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from ..domain.timeutil import iso_datetime


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):  # datetime is a date too
        return to_jsonable(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# json.dumps escapes C0 controls itself; these it leaves raw when ensure_ascii is off. They can only
# occur inside JSON strings, where `\\uXXXX` is the same character: the document does not change.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The same characters in UTF-8, for a document encoded by orjson (which leaves them raw too).
_JSON_UNSAFE_UTF8 = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def _escape_utf8(m: re.Match) -> bytes:
    return f"\\u{ord(m.group().decode('utf-8')):04x}".encode("ascii")


def _orjson():
    """orjson (a C encoder: a report of 100,000 deadlines in a tenth of the time), or None."""
    global _orjson_module
    if _orjson_module is None:
        try:
            import orjson
        except ImportError:  # pragma: no cover - a dependency; json below gives the same document
            orjson = False
        _orjson_module = orjson
    return _orjson_module or None


_orjson_module = None


def _dumps_bytes(data: Any) -> bytes:
    """`data` as indented UTF-8 JSON, dates and datetimes converted as they are met.

    orjson when it can encode the document, else json: the two give the same text (two-space
    indent, `": "` and `","` separators, non-ASCII characters as they are) apart from the
    spelling of a float's exponent (1.5e-7, 1.5e-07), which parses to the same value."""
    orjson = _orjson()
    if orjson is not None:
        try:
            return orjson.dumps(
                data,
                default=_json_default,
                option=orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS,
            )
        except TypeError:  # e.g. an integer beyond 64 bits: json below encodes it (or says why not)
            pass
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default).encode("utf-8")


def _safe(b: bytes) -> bytes:
    # the lead byte of every unsafe character, found by memchr-fast searches: the regex only runs
    # over a document that may hold one (a report of 100,000 rows is some 30 MB)
    if b"\x7f" in b or b"\xc2" in b or b"\xe2" in b:
        return _JSON_UNSAFE_UTF8.sub(_escape_utf8, b)
    return b


def dumps_json(data: Any) -> str:
    """Indented JSON; dates and datetimes converted as they are met (no copy of the document)."""
    return _safe(_dumps_bytes(data)).decode("utf-8")


_ITEMS_MARK = "\x00kefu: the items go here\x00"
_CHUNK = 5000


def json_chunks(data: dict, key: str = "items") -> Iterator[bytes]:
    """`dumps_json(data) + "\\n"` as UTF-8 pieces, `data[key]` (any iterable of JSON values, e.g.
    an iterator over database rows) encoded a few thousand at a time as it is consumed: a
    large report is written without its whole text, or all its items, in memory at once."""
    items = iter(data[key])
    first = list(itertools.islice(items, _CHUNK))
    if not first:
        yield _safe(_dumps_bytes({**data, key: []})) + b"\n"
        return
    head = _safe(_dumps_bytes({**data, key: [_ITEMS_MARK]}))
    mark = _dumps_bytes(_ITEMS_MARK)
    at = head.index(mark)
    start = head.rindex(b"\n", 0, at) + 1  # the start of the mark's line
    indent = head[start:at]
    end = at + len(mark)
    yield head[:start]
    extra = indent[2:]  # a list encoded alone is indented by two spaces: add the rest
    chunk, sep = first, b""
    while chunk:
        text = _safe(_dumps_bytes(chunk))[2:-2]  # without "[\n" and "\n]"
        yield sep + extra
        yield text.replace(b"\n", b"\n" + extra) if extra else text
        chunk, sep = list(itertools.islice(items, _CHUNK)), b",\n"
    yield head[end:] + b"\n"


def write_json(data: dict, stream=None, key: str = "items") -> None:
    """Write `data` as `print_json` does, its `key` list streamed (`json_chunks`)."""
    stream = stream or sys.stdout
    out = getattr(stream, "buffer", None)
    for piece in json_chunks(data, key):
        if out is not None:
            out.write(piece)
        else:
            stream.write(piece.decode("utf-8"))
    stream.flush()


def print_json(data: Any) -> None:
    sys.stdout.write(dumps_json(data) + "\n")
