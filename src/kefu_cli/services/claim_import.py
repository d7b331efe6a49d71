"""`kefu import claims`: claim reports with their history, from kefu's own export (`kefu export claims
--unmask`, io/columns.py CLAIM), as written or re-saved by an office suite, or a head office's sheet with
the same columns (no number: numbered as a report is).

Each row is replayed through the claim commands' own service functions at the times of its columns
(services/case_replay.py): the report (services/claims.py `report`, at 登记时间 with 报案时间 as its
receipt), then 认定重大案件 (`mark_major`), 向总部呈报 (`escalate`), each 申请 (`apply_claim`), each
材料登记 (`materials`), 移交 (`handover`), 结案 (`close`) and 作废 (`casework.void`) — the deadlines and
the claim callback a closing schedules are the core's.

A report needs its policy in the register: a policy the register does not hold is registered from the
row (保单号, 险种名称, 险种类型, 投保人, 被保险人, 证件号码, 保险期间, 保险金额; an event of the register).
A major case marked after the report (认定重大案件时间) is reported with the facts as reported
(报案时死亡人数 …) and marked with the row's facts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..domain import claims as cl
from ..domain.codes import parse_code, table_of
from ..domain.errors import InputError
from ..domain.timeutil import parse_date, parse_datetime
from ..io.columns import CLAIM, import_kinds, import_names
from ..io.xlsxfile import PHONE
from .case_exports import SEP
from .case_replay import Plan, Step, each, needs, one_time, plans_or_errors, replay, times
from .context import UnitOfWork
from .import_results import ImportResult

CLAIM_READ = tuple(k for k in CLAIM if k not in ("major_due", "handover_due", "working_days_left", "overdue"))
CLAIM_COLUMNS = import_names(CLAIM, CLAIM_READ)
CLAIM_KINDS = import_kinds(CLAIM, CLAIM_READ) | {"reporter_phone": PHONE, "applicant_phone": PHONE}
CLAIM_REQUIRED = ("reported_at", "policy", "incident_at", "reporter", "reporter_phone")
STATUSES = table_of(cl.STATUS_ZH)
YES = {"是": True, "否": False, "": False, "y": True, "n": False, "yes": True, "no": False, "true": True,
       "false": False, "1": True, "0": False}  # fmt: skip
RANK = {name: i for i, name in enumerate(("major", "escalate", "apply", "materials", "handover", "close", "void"))}


def _yes(table, v: dict[str, str], key: str) -> bool:
    text = (v.get(key) or "").strip().lower()
    if text not in YES:
        raise InputError(f"{table.column(key)} 的值 '{v.get(key)}' 无法识别,应为 是 或 否")
    return YES[text]


def _codes(table_, text: str | None, field: str) -> list[str]:
    """Codes of a list cell: labels (or codes) separated by ";" (",", "," between codes too)."""
    parts = [p.strip() for p in (text or "").replace(";", SEP).split(SEP) if p.strip()]
    if len(parts) == 1 and parts[0] not in {label for label, _ in table_.values()}:
        parts = [p.strip() for p in parts[0].replace(",", ",").split(",") if p.strip()]
    return [parse_code(table_, p, field) for p in parts]


def _int(table, v: dict[str, str], key: str) -> int | None:
    text = (v.get(key) or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise InputError(f"{table.column(key)} 的值 '{text}' 不是整数") from None
    if number != int(number):
        raise InputError(f"{table.column(key)} 的值 '{text}' 不是整数")
    return int(number)


def _policy_row(v: dict[str, str]) -> dict[str, Any]:
    """The register's row of the policy (`policy_register.register_policies` keys)."""
    out = {"policy": v.get("policy", ""), "product": v.get("product", ""), "name": v.get("holder", ""),
           "insured": v.get("insured", ""), "insured_id": v.get("insured_id", ""),
           "period_start": v.get("period_start", ""), "period_end": v.get("period_end", ""),
           "sum_insured": v.get("sum_insured", "")}  # fmt: skip
    if (v.get("line") or "").strip():
        out["line"] = v["line"]
    return out


