"""The case core: what every case type's steps share, written once.

- `CASES`: one small row per case type (its table, its Chinese name, an example number, the
  command that lists it, the column no step may be dated before, its fold).
- `get`: the lookup with its not-found sentence; `check_not_void`: the void guard;
  `check_in_order`: a step not dated before the receipt nor before the case's previous step.
- `step`: a step is one audit event. The command builds the event (action, details), `step`
  checks the guards (unless the caller did), takes the next status from the domain's transition
  table, writes the event and sets the row's columns from the domain's fold
  (`apply(state of the row, event)`), in the caller's transaction. `new_row` builds a case row
  from the fold of its registration event. No service sets a case column itself: the row is
  always what the fold of its events gives, the same fold `db verify` and undo run.
- Every case event the core writes (`event`: a step, a registration, a note) carries the rows'
  write time (`row_time`, the created_at / updated_at its transaction stamps), as deadline events
  do: `db verify` checks the write times of every row that transaction wrote against it.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain.codes import case_number
from ..domain.errors import InputError, NotFoundError, RuleError
from ..domain.timeutil import iso_datetime
from .context import UnitOfWork

NOT_FOUND = "没有编号为 '{given}' 的{zh}。请用 `{finder}` 或 `kefu search` 查找,编号形如 {example}"


@dataclass(frozen=True)
class CaseType:
    entity: str  # the audit events' entity
    model: str  # its table model, "module:Class" under kefu_cli.store
    zh: str  # its Chinese name in messages
    example: str  # an example number
    finder: str  # the command that lists them
    fold: str | None = None  # its fold, "module:function" under kefu_cli.domain
    transition: str | None = None  # its transition check, "module:function" under kefu_cli.domain
    key: str = "id"
    received: str | None = None  # the column no step may be dated before
    received_zh: str = ""  # how a message names that moment: "{zh_short} {id} 的接收时间"
    not_found: str = NOT_FOUND
    upper: bool = True  # numbers are looked up in upper case
    # the registration event carries the rows' write time (`row_time`): not a complaint's, which the
    # bulk import writes byte for byte the same from templates without it (services/bulk.py,
    # tests/test_bulk_import.py); the deadline events of a complaint's registration carry it
    registration_row_time: bool = True


# case type -> its row; the functions are imported when first used (start-up time of `add`)
CASES: dict[str, CaseType] = {
    "complaint": CaseType(
        "complaint", "complaint_models:Complaint", "投诉", "TS-20261121-0007", "kefu complaint list",
        fold="complaint:apply", transition="complaint:next_status", received="received_at",
        received_zh="投诉 {id} 的接收时间", registration_row_time=False,
    ),
    "callback": CaseType(
        "callback", "callback_models:Callback", "回访", "HF-20261121-0007", "kefu callback list",
        fold="callback:fold",
    ),
    "claim": CaseType(
        "claim", "claim_models:Claim", "理赔报案", "BA-20261120-0001", "kefu claim list",
        fold="claims:apply", transition="claims:next_status", received="reported_at",
        received_zh="报案 {id} 的报案时间",
    ),
    "request": CaseType(
        "request", "claim_models:ServiceRequest", "保全请求", "SQ-20261120-0001", "kefu request list",
        fold="requests:apply_request", transition="requests:next_request_status", received="received_at",
        received_zh="保全请求 {id} 的接收时间",
    ),
    "policy_record": CaseType(
        "policy_record", "claim_models:PolicyRecord", "保单", "P2026110001", "kefu policy-register list",
        fold="requests:apply_policy_event", key="policy_no", upper=False,
        not_found="保单登记簿中没有保单 '{given}'。请用 `kefu search` 按保单号、姓名或证件号码查找,"
        "或登记: kefu policy-register add --policy {example} …",
    ),
}  # fmt: skip


@functools.cache
def _function(path: str, package: str) -> Callable:
    module, name = path.split(":")
    return getattr(importlib.import_module(f"kefu_cli.{package}.{module}"), name)


def model_of(case_type: str):
    """The table model of a case type, imported when first asked for: a command about one case
    type does not define the classes of the others (some 10 ms each at start-up)."""
    return _function(CASES[case_type].model, "store")


def fold_of(case_type: str) -> Callable[[dict, str, Any, str, str | None, dict], dict]:
    """The case type's `apply(state, action, at, clerk, to_status, details) -> state`."""
    return _function(CASES[case_type].fold, "domain")


# --- the guards ------------------------------------------------------------------------------


def get(uow: UnitOfWork, case_type: str, number: str | None):
    """The case row, or NotFoundError with one sentence saying how to find the number."""
    ct = CASES[case_type]
    key = (number or "").strip()
    row = uow.session.get(model_of(case_type), case_number(key) if ct.upper else key)  # ts－… → TS-…
    if row is None:
        raise NotFoundError(ct.not_found.format(given=number, zh=ct.zh, finder=ct.finder, example=ct.example))
    return row


def check_not_void(case_type: str, row) -> None:
    """A voided case can not be handled or changed any more."""
    if getattr(row, "voided_at", None) is not None:
        raise RuleError(f"{CASES[case_type].zh} {row.id} 已作废({row.void_reason}),不能再办理或更改")


