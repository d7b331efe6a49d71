"""The complaint columns of `kefu import complaints` and what the registration import and the
replay of a case's history (services/complaint_replay.py) share: the columns by their headers
(io/columns.py), the yes/no cells, "the same complaint" already registered."""

from __future__ import annotations

from typing import Any

from ..domain.errors import InputError
from ..io.columns import COMPLAINT, COMPLAINT_STEPS, import_kinds, import_names, legacy_names

# The columns the import reads, by the headers `kefu export complaints` writes (io/columns.py) and their aliases.
COMPLAINT_READ = ("received", "channel", "category", "name", "phone", "relation", "policy", "summary", "branch",
                  "handler", "complete", "regulator_ref", "regulator_due", "dispute", "line")  # fmt: skip
# A case's number, state and steps (kefu's export, io/columns.py COMPLAINT_STEPS, or a head office's
# sheet of its history): the case is rebuilt by replaying its steps (services/complaint_replay.py).
HISTORY_READ = ("id", "status", "complete_at", "acceptance_decided_at", "reject_reason", "transfer_to", "merged_into",
                "extension", "decided_at", "result", "withdrawn_at", *COMPLAINT_STEPS)  # fmt: skip
COMPLAINT_COLUMNS: dict[str, tuple[str, ...]] = import_names(COMPLAINT, COMPLAINT_READ + HISTORY_READ)
COMPLAINT_REQUIRED = ("received", "channel", "category", "name", "phone")
COMPLAINT_KINDS = import_kinds(COMPLAINT, COMPLAINT_READ + HISTORY_READ)
# 受理时间: the receipt in a file without 接收时间 (else the acceptance, `accepted_at`)
COMPLAINT_LEGACY = legacy_names(COMPLAINT, COMPLAINT_READ)

YES = {"是", "y", "yes", "true", "1", "齐全", ""}
NO = {"否", "n", "no", "false", "0", "不全", "不齐全"}


def yes_no(value: str, field: str = "材料齐全") -> bool:
    v = value.strip().lower()
    if v in YES:
        return True
    if v in NO:
        return False
    raise InputError(f"{field} 的值 '{value}' 无法识别,应为 是 或 否(空着也算 是)")


COMPLAINT_SEEN = "已导入过(同一接收时间、电话和保单号)"



def find_complaints(session, keys) -> dict[tuple, Any]:
    """The complaints already registered under these keys (receipt time, phone, policy)."""
    from sqlalchemy import select as sa_select

    from ..store.complaint_models import Complaint

    wanted = {k for k in keys if k is not None}
    phones = sorted({k[1] for k in wanted})
    found: dict[tuple, Any] = {}
    c = Complaint.__table__.c
    columns = [c.id, c.received_at, c.phone, c.policy_no, c.name, c.channel, c.category, c.relation, c.summary]
    columns += [c.branch, c.handler, c.regulator_ref, c.regulator_due, c.dispute, c.product_line]
    for i in range(0, len(phones), 400):
        stmt = sa_select(*columns).where(c.phone.in_(phones[i : i + 400])).order_by(c.id)
        for row in session.execute(stmt):
            k = (row.received_at, row.phone, row.policy_no)
            if k in wanted and k not in found:
                found[k] = row
    return found
