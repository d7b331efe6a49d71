"""Benchmark of the working-day engine against the naive loop, measured in the same run.

    .venv/bin/python bench/bench_calendar.py [--quick]

Figures (median of repeated runs, time.perf_counter):
  (a) naive "add 10 working days": step day by day asking chinese_calendar.is_workday
  (b) WorkCalendar.add_workdays_date, per call            target ≤ 2 µs
  (b') WorkCalendar.add_workdays (with the provisional flag), per call
  (c) WorkCalendar.count_workdays, per call
  (d) WorkCalendar.add_workdays_many over 1,000,000 deadlines   target < 3 s
  (e) one-time construction of WorkCalendar (tables for 2000–2099)
Each per-call figure is also given as a ratio against (a): how many times faster.
Start dates are drawn (fixed seed) from 2004–2026 so the naive loop never meets a year
chinese-calendar does not know.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import chinese_calendar  # noqa: E402

from kefu_cli.domain.calendar import WorkCalendar  # noqa: E402
from kefu_cli.domain.official_days import NOTICE_ERRATA, official_data  # noqa: E402

N_WORKDAYS = 10
TARGET_CALL_US = 2.0
TARGET_BATCH_S = 3.0


def median_time(fn, repeats: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), runs


def naive_add(d: dt.date, n: int) -> dt.date:
    one = dt.timedelta(days=1)
    while n > 0:
        d += one
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer calls and repeats (a smoke run)")
    args = ap.parse_args()
    scale = 10 if args.quick else 1
    repeats = 3 if args.quick else 7

    rng = random.Random(20261121)
    lo, hi = dt.date(2004, 1, 1).toordinal(), dt.date(2026, 10, 31).toordinal()
    starts = [dt.date.fromordinal(rng.randint(lo, hi)) for _ in range(200_000 // scale)]
    ends = [dt.date.fromordinal(rng.randint(lo, hi)) for _ in range(len(starts))]
    naive_starts = starts[: 2_000 // scale]

    # (e) construction: the tables themselves (official data already loaded), and the first
    # build in a process including reading chinese-calendar's data.
    t0 = time.perf_counter()
    rest, makeup, years = official_data()
    cal = WorkCalendar(rest, makeup, years)
    first_build = time.perf_counter() - t0
    build, _ = median_time(lambda: WorkCalendar(rest, makeup, years), repeats)

    # Both answer the same (checked, so the benchmark cannot measure a wrong engine fast),
    # except across a day the engine corrects from the State Council notice.
    for d in naive_starts[:500]:
        due = cal.add_workdays_date(d, N_WORKDAYS)
        if not any(d < e <= due for e in NOTICE_ERRATA):
            assert due == naive_add(d, N_WORKDAYS), d

    # (a) naive loop
    def run_naive():
        for d in naive_starts:
            naive_add(d, N_WORKDAYS)

    naive, _ = median_time(run_naive, repeats)
    naive_us = naive / len(naive_starts) * 1e6

    # (b) scalar add, (b') with the provisional flag, (c) count
    add = cal.add_workdays_date

    def run_add():
        for d in starts:
            add(d, N_WORKDAYS)

    add_full = cal.add_workdays

    def run_add_full():
        for d in starts:
            add_full(d, N_WORKDAYS)

    count = cal.count_workdays

    def run_count():
        for a, b in zip(starts, ends, strict=True):
            count(a, b)

    # The bare loop over the same list, to show what part of a per-call figure is the loop.
    def run_empty():
        for _d in starts:
            pass

    add_s, _ = median_time(run_add, repeats)
    add_full_s, _ = median_time(run_add_full, repeats)
    count_s, _ = median_time(run_count, repeats)
    empty_s, _ = median_time(run_empty, repeats)
    add_us = add_s / len(starts) * 1e6
    add_full_us = add_full_s / len(starts) * 1e6
    count_us = count_s / len(starts) * 1e6
    empty_us = empty_s / len(starts) * 1e6

    # (d) batch over 1,000,000 deadlines (mixed N as in a recompute: 5/10/15/30 working days)
    batch_n = 1_000_000 // scale
    batch_starts = [starts[i % len(starts)] for i in range(batch_n)]
    batch_ns = [(5, 10, 15, 30)[i % 4] for i in range(batch_n)]
    batch_s, batch_runs = median_time(lambda: cal.add_workdays_many(batch_starts, batch_ns), max(3, repeats // 2))
    sample = rng.sample(range(batch_n), 1000)
    out = cal.add_workdays_many(batch_starts, batch_ns)
    assert all(out[i] == add(batch_starts[i], batch_ns[i]) for i in sample)
    batch_per_us = batch_s / batch_n * 1e6

    print(f"kefu working-day engine benchmark — Python {platform.python_version()} on {platform.machine()}")
    print(f"median of {repeats} runs; {len(starts):,} calls per run ({len(naive_starts):,} for the naive loop)")
    print()
    rows = [
        ("(a) naive loop, chinese_calendar.is_workday", f"{naive_us:10.2f} µs/call", "1.0x (baseline)"),
        ("(b) add_workdays_date", f"{add_us:10.3f} µs/call", f"{naive_us / add_us:,.0f}x faster"),
        (
            "(b') add_workdays (+ provisional flag)",
            f"{add_full_us:10.3f} µs/call",
            f"{naive_us / add_full_us:,.0f}x faster",
        ),
        ("(c) count_workdays", f"{count_us:10.3f} µs/call", f"{naive_us / count_us:,.0f}x faster"),
        (
            f"(d) add_workdays_many, {batch_n:,} deadlines",
            f"{batch_s:10.3f} s total",
            f"{batch_per_us:.3f} µs each, {naive_us / batch_per_us:,.0f}x faster",
        ),
        (
            "(e) WorkCalendar construction",
            f"{build * 1e3:10.1f} ms",
            f"first build incl. data: {first_build * 1e3:.1f} ms",
        ),
        ("    (empty loop over the same list)", f"{empty_us:10.3f} µs/iter", "included in (b)/(b')/(c)"),
    ]
    w = max(len(r[0]) for r in rows)
    for name, fig, ratio in rows:
        print(f"{name:<{w}}  {fig}   {ratio}")
    print()
    ok_call = add_us <= TARGET_CALL_US
    ok_batch = batch_s * (1_000_000 / batch_n) < TARGET_BATCH_S
    print(f"target (b) ≤ {TARGET_CALL_US} µs per add: {'met' if ok_call else 'MISSED'} ({add_us:.3f} µs)")
    print(
        f"target (d) < {TARGET_BATCH_S} s per 1,000,000: {'met' if ok_batch else 'MISSED'}"
        f" ({batch_s * (1_000_000 / batch_n):.3f} s{', scaled from --quick' if args.quick else ''};"
        f" runs {', '.join(f'{r:.3f}' for r in batch_runs)})"
    )
    return 0 if ok_call and ok_batch else 1


if __name__ == "__main__":
    raise SystemExit(main())