def check_in_order(uow: UnitOfWork, case_type: str, row, received: bool = True) -> None:
    """A step may not be dated before the case's receipt (unless `received` is False: a note,
    whose message names the previous step), nor before its previous step."""
    ct = CASES[case_type]
    key = getattr(row, ct.key)
    if received and ct.received is not None:
        since = getattr(row, ct.received)
        if since is not None and uow.at < since:
            what = ct.received_zh.format(id=key)
            raise InputError(f"--at 时间 {uow.at:%Y-%m-%d %H:%M} 早于{what} {since:%Y-%m-%d %H:%M},请检查 --at")
    uow.check_order(ct.entity, key, f"{ct.zh} {key}")


def guard(uow: UnitOfWork, case_type: str, row, received: bool = True) -> None:
    """The guards of every step: not voided, in order."""
    check_not_void(case_type, row)
    check_in_order(uow, case_type, row, received)


def transition(case_type: str, row, action: str) -> tuple[str | None, str | None]:
    """(status before, status after) of `action` by the domain's transition table (RuleError
    when the action is not allowed in the case's status)."""
    ct = CASES[case_type]
    before = getattr(row, "status", None)
    if ct.transition is None:
        return before, before
    return before, str(_function(ct.transition, "domain")(before, action, getattr(row, ct.key)))


def begin(uow: UnitOfWork, case_type: str, row, action: str) -> tuple[str | None, str | None]:
    """The guards and the transition check of a step, before its effects: (before, after)."""
    guard(uow, case_type, row)
    return transition(case_type, row, action)


# --- events into rows ----------------------------------------------------------------------------


def state_of(row) -> dict[str, Any]:
    """A row's columns as a fold state."""
    return {k: getattr(row, k) for k in type(row).model_fields}


def _set(uow: UnitOfWork, row, state: dict[str, Any]) -> None:
    for k, v in state.items():
        if k in type(row).model_fields and getattr(row, k) != v:
            setattr(row, k, v)
    if "updated_at" in type(row).model_fields:
        row.updated_at = uow.recorded_at
    uow.session.add(row)


def step(
    uow: UnitOfWork,
    case_type: str,
    row,
    action: str,
    moved: tuple[str | None, str | None] | None = None,
    to: str | None = None,
    /,
    **details: Any,
):
    """One step: its audit event written and folded into the row, in the caller's transaction.

    `moved` and `to` are positional (events have details named `to` and `moved`). `moved` is
    (before, after) when the caller checked the step with `begin` (its checks then
    ran before its effects); otherwise `step` runs `begin` itself. `to` overrides the status
    after the step where the event's facts decide it (a claim's materials complete or not).
    Returns the audit event."""
    before, after = moved if moved is not None else begin(uow, case_type, row, action)
    if to is not None:
        after = str(to)
    key = getattr(row, CASES[case_type].key)
    state = fold_of(case_type)(state_of(row), action, uow.at, uow.clerk, after, details)
    event_ = event(uow, case_type, key, action, before, after, details)
    _set(uow, row, state)
    return event_


def event(
    uow: UnitOfWork, case_type: str, key, action: str, before: str | None, after: str | None, details: dict,
    row_time: bool = True,
):  # fmt: skip
    """A case's audit event with the rows' write time of its transaction (`row_time`; a step,
    a registration, a note)."""
    if row_time:
        details = {**details, "row_time": details.get("row_time") or iso_datetime(uow.recorded_at)}
    return uow.audit(case_type, key, action, before, after, **details)


def new_row(uow: UnitOfWork, case_type: str, number: str, action: str, status: str | None, details: dict, **extra):
    """A case row as the fold of its registration event (`action` with `details`), added to the
    session; `extra` are columns no event carries. The caller writes the event itself
    (`register_event`), after the deadlines it opens, as the chain has always had it."""
    row = model_of(case_type)(**new_state(uow, case_type, number, action, status, details), **extra)
    uow.session.add(row)
    return row


def new_state(
    uow: UnitOfWork, case_type: str, number: str, action: str, status: str | None, details: dict, fold=None
) -> dict[str, Any]:
    """The columns of a new case row (`new_row`; the bulk import inserts them as they are): its
    number, the fold of its registration event, its write stamps. `fold` is `fold_of(case_type)`
    when the caller has it at hand."""
    ct = CASES[case_type]
    fields = model_of(case_type).model_fields
    out = (fold or fold_of(case_type))({}, action, uow.at, uow.clerk, status, details)  # a new dict
    for k in out.keys() - fields.keys():
        del out[k]
    out[ct.key] = number
    for k in ("created_at", "updated_at"):
        if k in fields:
            out[k] = uow.recorded_at
    return out


def register_event(uow: UnitOfWork, case_type: str, row, action: str, details: dict):
    """The registration event of a row built by `new_row` (the same details)."""
    ct = CASES[case_type]
    return event(uow, case_type, getattr(row, ct.key), action, None, getattr(row, "status", None), details,
                 ct.registration_row_time)  # fmt: skip
