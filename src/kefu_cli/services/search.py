"""`kefu search TEXT`: find a case across complaints, callbacks, claim reports and service
requests, and the policies of the policy register — the phone call "my complaint from last
week?", "is my father's accident reported?".

What the text matches (any of them):
- a case number or a fragment of it (`TS-20261120-0001`, `20261120`, `0001`);
- a name (substring);
- a phone number: the whole number, or its last 4 digits, after normalising full-width digits,
  spaces and dashes (`１３８-1234-5678` finds 13812345678);
- a policy number (substring); a regulator reference (substring, complaints);
- an ID number or a fragment of it, 4 or more of its digits (the insured of claims and policies).

Newest first (received / registered), with status and the next running deadline of each case.
With an as-of day before today, each case as it stood at the end of that day (services/past.py).
"""

from __future__ import annotations

import datetime as dt
import re

from ..domain import callback as cb
from ..domain.codes import label
from ..domain.errors import InputError
from ..domain.text import phone_query
from . import clock
from .deadline_query import day_of, next_running, when_of
from .past import past_of
from .report_source import sql_rows

MAX_RESULTS = 200


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# Each table's columns and its text conditions: {like} any fragment, {id_like} a case number
# fragment (upper case), {phone} the phone condition, {ident} an ID number fragment.
_COMPLAINTS = (
    "SELECT id, status, name, phone, policy_no, branch, handler, received_at, summary, voided_at FROM complaint"
    " WHERE id LIKE :id_like ESCAPE '\\' OR name LIKE :like ESCAPE '\\' OR policy_no LIKE :like ESCAPE '\\'"
    " OR regulator_ref LIKE :like ESCAPE '\\'{phone} ORDER BY received_at DESC, id DESC LIMIT :limit"
)
_CALLBACKS = (
    "SELECT id, status, name, phone, policy_no, branch, handler, registered_at, created_at, kind, voided_at"
    " FROM callback WHERE id LIKE :id_like ESCAPE '\\' OR name LIKE :like ESCAPE '\\'"
    " OR policy_no LIKE :like ESCAPE '\\'{phone} ORDER BY created_at DESC, id DESC LIMIT :limit"
)
_CLAIMS = (
    "SELECT id, status, insured_name, reporter_phone, policy_no, branch, handler, reported_at, incident_at, cause,"
    " major, voided_at, insured_id FROM claim WHERE id LIKE :id_like ESCAPE '\\' OR insured_name LIKE :like"
    " ESCAPE '\\' OR reporter_name LIKE :like ESCAPE '\\' OR policy_no LIKE :like ESCAPE '\\'{phone}{ident}"
    " ORDER BY reported_at DESC, id DESC LIMIT :limit"
)
_REQUESTS = (
    "SELECT id, status, name, phone, policy_no, branch, handler, received_at, type, reason, content, voided_at"
    " FROM service_request WHERE id LIKE :id_like ESCAPE '\\' OR name LIKE :like ESCAPE '\\'"
    " OR policy_no LIKE :like ESCAPE '\\'{phone} ORDER BY received_at DESC, id DESC LIMIT :limit"
)
_POLICIES = (
    "SELECT policy_no, insured_name, phone, branch, handler, period_start, period_end, created_at, product,"
    " insured_id, holder FROM policy_record WHERE policy_no LIKE :like ESCAPE '\\' OR holder LIKE :like"
    " ESCAPE '\\' OR insured_name LIKE :like ESCAPE '\\'{phone}{ident} ORDER BY policy_no LIMIT :limit"
)


