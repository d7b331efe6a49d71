"""Personal data shown in full: every `--unmask` leaves an audit event.

Names and phones are masked in every table, list, show and export unless `--unmask` is given;
when it is, `record_unmask` writes who saw how many unmasked rows through which command, in
its own write transaction (entity `privacy`, action `unmask`), so an inspector can answer
"who looked at this customer's full phone number". The event is written before the data is
shown: if it cannot be written, the command fails and nothing unmasked is printed.
"""

from __future__ import annotations

from .context import unit_of_work

ENTITY = "privacy"
ACTION = "unmask"


def record_unmask(
    db: str | None, clerk: str | None, command: str, rows: int, target: str | None = None, **details
) -> None:
    """Audit one unmasked output: `command` (e.g. "complaint list"), how many `rows` it showed,
    and `target` (a case number or file) when there is one."""
    with unit_of_work(db, clerk=clerk) as uow:
        uow.audit(ENTITY, (target or command)[:40], ACTION, command=command, rows=rows, **details)
