"""The hash chain of the audit log — pure code, no I/O.

Every audit event stores `hash = SHA-256(prev_hash + "\\n" + canonical content)`, where
`prev_hash` is the hash of the event before it (by id) and the first event chains to
`GENESIS`. Editing an event changes its hash; deleting or inserting one breaks the link of the
next; so the last hash (the chain head) stands for the whole history. A printed chain head
(the nightly report carries it) makes any later rewrite of that history visible.

The canonical content is the event's fields in a fixed order, datetimes as ISO 8601 text,
the details JSON exactly as stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

GENESIS = "0" * 64

# The fields of an audit event that the hash covers, in this order.
FIELDS = ("at", "recorded_at", "clerk", "entity", "entity_id", "action", "from_status", "to_status", "details")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[10] == " " and value[4] == "-":
        # a DATETIME read as text from SQLite: "2026-09-21 09:00:00.000000"
        return dt.datetime.fromisoformat(value).isoformat()
    return str(value)


# json.dumps(…, ensure_ascii=False, separators=(",", ":")), with the encoder made once (bulk imports hash many events).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def canonical(event: dict) -> str:
    """The event's content as one string: a JSON array of FIELDS in order."""
    return _CANONICAL.encode([_text(event.get(f)) for f in FIELDS])


def link(prev_hash: str, text: str) -> str:
    """The hash of an event whose canonical content is `text`, chained to `prev_hash`."""
    return hashlib.sha256((prev_hash + "\n" + text).encode("utf-8")).hexdigest()


def event_hash(prev_hash: str, event: dict) -> str:
    return link(prev_hash, canonical(event))


# How _CANONICAL writes a string inside its array (ensure_ascii=False: json's encode_basestring).
_json_string = json.encoder.encode_basestring


def _item(value) -> str:
    """One field of `canonical` as JSON text: `_CANONICAL.encode([_text(value)])` without the brackets."""
    if type(value) is str and (len(value) < 19 or value[10] != " " or value[4] != "-"):
        return _json_string(value)  # the common case: _text gives a plain string back unchanged
    if value is None:
        return "null"
    text = _text(value)
    return "null" if text is None else _json_string(text)


def canonical_for(at, recorded_at, clerk) -> Callable[..., str]:
    """`canonical` of events that share at, recorded_at and clerk (one transaction's events),
    byte for byte the same text, the shared fields turned into JSON once.

    The result is called with the other FIELDS in order:
    (entity, entity_id, action, from_status, to_status, details) -> canonical text.
    tests/test_chain_fast.py compares it with `canonical` on arbitrary values."""
    head = f"[{_item(at)},{_item(recorded_at)},{_item(clerk)},"
    item = _item

    def text(entity, entity_id, action, from_status, to_status, details) -> str:
        return (
            f"{head}{item(entity)},{item(entity_id)},{item(action)},{item(from_status)},{item(to_status)},"
            f"{item(details)}]"
        )

    return text


@dataclass(frozen=True, slots=True)
class Break:
    """The first place the chain does not hold."""

    event_id: int
    reason: str  # Chinese sentence


def first_break(events: Iterable[dict]) -> tuple[Break | None, str, int | None, int]:
    """Walk `events` (dicts with id, prev_hash, hash and FIELDS, in id order).

    Returns (first break or None, head hash, id of the last event, events checked).
    """
    prev = GENESIS
    last_id = None
    n = 0
    for e in events:
        n += 1
        if e.get("prev_hash") != prev:
            return (
                Break(e["id"], f"审计事件 #{e['id']} 的前一哈希与上一条事件不符: 此前的事件被删除、插入或改动过"),
                prev,
                last_id,
                n,
            )
        if e.get("hash") != event_hash(prev, e):
            return Break(e["id"], f"审计事件 #{e['id']} 的内容与其哈希不符: 该事件被改动过"), prev, last_id, n
        prev = e["hash"]
        last_id = e["id"]
    return None, prev, last_id, n
