"""Service requests (第五条 退保, 第六条 批改) and the policy register — pure code, no I/O: the
request statuses, types, surrender reasons and the documents the customer is guided to bring; the
folds `db verify` checks request rows and policy register rows against.
"""

from __future__ import annotations

from enum import StrEnum

from .codes import CodeTable

# --- service requests (第五条 退保, 第六条 批改) ------------------------------------------------


class RequestStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"


REQUEST_STATUSES: CodeTable = {
    "open": ("待办理", ("办理中", "已登记")),
    "completed": ("已办结", ("办结", "完成")),
    "referred": ("已转保险公司办理", ("转保险公司", "已转办", "转办")),
    "withdrawn": ("客户撤回", ("撤回", "撤销")),
}
REQUEST_TYPES: CodeTable = {
    "surrender": ("退保", ("退保申请", "解除合同")),
    "endorsement": ("批改", ("批单", "批改申请", "保全变更", "变更")),
}
SURRENDER_REASONS: CodeTable = {  # 退保原因 (kefu request add --reason)
    "hardship": ("经济困难", ("经济原因", "资金紧张")),
    "product": ("对产品不满意", ("产品不满意", "产品")),
    "mis_selling": ("销售误导", ("误导", "销售")),
    "service": ("服务不满意", ("对服务不满意", "服务")),
    "other": ("其他", ("其它",)),
}
REQUEST_DOCUMENTS = {  # what the customer is guided to bring (第五条: 提醒客户准备相关资料)
    "surrender": (
        "保险合同(保单)原件",
        "投保人有效身份证件",
        "退保申请书(投保人签名)",
        "投保人本人银行账户(卡)",
        "委托他人办理的: 授权委托书及受托人身份证件",
    ),
    "endorsement": (
        "批改申请书(指导客户填写,投保人签名)",
        "保险合同(保单)原件",
        "投保人有效身份证件",
        "与批改内容有关的证明(如受益人身份证件、新的银行账户)",
    ),
}


# --- the folds: a row's columns from its audit events (`db verify`) -------------------------------

REQUEST_FIELDS = ("type", "received_at", "channel", "policy_no", "product", "holder", "insured_name", "name",
                  "phone", "relation", "reason", "reason_note", "content", "branch", "handler")  # fmt: skip


def apply_request(state: dict, action: str, at, clerk: str, to_status: str | None, details: dict) -> dict:
    """A service request's columns after one of its audit events."""
    s = dict(state)
    if to_status is not None:
        s["status"] = to_status
    if action == "add":
        s.update(registered_at=at, created_by=clerk, closed_at=None, close_note=None, voided_at=None, void_reason=None)
        s.update({k: details[k] for k in REQUEST_FIELDS if k in details})
    elif action == "close":
        s.update(closed_at=at, close_note=details.get("note"))
    elif action == "assign":
        s.update(handler=details.get("handler"), branch=details.get("branch"))
    elif action == "void":
        s.update(voided_at=at, void_reason=details.get("reason"))
    elif action == "edit":  # a correction (services/edit.py): the columns it sets, as recorded
        s.update(details.get("after") or {})
    elif action == "undo":  # a step taken back (services/undo.py): the columns as before it
        s.update(details.get("restore") or {})
    return s


def next_request_status(status: str, action: str, request_id: str) -> str:
    """A request's status after an audit action: `close` gives its result (the step says which),
    the other actions keep it."""
    return status


POLICY_FIELDS = ("product", "line", "holder", "phone", "insured_name", "insured_id", "period_start", "period_end",
                 "sum_insured", "branch", "handler")  # fmt: skip


def apply_policy(state: dict, action: str, details: dict) -> dict:
    """A policy register row's columns after one of its audit events."""
    s = dict(state)
    if action == "register":
        s.update({k: details[k] for k in POLICY_FIELDS if k in details})
    elif action == "update":
        s.update({k: v for k, v in (details.get("after") or {}).items() if k in POLICY_FIELDS})
    return s


def apply_policy_event(state: dict, action: str, at, clerk: str, to_status: str | None, details: dict) -> dict:
    """`apply_policy` with the arguments of the other folds (services/core.py): also who
    registered the policy and from where (the command or the file)."""
    s = apply_policy(state, action, details)
    if action == "register":
        s.update(created_by=clerk, source=details.get("source", ""))
    return s
