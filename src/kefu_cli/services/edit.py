"""Edit, for every case type: a registration's fields corrected by one audited `edit` event.

`kefu complaint|callback|claim|request edit ID --FIELD V … --reason R`. Each case type declares
one `EditSpec` (`EDITS` names where): the fields it corrects (option -> column, label), the
cleaner that checks a value as registration checks it, its messages, and the checks, derived
columns and deadline effects that are its own (a complaint's moved receipt time, a callback's
corrected receipt date; services/corrections.py). `edit` is the rest, written once: the case looked
up and guarded, the changed columns (before and after), the `edit` event with both and the reason,
and the row's columns from the fold of that event (domain `apply`: `s.update(details["after"])`),
the same fold `db verify` and undo run. A corrected branch or handler takes the case's running
deadlines with it.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.errors import InputError, RuleError
from ..domain.text import REASON_MAX, clean_text
from ..domain.timeutil import iso_date, iso_datetime
from . import core
from .context import UnitOfWork, unit_of_work

Row = Any
Values = dict[str, Any]


@dataclass(frozen=True)
class EditSpec:
    """What `edit` needs to know of a case type."""

    case_type: str
    fields: Mapping[str, tuple[str, str]]  # option -> (column, label)
    clean: Callable[[str, Any], Any]  # (option, value) -> value, checked as registration checks it
    nothing: str  # no field given
    same: str  # every given field already has its value ({id})
    reason_example: str = "电话号码录入错误"
    reason_limit: int = REASON_MAX
    reason_first: bool = False  # the reason checked before the fields are (claims)
    received_guard: bool = False  # the edit may not be dated before the receipt either (claims)
    check: Callable[[UnitOfWork, Row, Values], None] | None = None  # checks that need the row (values by option)
    derive: Callable[[UnitOfWork, Row, Values, Values], None] | None = None  # columns moving with (before, after)
    effects: Callable[[UnitOfWork, Row, Values, Values, str], list[dict]] | None = None  # deadline effects: moved
    result: Callable[[UnitOfWork, Row, Values, Values, list[dict], str], dict] | None = None  # the command's data
    labels: Mapping[str, str] = field(default_factory=dict)  # the derived columns' labels


# case type -> its EditSpec, "module:NAME" under kefu_cli.services (imported when first used)
EDITS = {
    "complaint": "corrections:COMPLAINT_EDIT",
    "callback": "corrections:CALLBACK_EDIT",
    "claim": "claims:CLAIM_EDIT",
    "request": "requests:REQUEST_EDIT",
}


def spec_of(case_type: str) -> EditSpec:
    module, name = EDITS[case_type].split(":")
    return getattr(importlib.import_module(f"kefu_cli.services.{module}"), name)


def plain(value: Any) -> Any:
    """A value as an edit event records it (times with their zone)."""
    if isinstance(value, dt.datetime):
        return iso_datetime(value)
    if isinstance(value, dt.date):
        return iso_date(value)
    return value


# --- the fold ----------------------------------------------------------------------------------


def fold(case_type: str, state: dict, action: str, uow: UnitOfWork, to: str | None, details: dict) -> dict:
    """The case type's domain fold of one event dated now (a callback's fold takes no clerk)."""
    if core.CASES[case_type].fold is None:
        from ..domain import callback as cb

        return cb.apply(state, action, uow.at, to, details)
    return core.fold_of(case_type)(state, action, uow.at, uow.clerk, to, details)


def fold_into(uow: UnitOfWork, case_type: str, row: Row, state: dict, action: str, to: str | None, details: dict):
    """The row's columns set to the fold of `state` (the row before the event) and one event."""
    core._set(uow, row, fold(case_type, state, action, uow, to, details))


# --- edit --------------------------------------------------------------------------------------


def _why(spec: EditSpec, given: str) -> str:
    return clean_text(given, "--reason 更正原因", spec.reason_limit, required=True, multiline=True,
                      example=spec.reason_example)  # fmt: skip


def edit(
    db, case_type: str, case_id: str, changes: dict[str, Any], *, reason: str, new_handler: bool = False,
    new_branch: bool = False, clerk=None, at=None,
) -> dict[str, Any]:  # fmt: skip
    """`kefu <case type> edit ID --field value … --reason`: correct a registration by one event."""
    from .masters import ensure_branch, ensure_handler

    spec = spec_of(case_type)
    given = {k: v for k, v in changes.items() if v is not None}
    why = _why(spec, reason) if spec.reason_first else None
    if not given:
        raise InputError(spec.nothing)
    why = why or _why(spec, reason)
    values = {k: spec.clean(k, v) for k, v in given.items()}
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        row = core.get(uow, case_type, case_id)
        core.guard(uow, case_type, row, received=spec.received_guard)
        if spec.check is not None:
            spec.check(uow, row, values)
        if "branch" in values:
            values["branch"] = ensure_branch(uow, values["branch"], new_branch)
        if "handler" in values:
            values["handler"] = ensure_handler(uow, values["handler"], values.get("branch", row.branch), new_handler)
        before: Values = {}
        after: Values = {}
        for option, value in values.items():
            column = spec.fields[option][0]
            if getattr(row, column) != value:
                before[column], after[column] = getattr(row, column), value
        if not after:
            raise RuleError(spec.same.format(id=row.id))
        if spec.derive is not None:
            spec.derive(uow, row, before, after)
        state = core.state_of(row)  # the row before the edit: the event is folded into it
        fold_into(uow, case_type, row, state, "edit", row.status, {"after": after})  # the effects read it
        uow.session.flush()
        moved = spec.effects(uow, row, before, after, why) if spec.effects is not None else []
        if "branch" in after or "handler" in after:
            follow_holder(uow, case_type, row, why)
        details: dict[str, Any] = {"reason": why, "before": {k: plain(v) for k, v in before.items()},
                                   "after": {k: plain(v) for k, v in after.items()}}  # fmt: skip
        if spec.effects is not None:
            details["moved"] = [{k: plain(v) for k, v in m.items()} for m in moved]
        uow.audit(case_type, row.id, "edit", row.status, row.status, **details)
        fold_into(uow, case_type, row, state, "edit", row.status, {**details, "after": after})
        uow.session.flush()
        if spec.result is not None:
            return spec.result(uow, row, before, after, moved, why)
        labels = {column: label for column, label in spec.fields.values()} | dict(spec.labels)
        return {"case_type": case_type, "id": row.id, "reason": why, "at": uow.at,
                "changes": [{"field": k, "label": labels.get(k, k), "before": before.get(k), "after": v}
                            for k, v in after.items()],
                "moved": moved}  # fmt: skip


def follow_holder(uow: UnitOfWork, case_type: str, row: Row, why: str) -> None:
    """A corrected branch or handler: the running deadlines follow the case (each with its event)."""
    from ..domain.deadlines import OWN_HOLDER, RUNNING
    from .deadlines import case_deadlines, record

    for d in case_deadlines(uow, case_type, row.id):
        if d.kind in OWN_HOLDER:  # a rectification stays with its owner
            continue
        if d.status in RUNNING and (d.branch, d.handler) != (row.branch, row.handler):
            hb, bb = d.handler, d.branch
            d.branch, d.handler, d.updated_at = row.branch, row.handler, uow.recorded_at
            uow.session.add(d)
            record(uow, d, "assign", d.status, handler_before=hb, branch_before=bb, reason=why)
