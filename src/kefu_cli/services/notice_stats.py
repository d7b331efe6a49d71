"""The notices of `kefu report stats`: written notices issued for the complaints of the period, how
they went out and whether their proof of telling is kept (2020 rule Art. 21), as SQL text on either
report source (services/stats.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from ..domain import notices as nd
from .report_source import sql_rows


def notice_stats(src, where: str, params: dict, until: dt.datetime | None) -> dict:
    """{issued, proven, unproven, by_via: [{via, label, issued, proven, unproven}]} over the
    notices issued (by `until` when given) of the complaints `where` selects (every via listed,
    zeros included; a via no longer in the table after them)."""
    sql = (
        "SELECT details FROM audit_event AS e WHERE entity = 'complaint' AND action = 'notice'"
        # each notice's complaint checked by its key (not the list of every complaint of the span)
        f" AND EXISTS (SELECT 1 FROM complaint WHERE id = e.entity_id AND {where})"  # noqa: S608 - kefu's own SQL text
        + (" AND at < :until" if until is not None else "")
    )
    issued: Counter = Counter()
    proven: Counter = Counter()
    for (details,) in sql_rows(src, sql, {**params, **({"until": until} if until is not None else {})}):
        state = nd.proof_state(json.loads(details or "{}"))
        issued[state["via"]] += 1
        proven[state["via"]] += state["proven"]
    vias = [*nd.VIAS, *sorted(v for v in issued if v not in nd.VIAS)]
    by_via = [
        {
            "via": v,
            "label": nd.via_label(v),
            "issued": issued[v],
            "proven": proven[v],
            "unproven": issued[v] - proven[v],
        }
        for v in vias
    ]
    total, ok = sum(issued.values()), sum(proven.values())
    return {"issued": total, "proven": ok, "unproven": total - ok, "by_via": by_via}
