"""Every performance figure of issue 12 in one run, each beside its baseline measured in the
same run, as one table.

    bench/run            # the real sizes: 1,000,000 complaints (about 5 minutes the first time)
    bench/run --quick    # 100,000 complaints, fewer runs: a quick look, targets indicative

How: every figure is a whole command in a fresh OS process, as a clerk or a cron job runs it
(start-up included), timed with time.perf_counter around the process and its peak memory from
the kernel's accounting of it (os.wait4 → ru_maxrss). A figure and its baseline run in turn,
A B A B …, after one warm-up each; the table gives the medians, and for a ratio the median of
the pair-by-pair ratios, so that a change of the machine's speed during the run (a shared
machine) touches both alike. kefu's own modules are byte-compiled first, as `pip install`
does (this environment may set PYTHONDONTWRITEBYTECODE).

Databases: the report figures read the database of bench/bench_reports.py (1,000,000
complaints and 100,000 callbacks, built with INSERT … SELECT), cached under the temp folder,
keyed by schema version and by the builder's source (`--rebuild` to build afresh): one with
the builder's default data (about 59,000 deadlines open), one with about 108,000 open for the
memory figure. The command figures use a fresh file (`db init`) and the demo database.
The import figure is bench/bench_import.py's last line, when that script is there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))

PY = sys.executable


def kefu_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("kefu")
    return [str(exe)] if exe.exists() else [PY, "-m", "kefu_cli"]


KEFU = kefu_cmd()
ENV = {**os.environ, "KEFU_CLERK": "bench", "CI": "true", "PYTHONPATH": str(ROOT / "src")}
ENV.pop("KEFU_DB", None)


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    peak_mb: float
    code: int


def run_once(argv: list[str]) -> Run:
    t = time.perf_counter()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    err = p.stderr.read() if p.stderr else b""
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"command failed ({code}): {' '.join(argv)}\n{err.decode('utf-8', 'replace')}")
    return Run(wall, usage.ru_maxrss / 1024, code)


@dataclass
class Pair:
    a: list[Run]
    b: list[Run]

    @property
    def a_wall(self) -> float:
        return statistics.median(r.wall for r in self.a)

    @property
    def b_wall(self) -> float:
        return statistics.median(r.wall for r in self.b)

    @property
    def ratio(self) -> float:
        return statistics.median(x.wall / y.wall for x, y in zip(self.a, self.b, strict=True))

    @property
    def a_peak(self) -> float:
        return max(r.peak_mb for r in self.a)

    @property
    def b_peak(self) -> float:
        return max(r.peak_mb for r in self.b)


def compare(a, b, runs: int) -> Pair:
    """`a` and `b` (argv lists, or functions of the run number giving one) in turn."""

    def argv(x, i):
        return x(i) if callable(x) else x

    run_once(argv(a, -1)), run_once(argv(b, -1))  # warm-up: page cache, byte code
    pair = Pair([], [])
    for i in range(runs):
        pair.a.append(run_once(argv(a, i)))
        pair.b.append(run_once(argv(b, i)))
    return pair


# --- the databases ------------------------------------------------------------------------------


def cache_folder() -> Path:
    from kefu_cli.store.schema import SCHEMA_HEAD

    builder = hashlib.sha256((BENCH / "bench_reports.py").read_bytes()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / "kefu-bench-cache" / f"schema-{SCHEMA_HEAD}-{builder}"


def report_db(cases: int, open_from: str | None, rebuild: bool) -> Path:
    import bench_reports

    folder = cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"reports-{cases}-{open_from or 'default'}.sqlite"
    if path.exists() and not rebuild:
        return path
    for p in folder.glob(path.name + "*"):
        p.unlink()
    part = path.with_name(path.name + ".part")
    for p in folder.glob(part.name + "*"):
        p.unlink()
    print(f"building {path} ({cases:,} complaints) …", file=sys.stderr, flush=True)
    took = bench_reports.build(part, cases, **({"open_from": open_from} if open_from else {}))
    from kefu_cli.store import schema as store_schema

    store_schema.release("sqlite:///" + str(part))
    part.rename(path)
    print(f"built in {took:.0f} s", file=sys.stderr, flush=True)
    return path


def count_open(path: Path) -> int:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM deadline WHERE status IN ('open', 'paused')").fetchone()[0]
    finally:
        con.close()


# --- the table ----------------------------------------------------------------------------------

ROWS: list[tuple[str, str, str, str, str]] = []


def row(figure: str, measured: str, baseline: str, against: str, ok: bool | None) -> None:
    verdict = "—" if ok is None else ("PASS" if ok else "FAIL")
    ROWS.append((figure, measured, baseline, against, verdict))
    print(f"  {figure}: {measured} | {baseline} | {against} | {verdict}", file=sys.stderr, flush=True)


def secs(x: float) -> str:
    return f"{x:.3f} s"


def ratio_row(figure: str, pair: Pair, base: str, limit: float) -> None:
    row(
        figure,
        secs(pair.a_wall),
        f"{secs(pair.b_wall)} {base}",
        f"{pair.ratio:.2f}× (≤ {limit:.2f}×)",
        pair.ratio <= limit,
    )


def absolute_row(figure: str, pair: Pair, base: str, limit: float) -> None:
    """A target in seconds; the ratio to the baseline beside it says how busy the machine was."""
    row(
        figure,
        secs(pair.a_wall),
        f"{secs(pair.b_wall)} {base}",
        f"{pair.ratio:.2f}× of it; < {limit:.2f} s",
        pair.a_wall < limit,
    )


def print_table(header: list[str]) -> None:
    titles = ("figure", "measured (median)", "baseline, same run (median)", "ratio / target", "result")
    widths = [max(_width(r[i]) for r in [titles, *ROWS]) for i in range(5)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    print()
    for h in header:
        print(h)
    print(line)
    print("| " + " | ".join(_pad(t, w) for t, w in zip(titles, widths, strict=True)) + " |")
    print(line)
    for r in ROWS:
        print("| " + " | ".join(_pad(t, w) for t, w in zip(r, widths, strict=True)) + " |")
    print(line)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# --- the figures --------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="100,000 complaints and 3 runs: a quick look")
    ap.add_argument("--runs", type=int, help="counted runs of each command (default 7; 3 with --quick)")
    ap.add_argument("--rebuild", action="store_true", help="build the cached report databases afresh")
    ap.add_argument(
        "--against", metavar="REF", help="time the import of commit REF's code too, in turn (issue 19: ≥ 2× it)"
    )
    ap.add_argument("--only", choices=("commands", "reports", "import"), help="one group of figures only")
    args = ap.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    cases = 100_000 if args.quick else 1_000_000

    subprocess.run(
        [PY, "-m", "compileall", "-q", str(ROOT / "src" / "kefu_cli")], check=True, stdout=subprocess.DEVNULL
    )
    work = Path(tempfile.mkdtemp(prefix="kefu-bench-run-"))
    try:
        bench(work, runs, cases, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench(work: Path, runs: int, cases: int, args) -> None:
    pass_ = [PY, "-c", "pass"]
    sqlmodel = [PY, "-c", "import sqlmodel"]

    if args.only in (None, "commands"):
        # -- commands against `python -c "import sqlmodel"` (the database stack alone)
        fresh = str(work / "fresh.sqlite")
        subprocess.run([*KEFU, "--db", fresh, "db", "init"], env=ENV, check=True, capture_output=True)

        def add(i: int) -> list[str]:
            return [
                *KEFU, "--db", fresh, "complaint", "add", "--received", "2026-11-20T09:30", "--channel", "电话",
                "--category", "理赔", "--name", "张三", "--phone", f"1391234{i + 1:04d}", "--policy", f"P{i + 1}", "--json",
            ]  # fmt: skip

        print("commands …", file=sys.stderr, flush=True)
        ratio_row("kefu complaint add --json (fresh file)", compare(add, sqlmodel, runs), "import sqlmodel", 1.3)
        demo = str(work / "demo.sqlite")
        subprocess.run([*KEFU, "demo", "--to", demo], env=ENV, check=True, capture_output=True)
        ratio_row(
            "kefu complaint list --json (demo)",
            compare([*KEFU, "--db", demo, "complaint", "list", "--json"], sqlmodel, runs),
            "import sqlmodel",
            1.3,
        )
        ratio_row(
            "kefu report deadlines --json (demo)",
            compare([*KEFU, "--db", demo, "report", "deadlines", "--json"], sqlmodel, runs),
            "import sqlmodel",
            1.3,
        )

        every_command(demo, sqlmodel, max(3, runs - 2))

        # -- commands that need no database stack, against `python -c pass` (the interpreter alone)
        absolute_row(
            "kefu workday add --json",
            compare([*KEFU, "--db", demo, "workday", "add", "2026-09-30", "10", "--json"], pass_, runs),
            "python -c pass",
            0.3,
        )
        absolute_row("kefu --help", compare([*KEFU, "--help"], pass_, runs), "python -c pass", 0.3)
        absolute_row(
            "kefu policy list (table)",
            compare([*KEFU, "--db", demo, "policy", "list"], pass_, runs),
            "python -c pass",
            0.3,
        )

    if args.only in (None, "reports"):
        # -- reports over the big database
        big = report_db(cases, None, args.rebuild)
        n_open = count_open(big)
        size = f"{cases // 1000:,}k cases" if cases < 1_000_000 else f"{cases / 1e6:g}M cases"
        fetch = [
            PY, "-c",
            "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute(\"SELECT * FROM deadline"
            " WHERE status IN ('open', 'paused')\").fetchall()",
            str(big),
        ]  # fmt: skip
        print("reports …", file=sys.stderr, flush=True)
        pair = compare([*KEFU, "--db", str(big), "report", "deadlines", "--json"], fetch, runs)
        absolute_row(
            f"report deadlines --json, {size}, whole company ({n_open:,} open)", pair, "sqlite3 fetch of them", 1.0
        )
        # today's figures (the rows as they stand): an earlier --as-of would fold the audit events,
        # which the built database does not have
        from kefu_cli.services.clock import today as today_cst

        today = str(today_cst())
        stats = [*KEFU, "--db", str(big), "report", "stats", "--from", "2026-09-01", "--to", "2026-09-30"]
        pair = compare([*stats, "--as-of", today, "--json"], sqlmodel, runs)
        absolute_row(f"report stats --json, {size}, one month (2026-09)", pair, "import sqlmodel", 1.0)
        everything = [*KEFU, "--db", str(big), "report", "stats", "--from", "2025-01-01", "--to", "2026-11-01"]
        pair = compare([*everything, "--as-of", today, "--json"], sqlmodel, max(3, runs // 2))
        absolute_row(f"report stats --json, {size}, all 22 months", pair, "import sqlmodel", 1.0)  # issue 19

        many = report_db(cases, "2026-07-25" if cases >= 1_000_000 else "2026-01-01", args.rebuild)
        n_many = count_open(many)
        fetch_many = [*fetch[:-1], str(many)]
        pair = compare([*KEFU, "--db", str(many), "report", "deadlines", "--json"], fetch_many, runs)
        row(
            f"report deadlines --json, peak memory ({n_many:,} open)",
            f"{pair.a_peak:.0f} MB",
            f"{pair.b_peak:.0f} MB sqlite3 fetch of them",
            "< 200 MB",
            pair.a_peak < 200,
        )
        absolute_row(f"report deadlines --json, {size} ({n_many:,} open)", pair, "sqlite3 fetch of them", 1.0)

    if args.only in (None, "import"):
        # -- import (bench/bench_import.py, another engineer's: run as it is, read its RESULT line)
        script = BENCH / "bench_import.py"
        if script.exists():
            print("import …", file=sys.stderr, flush=True)
            rows_n = 10_000 if args.quick else 100_000
            against = ["--against", args.against, "--runs", str(max(3, runs // 2))] if args.against else []
            argv = [PY, str(script), "--rows", str(rows_n), *against]
            out = subprocess.run(argv, env=ENV, capture_output=True, text=True)
            m = re.search(r"RESULT import_rows_per_s=(\d+) baseline_sqlite_import_rows_per_s=(\d+)", out.stdout)
            if m:
                target = _import_target(script)
                rate, base = int(m[1]), int(m[2])
                row(
                    f"kefu import complaints, rows/s ({rows_n:,} rows)",
                    f"{rate:,}/s",
                    f"{base:,}/s sqlite3 .import",
                    f"≥ {target:,}/s" if target else "(no target)",
                    rate >= target if target else None,
                )
                old = re.search(r"against_rows_per_s=(\d+) speedup=([\d.]+)", out.stdout)
                if old:  # issue 19: the same import by the code of --against, in turn with this one's
                    speedup, least = float(old[2]), _import_target(script, "SPEEDUP") or 2.0
                    row(
                        "  the same import, speed-up over the code of " + args.against,
                        f"{rate:,}/s",
                        f"{int(old[1]):,}/s the code of {args.against}",
                        f"{speedup:.2f}× (≥ {least:.1f}×)",
                        speedup >= least,
                    )
                floor = re.search(r"rows_alone_per_s=(\d+)", out.stdout)
                if floor:  # the same rows and indexes inserted by SQL alone: what no Python work can beat
                    row(
                        "  the import's own rows by SQL alone (floor)",
                        f"{int(floor[1]):,}/s",
                        "executemany, same indexes",
                        f"{int(floor[1]) / target:.2f} of the target" if target else "—",
                        None,
                    )
            else:
                row("kefu import complaints, rows/s", "no RESULT line", "—", "(see stderr)", False)
                print(out.stdout[-2000:], out.stderr[-2000:], file=sys.stderr)

    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    print_table(
        [
            f"kefu bench/run{' --quick' if args.quick else ''} — {dt.datetime.now():%Y-%m-%d %H:%M}, "
            f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {load[0]:.2f} at the end, "
            f"{runs} runs each after a warm-up, wall time of the whole process",
        ]
    )


def _first_id(demo: str, *args: str) -> str:
    import json

    out = subprocess.run([*KEFU, "--db", demo, *args, "--json"], env=ENV, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["items"][0]["id"]


def every_command(demo: str, sqlmodel: list[str], runs: int) -> None:
    """The rest of the commands a clerk runs on a database (the demo), each against
    `python -c "import sqlmodel"` in the same run: reads, and writes that can be repeated."""
    complaint = _first_id(demo, "complaint", "list")
    callback = _first_id(demo, "callback", "list")
    claim = _first_id(demo, "claim", "list")
    out = Path(demo).with_name("out")
    out.mkdir(exist_ok=True)

    def edit(i: int) -> list[str]:
        return [*KEFU, "--db", demo, "complaint", "edit", complaint, "--summary", f"摘要更正 {i + 1}", "--reason",
                "录入有误", "--json"]  # fmt: skip

    request = _first_id(demo, "request", "list")
    # issue 20 item 9: the reads a clerk opens most take no ORM start-up (<= 0.7x import sqlmodel)
    quick = {"complaint show", "callback show", "callback list", "callback list --next", "claim show",
             "request list", "handler list", "notice (preview)"}  # fmt: skip
    commands: list[tuple[str, Any]] = [
        ("complaint show", [*KEFU, "--db", demo, "complaint", "show", complaint, "--json"]),
        ("complaint edit", edit),
        ("callback list", [*KEFU, "--db", demo, "callback", "list", "--json"]),
        ("callback list --next", [*KEFU, "--db", demo, "callback", "list", "--next"]),
        ("callback show", [*KEFU, "--db", demo, "callback", "show", callback, "--json"]),
        ("callback stats", [*KEFU, "--db", demo, "callback", "stats", "--json"]),
        ("claim list", [*KEFU, "--db", demo, "claim", "list", "--json"]),
        ("claim show", [*KEFU, "--db", demo, "claim", "show", claim, "--json"]),
        ("request list", [*KEFU, "--db", demo, "request", "list", "--json"]),
        ("request show", [*KEFU, "--db", demo, "request", "show", request, "--json"]),
        ("today", [*KEFU, "--db", demo, "today", "--handler", "张敏", "--json"]),
        ("search", [*KEFU, "--db", demo, "search", "王", "--json"]),
        ("handler list", [*KEFU, "--db", demo, "handler", "list", "--json"]),
        ("report stats", [*KEFU, "--db", demo, "report", "stats", "--json"]),
        ("export complaints (.csv)", [*KEFU, "--db", demo, "export", "complaints", str(out / "c.csv")]),
        ("export complaints (.xlsx)", [*KEFU, "--db", demo, "export", "complaints", str(out / "c.xlsx")]),
        ("notice (preview)", [*KEFU, "--db", demo, "notice", complaint, "--type", "decision"]),
        ("db check", [*KEFU, "--db", demo, "db", "check", "--json"]),
    ]
    for name, argv in commands:
        limit = 0.7 if name in quick else 1.3
        ratio_row(f"kefu {name} (demo)", compare(argv, sqlmodel, runs), "import sqlmodel", limit)


def _import_target(script: Path, name: str = "TARGET") -> Any:
    spec = importlib.util.spec_from_file_location("bench_import", script)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception:  # noqa: BLE001 - a figure without its target rather than no table
        return None
    return getattr(module, name, None)


if __name__ == "__main__":
    main()
