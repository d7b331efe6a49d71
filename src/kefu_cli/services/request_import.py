"""`kefu import requests`: service requests (退保、批改) with their history, from kefu's own export
(`kefu export requests --unmask`, io/columns.py REQUEST) as written or re-saved by an office suite.

Each row is replayed through the request commands' own service functions at the times of its columns
(services/case_replay.py): the registration (services/requests.py `register`, at 登记时间 with 接收时间
as its receipt), 办结 (`close`, its result the row's 状态) and 作废 (`casework.void`). The product, holder
and insured of a request come from the policy register: a policy the register does not hold is
registered from the row (险种, 投保人, 被保险人) when the row names them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..domain import requests as rq
from ..domain.codes import label, parse_code
from ..domain.errors import InputError
from ..domain.timeutil import parse_datetime
from ..io.columns import REQUEST, import_kinds, import_names
from .case_replay import Plan, Step, needs, one_time, plans_or_errors, replay
from .context import UnitOfWork
from .import_results import ImportResult

REQUEST_COLUMNS = import_names(REQUEST, tuple(REQUEST))
REQUEST_KINDS = import_kinds(REQUEST, tuple(REQUEST))
REQUEST_REQUIRED = ("type", "received", "policy")


def plan_of(table, i: int, row) -> Plan:
    from .casework import void
    from .import_table import phone_key
    from .requests import close, register

    v = row.values
    col = table.column
    received = parse_datetime(v.get("received", ""), col("received"))
    registered = one_time(table, v, "registered_at") or received
    number = (v.get("id") or "").strip().upper() or None
    status = parse_code(rq.REQUEST_STATUSES, v["status"], col("status")) if (v.get("status") or "").strip() else None
    for key in ("name", "holder", "insured"):
        if "*" in (v.get(key) or ""):
            raise InputError(f"{col(key)} 是打码的内容,不能导入: 请用加 --unmask 导出的文件")
    phone = v.get("phone", "").strip()
    args = dict(
        type=v.get("type", ""), policy_no=v.get("policy", "").strip(), channel=v.get("channel", "") or "phone",
        name=v.get("name") or None, phone=phone_key(phone, col("phone")) if phone else None,
        relation=v.get("relation", "") or "self", reason=v.get("reason") or None,
        reason_note=v.get("reason_note") or None, content=v.get("content") or None, received=received,
        branch=v.get("branch", ""), handler=v.get("handler", ""), number=number,
    )  # fmt: skip
    policy = {"policy": args["policy_no"], "product": v.get("product", ""), "name": v.get("holder", ""),
              "insured": v.get("insured", "")}  # fmt: skip

    def do_register(uow: UnitOfWork) -> str:
        from ..store.claim_models import PolicyRecord
        from .policy_register import register_policies

        known = any((policy[k] or "").strip() for k in ("product", "name", "insured"))
        if known and args["policy_no"] and uow.session.get(PolicyRecord, args["policy_no"]) is None:
            register_policies(uow, [policy], column=col, source="kefu import requests")
        return register(uow, **args)["id"]

    plan = Plan(i, row.line, number, status, registered, "registered_at" if "registered_at" in v else "received",
                do_register)  # fmt: skip
    closed = one_time(table, v, "closed_at")
    if closed is not None:
        if status in (None, rq.RequestStatus.OPEN):
            raise InputError(f"{col('closed_at')} 已填写,状态应为 已办结、已转保险公司办理 或 客户撤回")
        note, result = v.get("close_note") or None, status
        plan.steps.append(Step(closed, 0, "closed_at", lambda uow, rid: close(uow, rid, result=result, note=note)))
    voided = one_time(table, v, "voided_at")
    if voided is not None:
        reason = needs(table, v, "void_reason", "voided_at", REQUEST_COLUMNS)
        plan.steps.append(Step(voided, 1, "voided_at", lambda uow, rid: void(uow, "request", rid, reason=reason)))
    for step in plan.steps:
        if step.at < registered:
            raise InputError(f"{col(step.column)} {step.at:%Y-%m-%d %H:%M} 早于登记时间 {registered:%Y-%m-%d %H:%M}: "
                             "各步骤须在登记之后")  # fmt: skip

    def find(uow: UnitOfWork):
        from sqlmodel import select

        from ..store.claim_models import ServiceRequest

        return uow.session.exec(
            select(ServiceRequest).where(ServiceRequest.policy_no == args["policy_no"],
                                         ServiceRequest.received_at == received)
        ).first()  # fmt: skip

    plan.find = find
    return plan


def import_requests(
    db: str | None,
    path: str | Path,
    *,
    dry_run: bool = False,
    clerk: str | None = None,
    at: dt.datetime | None = None,  # unused: every step has its own time
    progress=None,
) -> ImportResult:
    """`kefu import requests`: each row's registration and steps replayed at their times."""
    from ..store.claim_models import ServiceRequest
    from .import_table import read_rows

    table = read_rows(path, REQUEST_COLUMNS, REQUEST_REQUIRED, REQUEST_KINDS, "requests")
    return replay(
        db, table, "requests", plans_or_errors(table, "requests", lambda i, row: plan_of(table, i, row)),
        model=ServiceRequest, what="保全请求", status_zh=lambda s: label(rq.REQUEST_STATUSES, s), dry_run=dry_run,
        clerk=clerk, progress=progress,
    )  # fmt: skip
