"""The replay of cases from a file, for the imports of claim reports and service requests
(services/claim_import.py, request_import.py), as services/complaint_replay.py does it for complaints.

Each row is a `Plan`: its registration and its steps, each a call of the service function its command
calls, run in the import's unit of work at the step's own time (`uow.at`), so the state machine, the
order of steps and the deadlines are the core's and every step is one event dated when it happened.
The registrations and steps of all rows run in the order of their times.

- A case already in the database (its number, else `Plan.find`) is skipped: counted as unchanged when
  its state is the file's. There in another state: refused with the reason, nothing imported (exit 2).
- 状态, when given, must be the state the steps lead to (else the row is refused, naming it).
- The file is one unit of work: all of it, or (a bad row, a refused step) nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..domain.errors import InputError, RuleError
from ..domain.timeutil import parse_datetime
from ..io.table import Table
from .context import UnitOfWork, unit_of_work
from .import_results import ImportResult, RowError, rows_error
from .import_table import row_error
from .imports import new_result, repeat_entry


class _Rollback(Exception):
    pass


@dataclass
class Step:
    at: dt.datetime
    rank: int  # the order of a case's steps taken at the same moment
    column: str  # the key of the column it comes from (its error names it)
    run: Callable[[UnitOfWork, str], Any]  # (uow, case number)


@dataclass
class Plan:
    """A row as a case: its registration (returns the case number) and its steps."""

    index: int
    line: int
    number: str | None
    status: str | None
    at: dt.datetime  # the registration's time
    column: str  # the column of the registration's time
    register: Callable[[UnitOfWork], str]
    steps: list[Step] = field(default_factory=list)
    find: Callable[[UnitOfWork], Any] | None = None  # the case already there under another number or none
    skip: Callable[[UnitOfWork], str | None] | None = None  # a reason to skip the row (said, not an error)
    # a case already there that the file's steps continue (a callback its complaint's import scheduled)
    adopt: Callable[[UnitOfWork, Any], bool] | None = None


def times(table: Table, v: dict[str, str], key: str) -> list[dt.datetime]:
    """The times of a step column: one, or several separated by ";" (a step taken more than once)."""
    text = (v.get(key) or "").strip()
    if not text:
        return []
    return sorted(parse_datetime(t.strip(), table.column(key)) for t in re.split(r"[;；\n]", text) if t.strip())


def one_time(table: Table, v: dict[str, str], key: str) -> dt.datetime | None:
    found = times(table, v, key)
    if len(found) > 1:
        raise InputError(f"{table.column(key)} 只能有一个时间,文件中有 {len(found)} 个")
    return found[0] if found else None


def each(text: str | None, n: int) -> list[str | None]:
    """The value of each of `n` times a step was taken: one a line when there are `n` lines, else
    the whole text for each ("-" for none)."""
    text = (text or "").strip()
    lines = text.replace("\r\n", "\n").split("\n")
    if n > 1 and len(lines) == n:
        return [None if line.strip() in ("", "-") else line.strip() for line in lines]
    return [None if text in ("", "-") else text] * n


def needs(table: Table, v: dict[str, str], key: str, because: str, names: dict[str, tuple[str, ...]]) -> str:
    value = (v.get(key) or "").strip()
    if not value:
        name = table.column(key) if key in table.keys else names[key][0]
        raise InputError(f"{table.column(because)} 已填写,{name} 也必须填写")
    return value


def at_of(uow: UnitOfWork, at: dt.datetime) -> None:
    """The next step's moment: its event dated `at`, with a write time of its own (undo reverses one step)."""
    from ..domain.timeutil import check_not_future, check_range
    from . import clock

    check_range(at, "--at")
    check_not_future(at, "--at", uow.now)
    uow.flush_events()
    uow.at, uow.written_at = at, clock.stamp()


_at = at_of


