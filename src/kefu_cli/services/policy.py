"""Policy-table use cases: read the rules, change one (value, unit, start), audited.

A change applies to deadlines that start after it; deadlines already running keep the rule
they started under (their row holds its own amount, unit and basis — RULES.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..domain.policy import DEFAULTS, Rule, Start, Unit, validate_setting
from ..domain.timeutil import InputError
from .sources import POLICY_QUERY, policy_from_rows

if TYPE_CHECKING:  # the database stack is imported where it is used (`kefu policy list` starts fast)
    from .context import UnitOfWork


@dataclass(frozen=True, slots=True)
class PolicyChange:
    """One rule before and after `kefu policy set`."""

    before: Rule
    after: Rule


def rules(uow: UnitOfWork) -> list[tuple[Rule, Rule]]:
    """Every rule as (current, default)."""
    return [(r, DEFAULTS[r.key]) for r in uow.policy.rules()]


def rules_of(db: str | None) -> list[tuple[Rule, Rule]]:
    """`rules` of database `db`, read with plain sqlite3 when the database allows it
    (store/quick.py: no SQLAlchemy import), else through a read-only unit of work."""
    from ..store import quick

    rows = quick.read(db, [POLICY_QUERY])
    if rows is None:
        from .context import unit_of_work

        with unit_of_work(db, write=False) as uow:
            return rules(uow)
    return [(r, DEFAULTS[r.key]) for r in policy_from_rows(rows[0]).rules()]


def set_rule(
    uow: UnitOfWork, key: str, value: int, unit: Unit | None = None, start: Start | None = None
) -> PolicyChange:
    """Store `key = value` (and, when given, its unit and start) and audit it, in `uow`'s
    transaction. `unit`/`start` None keep what the rule has now. InputError when refused."""
    before = uow.policy.rule(key) if key in DEFAULTS else None
    new_unit = unit if unit is not None or before is None else before.unit
    # the value is checked against the unit it will be counted in (given now, or stored earlier)
    problem = validate_setting(key, value, new_unit, start)
    if problem or before is None:
        raise InputError(problem)
    new_start = before.start if start is None else start
    default = DEFAULTS[key]
    from ..store.admin_models import PolicySetting

    row = uow.session.get(PolicySetting, key) or PolicySetting(
        key=key, value=value, updated_at=uow.at, updated_by=uow.clerk
    )
    row.value = value
    # store a unit/start only where it differs from the default, so a later change of a
    # default in the code still reaches rules the administrator never touched
    row.unit = None if new_unit is default.unit else str(new_unit)
    row.start = None if new_start is default.start else (str(new_start) if new_start else None)
    row.updated_at, row.updated_by = uow.at, uow.clerk
    uow.session.add(row)
    after = Rule(key, value, new_unit, default.label, default.source, new_start)
    uow.audit(
        "policy",
        key,
        "set",
        before=before.value,
        after=value,
        before_unit=str(before.unit),
        after_unit=str(new_unit),
        before_start=str(before.start) if before.start else None,
        after_start=str(new_start) if new_start else None,
    )
    # later reads in this unit of work see the new rule
    uow.__dict__.pop("policy", None)
    return PolicyChange(before, after)
