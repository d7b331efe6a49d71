"""Wall time of `kefu complaint add … --json` as a user runs it, against a bare import baseline.

    .venv/bin/python bench/bench_complaint_add.py [--runs N]

Figures (median of N runs of a fresh OS process each, time.perf_counter around subprocess.run):
  (0) python -c "pass"                      interpreter start-up
  (1) python -c "import sqlmodel"           the baseline the issue names
  (2) kefu --help                           the root command (must not import the database stack)
  (3) kefu complaint add … --json           on an existing database, one complaint per run
  (4) kefu workday add 2026-09-30 10 --json a light command for comparison
Ratios are given against (1), measured in this same run. Target: (3) well under 1 s.
Also lists the heavy modules `kefu --help` imports (should be none of sqlmodel/sqlalchemy/alembic).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 1.0
HEAVY = ("sqlmodel", "sqlalchemy", "alembic", "pydantic", "chinese_calendar")


def kefu_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("kefu")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("kefu")
    return [found] if found else [sys.executable, "-m", "kefu_cli"]


def timed(cmd: list[str], runs: int, env: dict, vary=None) -> list[float]:
    out = []
    for i in range(runs):
        c = vary(cmd, i) if vary else cmd
        t = time.perf_counter()
        r = subprocess.run(c, env=env, capture_output=True, text=True)
        out.append(time.perf_counter() - t)
        if r.returncode != 0:
            raise SystemExit(f"command failed ({r.returncode}): {' '.join(c)}\n{r.stderr}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    kefu = kefu_cmd()
    tmp = Path(tempfile.mkdtemp(prefix="kefu-bench-"))
    db = str(tmp / "bench.sqlite")
    env = {**os.environ, "KEFU_CLERK": "bench", "PYTHONIOENCODING": "utf-8"}
    env.pop("KEFU_DB", None)
    subprocess.run([*kefu, "--db", db, "db", "init"], env=env, check=True, capture_output=True)

    def add_args(cmd, i):
        return [
            *cmd, "--db", db, "complaint", "add", "--received", "2026-11-20T09:30", "--channel", "电话",
            "--category", "理赔", "--name", "张三", "--phone", f"1381234{i:04d}", "--policy", f"P{i}", "--json",
        ]  # fmt: skip

    figures = {
        "(0) python -c pass": timed([sys.executable, "-c", "pass"], args.runs, env),
        "(1) python -c 'import sqlmodel'": timed([sys.executable, "-c", "import sqlmodel"], args.runs, env),
        "(2) kefu --help": timed([*kefu, "--help"], args.runs, env),
        "(3) kefu complaint add --json": timed(kefu, args.runs, env, vary=add_args),
        "(4) kefu workday add --json": timed(
            [*kefu, "--db", db, "workday", "add", "2026-09-30", "10", "--json"], args.runs, env
        ),
    }
    base = statistics.median(figures["(1) python -c 'import sqlmodel'"])
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, {args.runs} runs each")
    print(f"{'command':38} {'median':>9} {'min':>9} {'max':>9}  ratio vs (1)")
    for name, ts in figures.items():
        med = statistics.median(ts)
        print(f"{name:38} {med * 1000:7.0f}ms {min(ts) * 1000:7.0f}ms {max(ts) * 1000:7.0f}ms  {med / base:5.2f}x")
    add_med = statistics.median(figures["(3) kefu complaint add --json"])
    verdict = "OK" if add_med < TARGET_S else "OVER TARGET"
    print(f"complaint add median {add_med * 1000:.0f} ms against the {TARGET_S * 1000:.0f} ms target: {verdict}")

    probe = (
        "import sys; sys.argv=['kefu','--help']\n"
        "from kefu_cli.cli.app import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    heavy = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    print(f"heavy modules imported by `kefu --help`: {heavy or 'none'}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
