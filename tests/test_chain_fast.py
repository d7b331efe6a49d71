"""The fast canonical text of a transaction's events (domain/chain.py `canonical_for`) is byte
for byte `canonical`, which `kefu db verify` uses on every stored event; so is the chain that
`UnitOfWork.event_rows` builds with it."""

from __future__ import annotations

import datetime as dt
import enum
import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kefu_cli.domain.chain import FIELDS, GENESIS, canonical, canonical_for, event_hash, first_break
from kefu_cli.services.context import _DETAILS, UnitOfWork, details_json, details_template, slot
from kefu_cli.store.models import AuditHead


class Status(enum.StrEnum):
    OPEN = "open"
    LOOKS_LIKE_TIME = "2026-09-21 09:00:00"


# every character but lone surrogates (not UTF-8), and those JSON escapes or that look special
tricky = st.sampled_from(
    ['"', "\\", "/", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "\u2028", "\u2029", "😀", "𠀀", "é"]
)
texts = st.lists(st.one_of(st.characters(exclude_categories=("Cs",)), tricky), max_size=40).map("".join)
# text that `canonical` reads as a DATETIME stored by SQLite ("2026-09-21 09:00:00.000000")
stored_times = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
    lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f") if d.microsecond % 2 else d.strftime("%Y-%m-%d %H:%M:%S")
)
moments = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)) | st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)
).map(lambda d: d.replace(microsecond=0))
values = st.one_of(
    st.none(), texts, stored_times, st.sampled_from(list(Status)), st.integers(), moments, st.dates()
)  # fmt: skip
details = st.one_of(
    texts,
    st.dictionaries(texts, st.one_of(st.none(), texts, st.integers(), st.booleans(), st.lists(texts))).map(
        _DETAILS.encode
    ),
)


def slow(at, recorded_at, clerk, *rest) -> str:
    return canonical(dict(zip(FIELDS, (at, recorded_at, clerk, *rest), strict=True)))


@settings(max_examples=400, deadline=None)
@given(moments, moments, texts, values, values, values, values, values, details)
@example(dt.datetime(2026, 11, 20, 18), dt.datetime(2026, 11, 20, 18, 1, 2, 345), "张三", "deadline", "12", "open", None,
         "open", '{"a":"\\"引号\\"","b":"\u2028"}')  # fmt: skip
@example(dt.datetime(2026, 11, 20, 18, 0, 0, 1), dt.datetime(2026, 11, 20, 18), "2026-09-21 09:00:00", "complaint",
         "2026-09-21 09:00:00.000000", Status.OPEN, Status.LOOKS_LIKE_TIME, None, "")  # fmt: skip
@example(dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 1), "", "", "", "", "", "", "\x00\\\"😀\u2029")  # fmt: skip
def test_canonical_for_is_canonical(at, recorded_at, clerk, entity, entity_id, action, from_status, to_status, text):
    fast = canonical_for(at, recorded_at, clerk)
    args = (entity, entity_id, action, from_status, to_status, text)
    assert fast(*args) == slow(at, recorded_at, clerk, *args)
    # the same function serves many events of the transaction
    assert fast(*args[::-1]) == slow(at, recorded_at, clerk, *args[::-1])


class _Session:
    def add(self, _row) -> None:  # pragma: no cover - the head is given, nothing is added
        raise AssertionError("no session needed")


event_tuples = st.tuples(texts, texts, texts, st.none() | texts, st.none() | texts, st.dictionaries(texts, texts))


