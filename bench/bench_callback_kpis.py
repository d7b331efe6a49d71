"""Benchmark of `callback_kpis` (one GROUP BY) against a per-row Python loop, same run.

    .venv/bin/python bench/bench_callback_kpis.py [--rows N]

Builds a temporary SQLite database with N callbacks (default 50,000) and their deadline
rows, bulk-inserted (fixed seed), then times (median of 5):
  (a) baseline: load every callback and its callback deadline into Python, count per group;
  (b) services.stats.callback_kpis for the same period.
Both must give the same totals (checked), and the ratio a/b is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlmodel import select  # noqa: E402

from kefu_cli.domain import callback as cb  # noqa: E402
from kefu_cli.services.context import unit_of_work  # noqa: E402
from kefu_cli.services.stats import callback_kpis  # noqa: E402
from kefu_cli.store.callback_models import Callback  # noqa: E402
from kefu_cli.store.models import Deadline  # noqa: E402

FROM, TO = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def build(db: str, n: int) -> None:
    rnd = random.Random(42)
    now = dt.datetime(2026, 1, 1)
    with unit_of_work(db, clerk="bench", at=now) as uow:
        conn = uow.session.connection()
        cbs, dls = [], []
        for i in range(n):
            due = dt.date(2025, 12, 1) + dt.timedelta(days=rnd.randrange(430))
            status = rnd.choices(["success", "refused", "cancelled", "unreachable", "open"], [80, 5, 5, 3, 7])[0]
            ended = (
                dt.datetime.combine(due + dt.timedelta(days=rnd.randrange(-10, 3)), dt.time(10))
                if status != "open"
                else None
            )
            cid = f"HF-B-{i:07d}"
            cbs.append(
                dict(
                    id=cid,
                    kind=rnd.choice(["new_policy", "claim", "satisfaction"]),
                    name="x",
                    phone="13900000000",
                    policy_no="",
                    product="",
                    branch=f"B{rnd.randrange(20)}",
                    handler=f"H{rnd.randrange(200)}",
                    due=due,
                    status=status,
                    ended_at=ended,
                    outcome_method=rnd.choices(["electronic", "phone", "letter", "visit"], [50, 40, 5, 5])[0]
                    if ended
                    else None,
                    created_at=now,
                    created_by="bench",
                    updated_at=now,
                )
            )
            dls.append(
                dict(
                    case_type="callback",
                    case_id=cid,
                    kind="callback",
                    rule="fixed",
                    unit="days",
                    amount=0,
                    extra_workdays=0,
                    start_at=now,
                    due=due,
                    due_at=dt.datetime.combine(due, dt.time(23, 59, 59)),
                    provisional=False,
                    basis="",
                    status="open" if status == "open" else "met",
                    met_at=ended,
                    branch="",
                    handler="",
                    created_at=now,
                    updated_at=now,
                )
            )
        conn.execute(Callback.__table__.insert(), cbs)
        conn.execute(Deadline.__table__.insert(), dls)


def baseline(uow) -> cb.KpiCounts:
    dues = {
        d.case_id: d.due_at
        for d in uow.session.exec(select(Deadline).where(Deadline.case_type == "callback", Deadline.kind == "callback"))
    }
    total = cb.KpiCounts()
    for c in uow.session.exec(select(Callback)):
        if not FROM <= c.due <= TO:
            continue
        s = c.status == "success"
        ontime = s and c.ended_at <= dues[c.id]
        new = c.kind == "new_policy"
        total = total + cb.KpiCounts(
            1,
            s,
            c.status == "refused",
            c.status == "cancelled",
            c.status == "unreachable",
            c.status == "open",
            s and c.outcome_method in ("letter", "visit"),
            ontime,
            s and new,
            ontime and new,
        )
    return total


def median(fn, repeats=5):
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    n = ap.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite")
        from kefu_cli.services.database import init

        init(db)  # kefu never creates a database silently
        t = time.perf_counter()
        build(db, n)
        print(f"built {n:,} callbacks in {time.perf_counter() - t:.2f} s")
        with unit_of_work(db, write=False) as uow:
            a, base = median(lambda: baseline(uow))
            uow.session.expunge_all()
            b, k = median(lambda: callback_kpis(uow, FROM, TO))
        assert (k["due"], k["success"], k["on_time"], k["letter_visit"]) == (
            base.due,
            base.success,
            base.on_time,
            base.letter_visit,
        ), "the two methods disagree"
        print(f"(a) Python loop over rows : {a * 1000:9.1f} ms")
        print(f"(b) callback_kpis GROUP BY: {b * 1000:9.1f} ms   ({len(k['by_handler'])} branch/handler groups)")
        print(f"ratio a/b: {a / b:.1f}x   due={k['due']:,} success_rate={k['success_rate']}%")


if __name__ == "__main__":
    main()
