"""Words the case commands share: a deadline kind, a case's status, a timeline row of a deadline,
and the masking of personal data in after-sales views (claims, requests, policies)."""

from __future__ import annotations

from typing import Any

CASE_ZH = {"complaint": "投诉", "callback": "回访", "claim": "理赔报案", "request": "保全请求"}


def kind_zh(kind: str) -> str:
    """A deadline kind in Chinese ("all": every kind); an unknown code as it is."""
    from ..domain.deadlines import DEADLINE_KIND_ZH, DeadlineKind

    if kind == "all":
        return "全部期限"
    return DEADLINE_KIND_ZH[DeadlineKind(kind)] if kind in set(DeadlineKind) else kind


def status_zh(case_type: str, status: str) -> str:
    """A case's status in Chinese, for its case type."""
    from ..domain.codes import label

    if case_type == "complaint":
        from ..domain.complaint import STATUS_ZH, Status

        return STATUS_ZH[Status(status)]
    if case_type == "claim":
        from ..domain.claims import STATUS_ZH, Status

        return STATUS_ZH[Status(status)]
    if case_type == "request":
        from ..domain.requests import REQUEST_STATUSES

        return label(REQUEST_STATUSES, status)
    from ..domain import callback as cb

    return label(cb.STATUSES, status)


def deadline_event(e: dict) -> tuple[str, str, str, str]:
    """(what, action, from, to) of a timeline event of one of a case's deadlines."""
    from ..domain.deadlines import DEADLINE_EVENT_ZH, state_zh

    d = e["details"]

    def word(s):
        try:
            return state_zh(s, bool(d.get("late"))) if s else ""
        except ValueError:
            return s

    # a recompute written by a correction says so (the others follow a calendar change)
    key = "correct" if e["action"] == "recompute" and d.get("start_after") else e["action"]
    before, after = word(e["from_status"]), word(e["to_status"])
    return kind_zh(d.get("kind", "")) or "期限", DEADLINE_EVENT_ZH.get(key, e["action"]), before, after


def shown_events(events: list[dict], all_: bool) -> list[dict]:
    """A case's timeline as `show` prints it: its steps; the clock rows (the changes of its
    deadlines, entity `deadline`) only with --all."""
    return events if all_ else [e for e in events if e["entity"] != "deadline"]


def shown_deadlines(deadlines: list[dict], all_: bool) -> list[dict]:
    """A case's deadlines as `show` prints them: replaced (superseded) ones only with --all."""
    return deadlines if all_ else [d for d in deadlines if d["status"] != "superseded"]


def next_text(step: dict) -> str:
    """The 下一步 line every `show` ends with (domain/next_step.py `Step.line`)."""
    return f"下一步: {step['text']}" + (f"({step['command']})" if step["command"] else "")


def after_sales_label(table: str, code: str | None) -> str:
    """A code of one of domain/claims.py's or domain/requests.py's tables (claim types, results,
    request statuses …) in Chinese."""
    from ..domain import claims as cl
    from ..domain import requests as rq
    from ..domain.codes import label

    return label(getattr(rq, table, None) or getattr(cl, table), code) if code else ""


# Personal data in a claim's, request's or policy's JSON and its events: masked unless --unmask.
NAME_KEYS = frozenset({"name", "holder", "insured_name", "reporter_name", "applicant_name"})
PHONE_KEYS = frozenset({"phone", "reporter_phone", "applicant_phone"})
ID_KEYS = frozenset({"insured_id", "id_number"})
ADDRESS_KEYS = frozenset({"reporter_address"})


def mask_after_sales(data: Any) -> Any:
    """A copy of `data` (a claim, request or policy view, a list, an event's details) with names,
    phones, ID numbers and addresses masked, at any depth."""
    from ..domain.claim_checks import mask_id_number
    from ..render.output import mask_name, mask_phone

    if isinstance(data, list):
        return [mask_after_sales(x) for x in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for k, v in data.items():
        if isinstance(v, str) and v:
            if k in NAME_KEYS:
                v = mask_name(v)
            elif k in PHONE_KEYS:
                v = mask_phone(v)
            elif k in ID_KEYS:
                v = mask_id_number(v)
            elif k in ADDRESS_KEYS:
                v = v[:6] + "****" if len(v) > 6 else "****"
        elif isinstance(v, dict | list):
            v = mask_after_sales(v)
        out[k] = v
    return out


def mask_personal(data: dict, unmask: bool) -> dict:
    """Names and phones masked (the case's own and those in its events' details) unless `unmask`."""
    if unmask:
        return data
    from ..render.output import mask_personal as mask

    return mask(data)


def due_mark(v: dict) -> str:
    """[临时] when a callback's due date is provisional (its callback deadline says so)."""
    own = [d for d in v["deadlines"] if d["kind"] == "callback" and d["due"] == v["due"]]
    return " [临时]" if any(d["provisional"] for d in own) else ""