@settings(max_examples=100, deadline=None)
@given(moments, moments, texts, st.lists(event_tuples, max_size=6))
def test_event_rows_chain_as_event_hash_says(at, written_at, clerk, events):
    uow = UnitOfWork(session=_Session(), clerk=clerk, at=at, url="sqlite://", written_at=written_at)  # type: ignore[arg-type]
    uow._head = AuditHead(id=1, hash=GENESIS, events=3)
    rows = uow.event_rows(events)
    prev = GENESIS
    for row, (entity, entity_id, action, from_status, to_status, d) in zip(rows, events, strict=True):
        assert (row["at"], row["recorded_at"], row["clerk"]) == (at, written_at, clerk)
        assert (row["entity"], row["entity_id"], row["action"]) == (entity, entity_id, action)
        assert (row["from_status"], row["to_status"]) == (from_status, to_status)
        assert row["details"] == json.dumps(d, ensure_ascii=False, sort_keys=True)
        assert row["prev_hash"] == prev and row["hash"] == event_hash(prev, row)
        prev = row["hash"]
    assert uow._head.hash == prev and uow._head.events == 3 + len(events)
    # `db verify` walks them as stored
    assert first_break([{"id": i, **r} for i, r in enumerate(rows, 1)])[0] is None


# --- the details JSON of the bulk import (services/context.py details_template, details_json) ---
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | texts | moments | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(texts, json_values, min_size=1, max_size=8), st.data())
def test_details_template_is_the_details_encoder(shape, data):
    slots = data.draw(st.lists(st.sampled_from(sorted(shape)), unique=True, min_size=1), label="slots")
    names = {key: f"s{i}" for i, key in enumerate(slots)}
    template = details_template({k: slot(names[k]) if k in names else v for k, v in shape.items()}, names.values())
    values = {k: data.draw(json_values, label=k) for k in slots}
    filled = template({names[k]: details_json(v) for k, v in values.items()})
    assert filled == _DETAILS.encode({**shape, **values})
    assert all(details_json(v) == _DETAILS.encode(v) for v in values.values())


def test_details_template_of_the_bulk_shapes():
    """The deadline `open` and `register` details as services/bulk.py fills them, with text
    that JSON escapes and % signs (the template is a %-format)."""
    from kefu_cli.services.bulk import _OPEN_SLOTS, _REGISTER_SLOTS
    from kefu_cli.services.deadlines import snapshot_of

    odd = '引号" 反斜杠\\ 百分号%s %(x)s \u2028 😀 \x1b'
    state = dict(zip(("case_id", "start_at", "due", "due_at", "provisional", "branch", "handler"),
                     ("TS-1" + odd, "2026-01-01T09:00:00+08:00", "2026-01-05", "2026-01-05T23:59:59+08:00", True,
                      odd, ""), strict=True))  # fmt: skip
    values = {**state, "case": "complaint:TS-1" + odd, "basis": odd, "deadline": 7}

    def open_shape(v):  # an effect of the register event (domain/effects.py)
        return {"deadline": v["deadline"], "action": "open", "from": None, "to": "open"} | dict(
            case=v["case"], kind="acceptance", basis=v["basis"], rule="complaint.acceptance%", unit="workdays",
            amount=10, state=snapshot_of("complaint", v["case_id"], "acceptance", "open", v["start_at"], v["due"],
                                         v["due_at"], v["provisional"], False, None, None, None, v["branch"],
                                         v["handler"]),
        )  # fmt: skip

    template = details_template(open_shape({k: slot(k) for k in _OPEN_SLOTS}), _OPEN_SLOTS)
    assert template({k: details_json(values[k]) for k in _OPEN_SLOTS}) == _DETAILS.encode(open_shape(values))
    register = dict(
        channel="phone", category=odd, received_at=dt.datetime(2026, 1, 1, 9, 0, 0, 5), incomplete=True,
        regulator_ref=None, regulator_due=dt.date(2026, 2, 1), duplicates=["TS-1", odd], name=odd, phone="+86",
        relation="self", policy_no="", summary=odd * 3, branch="朝阳", handler="李娜", dispute="claims",
        product_line=None,
    )  # fmt: skip
    template = details_template({k: slot(k) for k in _REGISTER_SLOTS}, _REGISTER_SLOTS)
    assert set(register) == set(_REGISTER_SLOTS)
    assert template({k: details_json(v) for k, v in register.items()}) == _DETAILS.encode(register)