def plan_of(table, i: int, row) -> Plan:
    """The claim a row describes: its report and its steps."""
    from . import claim_steps as steps
    from .casework import void
    from .claims import report
    from .import_table import phone_key

    v = row.values
    col = table.column
    received = parse_datetime(v.get("reported_at", ""), col("reported_at"))
    registered = one_time(table, v, "registered_at") or received
    number = (v.get("id") or "").strip().upper() or None
    status = parse_code(STATUSES, v["status"], col("status")) if (v.get("status") or "").strip() else None
    for key in ("insured_id", "holder", "insured"):
        if "*" in (v.get(key) or ""):
            raise InputError(f"{col(key)} 是打码的内容,不能导入: 请用加 --unmask 导出的文件")
    phone = phone_key(v.get("reporter_phone", ""), col("reporter_phone"))
    known = (v.get("known") or "").strip()
    major_at = one_time(table, v, "major_at")
    facts = dict(
        deaths=_int(table, v, "deaths") or 0, estimate=_int(table, v, "estimate"),
        dispute=(v.get("dispute") or "").strip() or None, litigation=_yes(table, v, "litigation"),
        uncertain=_yes(table, v, "uncertain"),
    )  # fmt: skip
    args = dict(
        reporter=v.get("reporter", ""), reporter_phone=phone,
        incident=parse_datetime(v.get("incident_at", ""), col("incident_at")), received=received,
        channel=v.get("channel", "") or "phone", policy_no=v.get("policy", "").strip(),
        insured=v.get("insured", ""), id_number=v.get("insured_id", ""), place=v.get("place", ""),
        cause=v.get("cause", ""), course=v.get("course", ""), injury=v.get("injury", ""),
        measures=v.get("measures", ""), present_state=v.get("present_state", ""), hospital=v.get("hospital", ""),
        reporter_address=v.get("reporter_address", ""), relation=v.get("relation", "") or "self",
        known=parse_date(known, col("known")) if known else None, not_covered=v.get("not_covered") or None,
        branch=v.get("branch", ""), handler=v.get("handler", ""), new_incident=bool(number), number=number,
    )  # fmt: skip
    if major_at is None:
        args |= facts
    else:  # marked major later: reported with the facts then (报案时…), marked with the facts now
        args |= dict(
            deaths=_int(table, v, "reported_deaths") or 0, estimate=_int(table, v, "reported_estimate"),
            dispute=(v.get("reported_dispute") or "").strip() or None,
            litigation=_yes(table, v, "reported_litigation"), uncertain=_yes(table, v, "reported_uncertain"),
        )  # fmt: skip
    policy = _policy_row(v)

    def register(uow: UnitOfWork) -> str:
        from ..store.claim_models import PolicyRecord
        from .policy_register import register_policies

        if args["policy_no"] and uow.session.get(PolicyRecord, args["policy_no"]) is None:
            register_policies(uow, [policy], column=col, source="kefu import claims")
        return report(uow, **args)["id"]

    plan = Plan(i, row.line, number, status, registered, "registered_at" if "registered_at" in v else "reported_at",
                register)  # fmt: skip
    add = plan.steps.append
    if major_at is not None:
        major = dict(facts, estimate=str(facts["estimate"]) if facts["estimate"] is not None else None)
        add(Step(major_at, RANK["major"], "major_at", lambda uow, cid: steps.mark_major(uow, cid, **major)))
    escalated = one_time(table, v, "escalated_at")
    if escalated is not None:
        to, note = needs(table, v, "escalated_to", "escalated_at", CLAIM_COLUMNS), v.get("escalate_note") or None
        add(Step(escalated, RANK["escalate"], "escalated_at",
                 lambda uow, cid: steps.escalate(uow, cid, to=to, note=note)))  # fmt: skip
    applied = times(table, v, "applied_at")
    if applied:
        types = each(needs(table, v, "apply_types", "applied_at", CLAIM_COLUMNS), len(applied))
        ticked = each(v.get("apply_received"), len(applied))
        names, phones = each(v.get("applicant"), len(applied)), each(v.get("applicant_phone"), len(applied))
        for at, kinds, got, who, tel in zip(applied, types, ticked, names, phones, strict=True):
            options = dict(
                types=_codes(cl.CLAIM_TYPES, kinds, col("apply_types")),
                received=_codes(cl.MATERIALS, got, col("apply_received")), applicant=who,
                applicant_phone=phone_key(tel, col("applicant_phone")) if tel else None,
            )  # fmt: skip
            add(Step(at, RANK["apply"], "applied_at", lambda uow, cid, o=options: steps.apply_claim(uow, cid, **o)))
    ticks = times(table, v, "materials_at")
    if ticks:
        added, removed = each(v.get("materials_added"), len(ticks)), each(v.get("materials_removed"), len(ticks))
        for at, got, off in zip(ticks, added, removed, strict=True):
            options = dict(received=_codes(cl.MATERIALS, got, col("materials_added")),
                           remove=_codes(cl.MATERIALS, off, col("materials_removed")))  # fmt: skip
            add(Step(at, RANK["materials"], "materials_at",
                     lambda uow, cid, o=options: steps.materials(uow, cid, **o)))  # fmt: skip
    handed = one_time(table, v, "handed_over_at")
    if handed is not None:
        unit, note2 = v.get("handed_over_to") or None, v.get("handover_note") or None
        add(Step(handed, RANK["handover"], "handed_over_at",
                 lambda uow, cid: steps.handover(uow, cid, to=unit, note=note2)))  # fmt: skip
    closed = one_time(table, v, "closed_at")
    if closed is not None:
        result = needs(table, v, "result", "closed_at", CLAIM_COLUMNS)
        why, paid = v.get("result_reason") or None, _int(table, v, "paid_amount")
        add(Step(closed, RANK["close"], "closed_at", lambda uow, cid: steps.close(
            uow, cid, result=result, reason=why, amount=str(paid) if paid is not None else None)))  # fmt: skip
    voided = one_time(table, v, "voided_at")
    if voided is not None:
        reason = needs(table, v, "void_reason", "voided_at", CLAIM_COLUMNS)
        add(Step(voided, RANK["void"], "voided_at", lambda uow, cid: void(uow, "claim", cid, reason=reason)))
    for step in plan.steps:
        if step.at < registered:
            raise InputError(f"{col(step.column)} {step.at:%Y-%m-%d %H:%M} 早于登记时间 {registered:%Y-%m-%d %H:%M}: "
                             "各步骤须在登记之后")  # fmt: skip

    def find(uow: UnitOfWork):
        from sqlmodel import select

        from ..store.claim_models import Claim

        return uow.session.exec(
            select(Claim).where(Claim.policy_no == args["policy_no"], Claim.reported_at == received,
                                Claim.incident_at == args["incident"])
        ).first()  # fmt: skip

    plan.find = find
    return plan


def import_claims(
    db: str | None,
    path: str | Path,
    *,
    dry_run: bool = False,
    clerk: str | None = None,
    at: dt.datetime | None = None,  # unused: every step has its own time
    progress=None,
) -> ImportResult:
    """`kefu import claims`: each row's report and steps replayed at their times."""
    from .import_table import read_rows

    table = read_rows(path, CLAIM_COLUMNS, CLAIM_REQUIRED, CLAIM_KINDS, "claims")
    return replay(
        db, table, "claims", plans_or_errors(table, "claims", lambda i, row: plan_of(table, i, row)),
        model=_model(), what="理赔报案", status_zh=lambda s: cl.STATUS_ZH.get(cl.Status(s), s), dry_run=dry_run,
        clerk=clerk, progress=progress,
    )  # fmt: skip


def _model():
    from ..store.claim_models import Claim

    return Claim
