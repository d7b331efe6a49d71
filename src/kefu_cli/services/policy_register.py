"""The policy register (保单登记簿): the company's policies as the desk knows them — product,
line (险种类型), holder, insured and ID number, period, sum insured — so that a claim report
can be checked against its policy (domain/claims.py, domain/claim_checks.py).

Filled by `kefu policy-register add` (one policy) and by `kefu import policies`, which calls
`register_policies` for the rows of each file. Every change is an audit event (entity
`policy_record`): `register` with every field, `update` with the old and new values; `db verify`
folds them (domain/requests.py `apply_policy`) and compares the rows.

An import never overwrites what the register holds: a policy already there only gets the fields
it does not have yet (an older file without the insured's columns, then a newer one with them).
A clerk's `policy-register add --update` corrects fields, with the old values kept in the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import or_
from sqlmodel import col, select

from ..domain import claim_checks as ck
from ..domain import claims as cl
from ..domain import requests as rq
from ..domain.codes import label, parse_code
from ..domain.errors import InputError, RuleError
from ..domain.text import SHORT_MAX, clean_text
from ..domain.timeutil import parse_date
from ..store.claim_models import PolicyRecord
from . import core
from .context import UnitOfWork, unit_of_work

ENTITY = "policy_record"
POLICY_EXAMPLE = "P2026110001"

# The columns `kefu import policies` reads besides its own (services/callback_import.py POLICY_COLUMNS):
# key -> header names accepted (the first is the one written in examples).
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "insured": ("被保险人", "被保险人姓名", "insured"),
    "insured_id": ("被保险人证件号码", "被保险人身份证号", "被保险人身份证号码", "证件号码", "insured_id"),
    "period_start": ("保险期间起", "生效日期", "保险起期", "period_start"),
    "period_end": ("保险期间止", "满期日期", "保险止期", "period_end"),
    "sum_insured": ("保额", "保险金额", "sum_insured"),
    "line": ("险种类型", "险类", "line"),
}
# The options of `kefu policy-register add` for each key (messages name the option).
OPTIONS = {
    "policy": "--policy 保单号", "product": "--product 险种名称", "line": "--line 险种类型", "name": "--holder 投保人",
    "phone": "--phone 投保人电话", "insured": "--insured 被保险人", "insured_id": "--id-number 被保险人证件号码",
    "period_start": "--start 保险期间起", "period_end": "--end 保险期间止", "sum_insured": "--sum-insured 保额",
    "branch": "--branch 机构", "handler": "--handler 经办人",
}  # fmt: skip
# Row keys (the import's) -> register columns.
KEY_COLUMN = {"name": "holder", "insured": "insured_name", "policy": "policy_no"}


def _column_of(key: str) -> str:
    return KEY_COLUMN.get(key, key)


def record_view(p: PolicyRecord, as_of: dt.date | None = None) -> dict[str, Any]:
    out = {k: getattr(p, k) for k in ("policy_no", *rq.POLICY_FIELDS, "source", "created_at", "created_by", "updated_at")}
    out["line_label"] = label(cl.LINES, p.line)
    out["limitation_years"] = ck.limitation_years(p.line)
    if as_of is not None:
        out["in_force"] = in_force(p, as_of)
    return out


def in_force(p: PolicyRecord, day: dt.date) -> bool | None:
    """Whether `day` lies in the policy period (None when the register has no period)."""
    if p.period_start is None and p.period_end is None:
        return None
    return (p.period_start is None or p.period_start <= day) and (p.period_end is None or day <= p.period_end)


def parse_row(values: Mapping[str, Any], column: Callable[[str], str] | None = None) -> dict[str, Any]:
    """A register row from text values keyed as the import keys them (policy, name = holder,
    phone, product, insured, insured_id, period_start, period_end, sum_insured, line, branch,
    handler); missing keys stay out. `column(key)` names the field in messages (the file's
    header, or the option)."""
    name = column or (lambda k: OPTIONS[k])

    def text(key: str, limit: int = 100, example: str = "") -> str | None:
        if key not in values:
            return None
        return clean_text(str(values[key] or ""), name(key), limit, example=example or None)

    out: dict[str, Any] = {}
    policy = text("policy", 40, POLICY_EXAMPLE)  # an audit event names it (entity_id: 40 characters)
    if not policy:
        raise InputError(f"{name('policy')} 不能为空,例如 {POLICY_EXAMPLE}")
    out["policy_no"] = policy
    for key, limit, example in (("product", 100, "终身寿险(分红型)"), ("name", 100, "林志远"),
                                ("insured", 100, "林志远"), ("branch", SHORT_MAX, "朝阳支公司"),
                                ("handler", SHORT_MAX, "李娜")):  # fmt: skip
        v = text(key, limit, example)
        if v is not None:
            out[_column_of(key)] = v
    if values.get("phone"):
        from ..domain.text import phone_number

        raw = str(values["phone"])
        if "*" in raw:
            raise InputError(f"{name('phone')} 是打码的号码(如 138****5678),不能登记: 请填写完整号码,例如 13812345678")
        out["phone"] = phone_number(raw, name("phone"))
    elif "phone" in values:
        out["phone"] = ""
    if values.get("insured_id"):
        raw = str(values["insured_id"])
        if "*" in raw:
            raise InputError(
                f"{name('insured_id')} 是打码的证件号码(如 110***********1234),不能登记: 请填写完整号码,例如 {ck.ID_EXAMPLE}"
            )
        from . import clock

        out["insured_id"] = ck.check_id_number(raw, name("insured_id"), clock.today())
    elif "insured_id" in values:
        out["insured_id"] = ""
    for key in ("period_start", "period_end"):
        if values.get(key):
            v = values[key]
            out[key] = v if isinstance(v, dt.date) else parse_date(str(v), name(key))
        elif key in values:
            out[key] = None
    if out.get("period_start") and out.get("period_end") and out["period_end"] < out["period_start"]:
        raise InputError(
            f"{name('period_end')} {out['period_end']} 早于保险期间起 {out['period_start']},请检查日期,"
            "例如 保险期间 2026-11-02 至 2046-11-01"
        )
    if "sum_insured" in values:
        v = values["sum_insured"]
        out["sum_insured"] = v if isinstance(v, int) else ck.parse_amount(str(v or ""), name("sum_insured"), "500000")
    if values.get("line"):
        out["line"] = parse_code(cl.LINES, str(values["line"]), name("line"))
    return out


def _new_record(uow: UnitOfWork, data: dict[str, Any], source: str) -> PolicyRecord:
    fields = {k: data.get(k) for k in rq.POLICY_FIELDS}
    for k in ("product", "holder", "phone", "insured_name", "insured_id", "branch", "handler"):
        fields[k] = fields[k] or ""
    fields["line"] = data.get("line") or ck.line_from_product(fields["product"])
    details = {"source": source[:255], **fields}
    p = core.new_row(uow, ENTITY, data["policy_no"], "register", None, details)
    core.register_event(uow, ENTITY, p, "register", details)
    return p


def _update(uow: UnitOfWork, p: PolicyRecord, changes: dict[str, Any], reason: str) -> None:
    before = {k: getattr(p, k) for k in changes}
    core.step(uow, ENTITY, p, "update", (None, None), None, before=before, after=changes, reason=reason)


def register_policies(
    uow: UnitOfWork,
    rows: Iterable[Mapping[str, Any]],
    *,
    column: Callable[[str], str] | None = None,
    source: str = "kefu import policies",
) -> list[str]:
    """Put the policies of an import into the register, inside the caller's unit of work.

    `rows`: text values keyed as `kefu import policies` keys them (policy, name = holder, phone,
    product, plus the IMPORT_COLUMNS keys: insured, insured_id, period_start, period_end,
    sum_insured, line; branch, handler). A new policy is registered; one already in the register
    only gets the fields it does not have yet (nothing it holds is overwritten). Returns, per row,
    "created", "completed" (fields added) or "unchanged". A bad value raises InputError naming
    `column(key)` (the file's header), so the import reports the row and the column."""
    out = []
    for values in rows:
        data = parse_row(values, column)
        p = uow.session.get(PolicyRecord, data["policy_no"])
        if p is None:
            _new_record(uow, data, source)
            uow.session.flush()
            out.append("created")
            continue
        fill = {
            k: v
            for k, v in data.items()
            if k not in ("policy_no", "line") and v not in (None, "") and getattr(p, k) in (None, "")
        }
        if data.get("line") and p.line == "other" and data["line"] != "other":  # 其他: not known before
            fill["line"] = data["line"]
        if fill:
            _update(uow, p, fill, f"{source}: 补充登记簿中没有的项目")
            out.append("completed")
        else:
            out.append("unchanged")
    return out


def add(
    db: str | None,
    values: Mapping[str, Any],
    *,
    update: bool = False,
    reason: str | None = None,
    clerk: str | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """`kefu policy-register add`: one policy; with `update`, correct the fields given."""
    given = {k: v for k, v in values.items() if v is not None}
    data = parse_row(given)
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        from .masters import check_names

        check_names(uow.session, branch=data.get("branch"), handler=data.get("handler"))
        p = uow.session.get(PolicyRecord, data["policy_no"])
        if p is None:
            p = _new_record(uow, data, "kefu policy-register add")
            uow.session.flush()
            return record_view(p, uow.at.date()) | {"created": True, "changes": {}}
        changes = {k: v for k, v in data.items() if k != "policy_no" and getattr(p, k) != v}
        if not changes:
            return record_view(p, uow.at.date()) | {"created": False, "changes": {}}
        if not update:
            names = "、".join(cl.COLUMN_ZH.get(k, k) if k != "phone" else "投保人电话" for k in changes)
            raise RuleError(
                f"保单 {p.policy_no} 已在登记簿中,所填的 {names} 与登记的不同;"
                f"如需更正请加 --update --reason 原因(原值记入审计),查看: kefu policy-register show {p.policy_no}"
            )
        why = clean_text(reason, "--reason 更正原因", 500, required=True, example="保全变更后更新被保险人证件号码")
        before = {k: getattr(p, k) for k in changes}
        _update(uow, p, changes, why)
        return record_view(p, uow.at.date()) | {"created": False, "changes": {k: {"before": before[k], "after": v}
                                                                              for k, v in changes.items()}}  # fmt: skip


def get(uow: UnitOfWork, policy_no: str) -> PolicyRecord:
    return core.get(uow, ENTITY, policy_no)


def show(db: str | None, policy_no: str) -> dict[str, Any]:
    with unit_of_work(db, write=False) as uow:
        p = get(uow, policy_no)
        out = record_view(p, uow.now.date())
        from ..store.claim_models import Claim, ServiceRequest

        claims = uow.session.exec(select(Claim).where(Claim.policy_no == p.policy_no).order_by(col(Claim.id))).all()
        out["claims"] = [{"id": c.id, "status": c.status, "incident_at": c.incident_at, "voided": c.voided_at is not None}
                         for c in claims]  # fmt: skip
        reqs = uow.session.exec(
            select(ServiceRequest).where(ServiceRequest.policy_no == p.policy_no).order_by(col(ServiceRequest.id))
        ).all()
        out["requests"] = [{"id": r.id, "type": r.type, "status": r.status, "received_at": r.received_at,
                            "voided": r.voided_at is not None} for r in reqs]  # fmt: skip
        return out


def list_(
    db: str | None, *, name: str | None = None, line: str | None = None, branch: str | None = None, limit: int = 200
) -> dict[str, Any]:
    if not 1 <= limit <= 10_000:  # checked here, not by the option: a bounded option costs typer's pydantic
        raise InputError(f"--limit 应为 1 到 10000 之间的整数(收到 {limit}),例如 --limit 500")
    stmt = select(PolicyRecord)
    if name:
        like = name.strip()
        stmt = stmt.where(
            or_(col(PolicyRecord.holder).contains(like, autoescape=True),
                col(PolicyRecord.insured_name).contains(like, autoescape=True))
        )  # fmt: skip
    if line:
        stmt = stmt.where(PolicyRecord.line == parse_code(cl.LINES, line, "--line 险种类型"))
    if branch:
        stmt = stmt.where(PolicyRecord.branch == branch.strip())
    with unit_of_work(db, write=False) as uow:
        from .masters import check_names

        check_names(uow.session, branch=branch)
        rows = uow.session.exec(stmt.order_by(col(PolicyRecord.policy_no)).limit(limit)).all()
        today = uow.now.date()
        items = [record_view(p, today) for p in rows]
    return {"count": len(items), "items": items}


# --- finding the policy of a claim report ----------------------------------------------------


def by_insured(uow: UnitOfWork, name: str | None = None, id_number: str | None = None) -> list[PolicyRecord]:
    """Policies whose insured has this ID number, or (without one) this exact name."""
    stmt = select(PolicyRecord)
    if id_number:
        stmt = stmt.where(PolicyRecord.insured_id == id_number)
    elif name:
        stmt = stmt.where(PolicyRecord.insured_name == name)
    else:
        return []
    return list(uow.session.exec(stmt.order_by(col(PolicyRecord.policy_no))).all())


def describe(p: PolicyRecord) -> str:
    """保单 P2026110001(终身寿险, 被保险人 林*远 110***********1234, 2026-11-02 至 2046-11-01)."""
    from ..render.output import mask_name

    period = f"{p.period_start or '-'} 至 {p.period_end or '-'}" if (p.period_start or p.period_end) else "保险期间未登记"
    who = mask_name(p.insured_name) or "被保险人未登记"
    ident = f" {ck.mask_id_number(p.insured_id)}" if p.insured_id else ""
    return f"保单 {p.policy_no}({p.product or '险种未登记'}, 被保险人 {who}{ident}, {period})"
