"""A user action is one event; what it does to deadlines is carried inside that event.

A step opens, meets, closes, pauses, resumes, moves, reassigns or voids deadlines. Each such
change is an *effect* of the step: an entry of the step's event's `details["effects"]`, with the
deadline's id, the change (`action`, `from`, `to`) and the deadline as it stands after it
(`state`, `terms`, `basis`, as services/deadlines.py `record` writes them). The event of the
case the deadline belongs to carries it. A change made where the case has no event — a calendar
import moving the due dates of every open deadline it touches — stays an event of its own
(entity `deadline`): carried by the calendar's event it would make that one event as large as
all the cases it moves, read again by every case's timeline.

Databases written before this kept each change as an audit event of its own (entity `deadline`).
Readers take both forms through `deadline_changes`, which gives every change in the old form:
(event, details) with entity `deadline`, the deadline's id as entity_id and the carrying event's
time, clerk and id.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator

KEY = "effects"
# The fields of an effect that are the change itself; the rest are the details of the change.
_CHANGE = ("deadline", "action", "from", "to")
MARKER = '"effects": ['  # how the effects start in an event's details JSON (sort_keys, default separators)


def effect(deadline_id: int, action: str, before: str | None, after: str | None, details: dict) -> dict:
    """One effect as the carrying event stores it."""
    return {"deadline": deadline_id, "action": action, "from": before, "to": after, **details}


def own_details(details: dict) -> dict:
    """An event's details without the effects it carries (what its case's fold reads)."""
    if KEY not in details:
        return details
    return {k: v for k, v in details.items() if k != KEY}


def deadline_changes(event: dict, details: dict) -> Iterator[tuple[dict, dict]]:
    """The deadline changes an event records, each as a `deadline` event and its details: the
    event itself if it is one (the old form), else one per effect it carries, in order."""
    if event.get("entity") == "deadline":
        yield event, details
        return
    for fx in details.get(KEY) or ():
        change = {
            **event,
            "entity": "deadline",
            "entity_id": str(fx["deadline"]),
            "action": fx["action"],
            "from_status": fx["from"],
            "to_status": fx["to"],
        }
        yield change, {k: v for k, v in fx.items() if k not in _CHANGE}


def carrier_of(case: str, pending: list[tuple[str, str]], position: int) -> int | None:
    """Which of a transaction's events carries an effect on a deadline of `case` ("type:id"),
    recorded when `position` events had been written: the nearest event of that case before it,
    else the next one after. None: the case has no event in the transaction (the change is
    written as an event of its own)."""
    entity, _, entity_id = case.partition(":")
    same = [i for i, key in enumerate(pending) if key == (entity, entity_id)]
    if same:
        before = [i for i in same if i < position]
        return before[-1] if before else same[0]
    return None