def replay(
    db: str | None,
    table: Table,
    kind: str,
    plans_of: Callable[[], list[Plan]],
    *,
    model,
    what: str,
    status_zh: Callable[[str], str],
    dry_run: bool = False,
    clerk: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import the cases of `table`: `plans_of()` reads each row into a Plan (an InputError is the
    row's); `what` names the case type in messages (理赔报案), `status_zh` a status."""
    result = new_result(table, kind, dry_run)
    rows = table.rows
    n = len(rows)
    plans: list[Plan] = plans_of()

    def fail(plan: Plan, message: str, key: str | None) -> None:
        row = rows[plan.index]
        result.errors.append(RowError(row.line, message, row.values, table.column(key) if key else None))
        raise rows_error(result)

    created: dict[int, str] = {}
    adopted: dict[int, str] = {}
    try:
        with unit_of_work(db, clerk=clerk) as uow:
            # 1. Which rows are there already (skipped), or there in another state (refused).
            todo: list[Plan] = []
            first: dict[Any, int] = {}
            for plan in plans:
                mark = plan.number or ("line", plan.line)
                if plan.number and mark in first:
                    result.skipped.append(repeat_entry(plan.line, plan.number, first[mark]))
                    continue
                first[mark] = plan.line
                why = plan.skip(uow) if plan.skip is not None else None
                if why:
                    result.skipped.append({"line": plan.line, "id": None, "reason": why, "unchanged": False})
                    continue
                there = uow.session.get(model, plan.number) if plan.number else None
                if there is None and plan.find is not None:
                    there = plan.find(uow)
                if there is None:
                    todo.append(plan)
                    continue
                if plan.status is not None and plan.status != there.status and plan.adopt and plan.adopt(uow, there):
                    adopted[plan.index] = there.id
                    todo.append(plan)
                    continue
                if plan.status is not None and plan.status != there.status:
                    fail(plan, f"{what} {there.id} 已在数据库中,状态为“{status_zh(there.status)}”,文件中为"
                         f"“{status_zh(plan.status)}”: 导入不更改已有的{what},整个文件未导入;如需更改请用各步骤命令",
                         "status")  # fmt: skip
                result.skipped.append({"line": plan.line, "id": there.id, "reason": f"{what}已在数据库中,状态相同",
                                       "unchanged": True})  # fmt: skip
            # 2. Every registration and step of the new cases in the order of their times.
            created.update(adopted)
            moments = [(p.at, -1, p.index, -1, p) for p in todo if p.index not in adopted]
            moments += [(s.at, s.rank, p.index, i, p) for p in todo for i, s in enumerate(p.steps)]
            moments.sort(key=lambda m: m[:4])
            for done, (when, _, _, i, plan) in enumerate(moments, start=1):
                step = plan.steps[i] if i >= 0 else None
                try:
                    _at(uow, when)
                    if step is None:
                        created[plan.index] = plan.register(uow)
                    else:
                        step.run(uow, created[plan.index])
                except (InputError, RuleError) as exc:
                    key = step.column if step else plan.column
                    fail(plan, f"{table.column(key)} {exc}" if key in table.keys else str(exc), key)
                if progress:
                    progress(done, len(moments))
            uow.session.flush()
            # 3. The state the steps lead to is the state the file says.
            for plan in todo:
                c = uow.session.get(model, created[plan.index])
                if plan.status is not None and c.status != plan.status:
                    fail(plan, f"按各步骤的时间重建的状态为“{status_zh(c.status)}”,与文件中的“{status_zh(plan.status)}”"
                         "不符: 请填写该状态所需步骤的时间", "status")  # fmt: skip
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    numbers = [created[p] for p in sorted(created)]
    if dry_run:
        result.planned = len(numbers)
    else:
        result.created = numbers
    if progress:
        progress(n, n)
    return result


def plans_or_errors(table: Table, kind: str, plan_of: Callable[[int, Any], Plan]) -> Callable[[], list[Plan]]:
    """`plans_of` for `replay`: every row through `plan_of`; any bad row refuses the file (by row)."""

    def plans() -> list[Plan]:
        out, errors = [], []
        for i, row in enumerate(table.rows):
            try:
                out.append(plan_of(i, row))
            except InputError as exc:
                errors.append(row_error(table, row, exc))
        if errors:
            result = new_result(table, kind, False)
            result.errors = errors
            raise rows_error(result)
        return out

    return plans
