"""Service requests (保全请求): surrender (退保, seed 002 第五条) and endorsement (批改/批单,
第六条) requests received by phone, visit, fax or letter.

The desk records the policy (its product and insured from the policy register when it is
there), for a surrender the reason (a code, for the statistics in `kefu report stats`), for an
endorsement what is to be changed; it guides the customer to the documents (domain/requests.py
`REQUEST_DOCUMENTS`) and closes the request when it is done, referred to the insurer or
withdrawn. No time limit is set by the rules, so requests have no deadline rows. Every step is
an audit event (entity `request`), folded by `db verify` (domain/requests.py `apply_request`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, select

from ..domain import claims as cl
from ..domain import requests as rq
from ..domain.codes import RELATIONS, label, parse_code
from ..domain.errors import InputError, RuleError
from ..domain.text import SHORT_MAX, clean_text, phone_number
from ..store.claim_models import PolicyRecord, ServiceRequest
from . import core
from .context import UnitOfWork, unit_of_work
from .edit import EditSpec

CASE = "request"
PREFIX = "SQ"  # 申请
ID_EXAMPLE = "SQ-20261120-0001"
COLUMNS = tuple(ServiceRequest.model_fields)


def get(uow: UnitOfWork, request_id: str) -> ServiceRequest:
    return core.get(uow, CASE, request_id)


def register(
    uow: UnitOfWork,
    *,
    type: str,
    policy_no: str,
    channel: str = "phone",
    name: str | None = None,
    phone: str | None = None,
    relation: str = "self",
    reason: str | None = None,
    reason_note: str | None = None,
    content: str | None = None,
    received: dt.datetime | None = None,
    branch: str = "",
    handler: str = "",
    new_branch: bool = False,
    new_handler: bool = False,
    number: str | None = None,
) -> dict[str, Any]:
    """Register a surrender or endorsement request inside the caller's unit of work (`number`: the
    request's own number, kept by an import of kefu's export)."""
    kind = parse_code(rq.REQUEST_TYPES, type, "--type 请求类型")
    channel = parse_code(cl.CLAIM_CHANNELS, channel or "phone", "--channel 提请方式")
    relation = parse_code(RELATIONS, relation or "self", "--relation 与投保人关系")
    policy_no = clean_text(policy_no, "--policy 保单号", 60, required=True, example="P2026110001")
    note = clean_text(reason_note, "--reason-note 原因说明", 2000, multiline=True, example="家中急需用钱") or None
    text = (
        clean_text(content, "--content 批改内容", 2000, multiline=True, example="变更联系地址为 北京市海淀区…") or None
    )
    code = parse_code(rq.SURRENDER_REASONS, reason, "--reason 退保原因") if reason else None
    if kind == "surrender" and code is None:
        raise InputError(
            "退保须记录原因 --reason: hardship 经济困难、product 对产品不满意、mis_selling 销售误导、"
            "service 服务不满意、other 其他,例如 --reason 经济困难"
        )
    if kind == "endorsement":
        if code is not None:
            raise InputError("--reason 退保原因只用于 --type surrender(退保);批改请用 --content 写明批改内容")
        if not text:
            raise InputError("批改须写明批改内容 --content,例如 --content 变更受益人为 配偶 林小红")
    elif text:
        raise InputError("--content 批改内容只用于 --type endorsement(批改);退保原因的说明请用 --reason-note")

    received = received or uow.at
    latest = min(uow.at, uow.now)
    if received > latest + dt.timedelta(minutes=5):
        raise InputError(
            f"--received 接收时间 {received:%Y-%m-%d %H:%M} 晚于登记时间 {latest:%Y-%m-%d %H:%M}: "
            "请求只能在收到后登记,请检查日期,例如 --received 2026-11-20T09:30"
        )
    if uow.at < received:
        raise InputError(
            f"--at 登记时间 {uow.at:%Y-%m-%d %H:%M} 早于接收时间 {received:%Y-%m-%d %H:%M},请检查 --received 或 --at"
        )

    warnings: list[str] = []
    p = uow.session.get(PolicyRecord, policy_no)
    if p is None:
        warnings.append(f"保单 {policy_no} 不在保单登记簿中: 已按所填信息登记,请核实保单号(险种、被保险人未能自动带出)")
    name = clean_text(name, "--name 客户姓名", 50, example="林志远") or (p.holder if p else "")
    if not name:
        raise InputError("请填写提出请求的客户姓名 --name(保单不在登记簿中,无法带出投保人),例如 --name 林志远")
    if phone:
        phone = phone_number(phone, "--phone")
    elif p is not None and p.phone:
        phone = p.phone
    else:
        raise InputError("请填写客户联系电话 --phone,例如 --phone 13811110001")
    if p is not None and p.holder and name != p.holder and relation == "self":
        warnings.append(
            f"提出请求的客户不是登记的投保人: {'退保' if kind == 'surrender' else '批改'}须由投保人本人或其受托人办理,"
            "请核实身份(受托人请用 --relation agent 并提醒客户准备授权委托书)"
        )

    from .masters import ensure_branch, ensure_handler

    branch = clean_text(branch, "--branch 机构", SHORT_MAX, example="朝阳支公司") or (p.branch if p else "")
    handler = clean_text(handler, "--handler 经办人", SHORT_MAX, example="李娜")
    branch = ensure_branch(uow, branch, new_branch)
    handler = ensure_handler(uow, handler, branch, new_handler)

    from .numbering import next_number

    if number:
        from .numbering import keep_number

        number = keep_number(uow, PREFIX, number)
    else:
        number = next_number(uow, PREFIX, received.date())
    fields = dict(
        type=kind, received_at=received, channel=channel, policy_no=policy_no, product=p.product if p else "",
        holder=p.holder if p else "", insured_name=p.insured_name if p else "", name=name, phone=phone,
        relation=relation, reason=code, reason_note=note, content=text, branch=branch, handler=handler,
    )  # fmt: skip
    r = core.new_row(uow, CASE, number, "add", str(rq.RequestStatus.OPEN), fields)
    uow.session.flush()
    core.register_event(uow, CASE, r, "add", fields)
    out = view(uow, r)
    out["warnings"] = warnings + _hints(uow, r)
    return out


def _hints(uow: UnitOfWork, r: ServiceRequest) -> list[str]:
    """What else a surrender touches: a new-policy callback still open (cancelled when the
    policy is surrendered before it), a surrender for misleading sales (a complaint?)."""
    out = []
    if r.type != "surrender":
        return out
    from ..store.callback_models import Callback

    open_cb = uow.session.exec(
        select(Callback.id).where(
            Callback.policy_no == r.policy_no, Callback.kind == "new_policy", Callback.status == "open",
            col(Callback.voided_at).is_(None),
        )
    ).all()  # fmt: skip
    for cid in open_cb:
        out.append(
            f"保单 {r.policy_no} 有待回访的新契约回访 {cid}: 退保办结后请登记 kefu callback cancel {cid} --reason 回访前退保"
        )
    if r.reason == "mis_selling":
        out.append("退保原因为销售误导: 如客户同时投诉,请另行登记投诉 kefu complaint add --category sales …")
    return out


def add(db: str | None, *, clerk: str | None = None, at: dt.datetime | None = None, **fields) -> dict[str, Any]:
    """`kefu request add`."""
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        return register(uow, **fields)


CLOSE_RESULTS = {k: v for k, v in rq.REQUEST_STATUSES.items() if k != "open"}


def close(db: str | None, request_id: str, *, result: str = "completed", note: str | None = None, clerk=None,
          at=None) -> dict[str, Any]:  # fmt: skip
    """`kefu request close`: done (已办结), referred to the insurer (已转保险公司办理) or withdrawn."""
    code = parse_code(CLOSE_RESULTS, result or "completed", "--result 办结结果")
    note = clean_text(note, "--note 办结说明", 2000, multiline=True, example="已指引客户至保险公司柜面办理") or None
    if isinstance(db, UnitOfWork):  # replayed in the caller's unit of work, at its time (services/request_import.py)
        return _close(db, request_id, code, note)
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        return _close(uow, request_id, code, note)


def _close(uow: UnitOfWork, request_id: str, code: str, note: str | None) -> dict[str, Any]:
    r = get(uow, request_id)
    core.check_not_void(CASE, r)
    if r.status != rq.RequestStatus.OPEN:
        raise RuleError(
            f"保全请求 {r.id} 已于 {r.closed_at:%Y-%m-%d %H:%M} 办结(“{label(rq.REQUEST_STATUSES, r.status)}”),"
            "不能重复办结;后续联系请用 kefu request note"
        )
    core.check_in_order(uow, CASE, r)
    core.step(uow, CASE, r, "close", (r.status, code), None, note=note)
    out = view(uow, r)
    out["warnings"] = _hints(uow, r) if code == "completed" else []
    return out


# --- corrections -------------------------------------------------------------------------------

# What `request edit` corrects: who asked, how, and what for. The policy (its product and
# insured come from the register), the type and the receipt time are the request's identity: a
# request wrong there is voided and registered again (`request void`).
EDIT_FIELDS = {
    "name": ("name", "客户姓名"),
    "phone": ("phone", "联系电话"),
    "relation": ("relation", "与投保人关系"),
    "channel": ("channel", "提请方式"),
    "reason": ("reason", "退保原因"),
    "reason_note": ("reason_note", "原因说明"),
    "content": ("content", "批改内容"),
}


def _edit_value(option: str, value: Any) -> Any:
    """One corrected field, checked as `request add` checks it."""
    if option == "name":
        name = clean_text(value, "--name 客户姓名", 50, example="林志远")
        if not name:
            raise InputError("--name 客户姓名不能为空,例如 --name 林志远")
        return name
    if option == "phone":
        return phone_number(value, "--phone")
    if option == "relation":
        return parse_code(RELATIONS, value, "--relation 与投保人关系")
    if option == "channel":
        return parse_code(cl.CLAIM_CHANNELS, value, "--channel 提请方式")
    if option == "reason":
        return parse_code(rq.SURRENDER_REASONS, value, "--surrender-reason 退保原因")
    if option == "reason_note":
        return clean_text(value, "--reason-note 原因说明", 2000, multiline=True, example="家中急需用钱") or None
    text = clean_text(value, "--content 批改内容", 2000, multiline=True, example="变更联系地址为 北京市海淀区…")
    if not text:
        raise InputError("批改须写明批改内容 --content,例如 --content 变更受益人为 配偶 林小红")
    return text


def _edit_check(uow: UnitOfWork, r: ServiceRequest, values: dict[str, Any]) -> None:
    """A surrender's reason and an endorsement's content belong to their type."""
    if r.type != "surrender" and "reason" in values:
        raise InputError(f"保全请求 {r.id} 是批改: --surrender-reason 退保原因只用于退保,批改内容请用 --content")
    if r.type != "endorsement" and "content" in values:
        raise InputError(f"保全请求 {r.id} 是退保: --content 批改内容只用于批改,退保原因请用 --surrender-reason")


def _edit_result(uow: UnitOfWork, r: ServiceRequest, before: dict, after: dict, moved: list, why: str) -> dict:
    return view(uow, r) | {"changes": [{"field": k, "before": before[k], "after": v} for k, v in after.items()]}


REQUEST_EDIT = EditSpec(
    CASE, EDIT_FIELDS, _edit_value,
    nothing="请给出要更正的项目,例如 kefu request edit SQ-20261120-0001 --phone 13900001111 --reason 电话记错;"
    "可更正: --name --phone --relation --channel --surrender-reason --reason-note --content",
    same="保全请求 {id} 的这些项目与所填相同,不需要更正", reason_example="客户电话记错一位", reason_limit=2000,
    reason_first=True, received_guard=True, check=_edit_check, result=_edit_result,
)  # fmt: skip


def edit(db, request_id: str, changes: dict[str, Any], *, reason: str, clerk=None, at=None) -> dict[str, Any]:
    """`kefu request edit`: correct who asked, how and what for; the event keeps the old and new
    values and the reason (services/edit.py, the one edit of every case type)."""
    from .edit import edit as edit_case

    return edit_case(db, CASE, request_id, changes, reason=reason, clerk=clerk, at=at)


def view(uow: UnitOfWork, r: ServiceRequest, events: bool = False) -> dict[str, Any]:
    out = {k: getattr(r, k) for k in COLUMNS}
    out["documents"] = list(rq.REQUEST_DOCUMENTS[r.type])
    if events:
        from .deadlines import case_timeline

        out["events"] = case_timeline(uow, CASE, r.id, [])  # requests have no deadline rows
    return out


def show(db: str | None, request_id: str) -> dict[str, Any]:
    with unit_of_work(db, write=False) as uow:
        out = view(uow, get(uow, request_id), events=True)
    from ..domain.next_step import request_next

    out["next"] = request_next(out["status"], out["id"], bool(out.get("voided_at"))).as_dict()
    return out


def list_(
    db: str | None,
    *,
    type: str | None = None,
    status: str | None = None,
    reason: str | None = None,
    branch: str | None = None,
    handler: str | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    policy_no: str | None = None,
    name: str | None = None,
    limit: int | None = None,
    all: bool = False,
) -> dict[str, Any]:
    stmt = select(ServiceRequest)
    if not all:
        stmt = stmt.where(col(ServiceRequest.voided_at).is_(None))
    if type:
        stmt = stmt.where(ServiceRequest.type == parse_code(rq.REQUEST_TYPES, type, "--type 请求类型"))
    if status:
        stmt = stmt.where(ServiceRequest.status == parse_code(rq.REQUEST_STATUSES, status, "--status 状态"))
    if reason:
        stmt = stmt.where(ServiceRequest.reason == parse_code(rq.SURRENDER_REASONS, reason, "--reason 退保原因"))
    from .claim_views import list_filters

    stmt = list_filters(stmt, ServiceRequest, ServiceRequest.received_at, branch, handler, received_from, received_to,
                        policy_no)  # fmt: skip
    if name:
        stmt = stmt.where(col(ServiceRequest.name).contains(name.strip(), autoescape=True))
    counted = stmt
    stmt = stmt.order_by(col(ServiceRequest.received_at), col(ServiceRequest.id))
    if limit:
        stmt = stmt.limit(limit)
    with unit_of_work(db, write=False) as uow:
        from .masters import check_names

        check_names(uow.session, branch=branch, handler=handler)
        items = [view(uow, r) for r in uow.session.exec(stmt).all()]
        more = 0  # how many more --limit left out
        if limit and len(items) == limit:
            from .claim_views import count_of

            more = count_of(uow, counted) - limit
    return {"as_of": uow.now.date(), "count": len(items), "items": items} | ({"more": more} if limit else {})