def search(src, text: str, limit: int = 50, as_of: dt.date | None = None) -> dict:
    """Matching cases and register policies, newest first, each case with its next running
    deadline. `src` is a report source (services/report_source.py `report_source`): plain sqlite3 on a
    current SQLite file — the search box then starts without SQLAlchemy — or a read-only unit of
    work; the SQL text is the same for both."""
    q = (text or "").strip()
    if not q:
        raise InputError(
            "搜索内容不能为空: 可以是案件编号(或其中一段)、姓名、电话(或后 4 位)、保单号,例如 kefu search 5678"
        )
    if len(q) > 100:
        raise InputError(f"搜索内容太长({len(q)} 个字符),最多 100 个字符,例如 kefu search 王建国")
    if not 1 <= limit <= MAX_RESULTS:
        raise InputError(f"--limit 应为 1 到 {MAX_RESULTS} 之间的整数,例如 --limit 20")
    as_of = as_of or clock.today()
    like = _like(q)
    params = {"like": like, "id_like": like.upper(), "limit": limit}
    phone = phone_query(q)

    def phone_cond(column: str) -> str:
        if phone is None:
            return ""
        # whole number, or its last digits (phones are stored normalised, without separators)
        return f" OR {column} = :phone" + (f" OR {column} LIKE :phone_tail" if len(phone) <= 4 else "")

    if phone is not None:
        params.update(phone=phone, phone_tail="%" + phone)
    ident = q.upper() if re.fullmatch(r"[0-9Xx]{4,18}", q) else None  # an ID number or a part of it
    if ident is not None:
        params["ident"] = _like(ident)

    def ident_cond(column: str) -> str:
        return "" if ident is None else f" OR {column} LIKE :ident ESCAPE '\\'"

    found = 0  # how many match in all (counted only when a table has more than `limit`)

    def rows(sql: str, **conds: str) -> list:
        nonlocal found
        sql = sql.format(**conds)
        out = sql_rows(src, sql, params)
        if len(out) < limit:
            found += len(out)
        else:
            where = sql[: sql.index(" ORDER BY ")]
            found += sql_rows(src, f"SELECT COUNT(*) FROM ({where}) AS matched", params)[0][0]
        return out

    complaints = rows(_COMPLAINTS, phone=phone_cond("phone"))
    callbacks = rows(_CALLBACKS, phone=phone_cond("phone"))
    claims = rows(_CLAIMS, phone=phone_cond("reporter_phone"), ident=ident_cond("insured_id"))
    requests = rows(_REQUESTS, phone=phone_cond("phone"))
    policies = rows(_POLICIES, phone=phone_cond("phone"), ident=ident_cond("insured_id"))
    items = [
        {
            "case_type": "complaint", "id": cid, "status": status, "name": name, "phone": tel, "policy_no": policy,
            "branch": branch, "handler": handler, "date": when_of(received), "summary": summary,
            "voided": voided is not None,
        }
        for cid, status, name, tel, policy, branch, handler, received, summary, voided in complaints
    ] + [
        {
            "case_type": "callback", "id": cid, "status": status, "name": name, "phone": tel, "policy_no": policy,
            "branch": branch, "handler": handler, "date": when_of(registered or created),
            "summary": label(cb.KINDS, kind) + "回访", "voided": voided is not None,
        }
        for cid, status, name, tel, policy, branch, handler, registered, created, kind, voided in callbacks
    ] + _after_sales_items(claims, requests, policies, as_of)  # fmt: skip
    past = past_of(src, as_of)
    if past is not None:  # the matches as they stood (more may have been left out by the tables' limit)
        found = len(items := _as_they_stood(past, items))
    items.sort(key=lambda i: (i["date"], i["id"]), reverse=True)
    items = items[:limit]
    nxt = {
        case_type: next_running(src, case_type, [i["id"] for i in items if i["case_type"] == case_type], as_of, past)
        for case_type in ("complaint", "callback", "claim")
    }
    for i in items:
        i["next_deadline"] = nxt.get(i["case_type"], {}).get(i["id"])
    return {"query": q, "as_of": as_of, "count": len(items), "more": max(0, found - len(items)), "items": items}


def _as_they_stood(past, items: list[dict]) -> list[dict]:
    """The cases among `items` as they stood at the end of the past as-of day (services/past.py):
    their status, branch, handler and void from the fold of their events then; a case registered
    later left out. Register policies are kept as they are (their status is the as-of day's)."""
    folds = {
        case_type: past.folds(case_type, [i["id"] for i in items if i["case_type"] == case_type])
        for case_type in ("complaint", "callback", "claim", "request")
    }
    out = []
    for i in items:
        if i["case_type"] not in folds:
            out.append(i)
            continue
        was = folds[i["case_type"]].get(i["id"])
        if was is None:
            continue
        i |= {k: was[k] for k in ("status", "branch", "handler") if k in was}
        if "voided_at" in was:
            i["voided"] = was["voided_at"] is not None
        out.append(i)
    return out


def _after_sales_items(claims, requests, policies, as_of: dt.date) -> list[dict]:
    """Claim reports, service requests and register policies (rows of `search`'s queries) as
    search items (same keys, plus `id_number` — the insured's, masked on output — and `holder`
    for policies)."""
    from ..domain import requests as rq

    out = []
    for (
        cid,
        status,
        insured,
        tel,
        policy,
        branch,
        handler,
        reported,
        incident,
        cause,
        major,
        voided,
        insured_id,
    ) in claims:
        out.append({
            "case_type": "claim", "id": cid, "status": status, "name": insured, "phone": tel, "policy_no": policy,
            "branch": branch, "handler": handler, "date": when_of(reported),
            "summary": f"出险 {when_of(incident):%Y-%m-%d}" + (f" {cause}" if cause else "") + (" 重大案件" if major else ""),
            "voided": voided is not None, "id_number": insured_id,
        })  # fmt: skip
    for rid, status, name, tel, policy, branch, handler, received, type_, reason, content, voided in requests:
        out.append({
            "case_type": "request", "id": rid, "status": status, "name": name, "phone": tel, "policy_no": policy,
            "branch": branch, "handler": handler, "date": when_of(received),
            "summary": label(rq.REQUEST_TYPES, type_)
            + (f"({label(rq.SURRENDER_REASONS, reason)})" if reason else f": {content or ''}"[:40]),
            "voided": voided is not None,
        })  # fmt: skip
    for policy, insured, tel, branch, handler, start_day, end_day, created, product, insured_id, holder in policies:
        start_day, end_day = (None if v is None else day_of(v) for v in (start_day, end_day))
        start = dt.datetime.combine(start_day, dt.time()) if start_day else when_of(created)
        if start_day is None and end_day is None:
            status = "unknown"
        elif start_day and as_of < start_day:
            status = "not_started"
        elif end_day and as_of > end_day:
            status = "expired"
        else:
            status = "in_force"
        out.append(
            {
                # the insured, or the holder where the register names no separate insured
                "case_type": "policy", "id": policy, "status": status, "name": insured or holder, "phone": tel,
                "policy_no": policy, "branch": branch, "handler": handler, "date": start,
                "summary": f"{product} {start_day or '-'} 至 {end_day or '-'}", "voided": False,
                "id_number": insured_id, "holder": holder,
            }
        )  # fmt: skip
    return out


POLICY_STATUS_ZH = {"in_force": "保险期间内", "expired": "已满期", "not_started": "尚未生效", "unknown": "期间未登记"}
