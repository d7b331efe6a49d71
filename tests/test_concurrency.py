"""Several clerks registering complaints into one SQLite file at the same time.

8 real OS processes × 250 complaints each. Each process runs the real registration service
(`kefu_cli.services.complaints.add`, one unit of work per complaint, exactly what
`kefu complaint add` runs) in a loop — 2,000 CLI start-ups would take minutes on 2 cores.
Alongside them, real `kefu complaint add` console-script invocations run concurrently.
Afterwards: every row there, every number distinct, no "database is locked", db check ok.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

PROCESSES = 8
PER_PROCESS = 250
CLI_RUNS = 8

WORKER = textwrap.dedent(
    """
    import datetime as dt, sys
    from kefu_cli.services import complaints

    db, worker, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    received = dt.datetime(2026, 11, 20, 9, 0)
    for i in range(n):
        complaints.add(
            db, clerk=f"clerk{worker}", at=received,
            channel="phone", category="service", name=f"客户{worker}-{i}",
            phone=f"139{worker:04d}{i:04d}", received=received, branch=f"网点{worker}",
        )
    print("done", worker)
    """
)


def _kefu_command() -> list[str]:
    exe = Path(sys.executable).with_name("kefu")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("kefu")
    return [found] if found else [sys.executable, "-m", "kefu_cli"]


def test_eight_processes_register_into_one_file(tmp_path):
    db = str(tmp_path / "shared.sqlite")
    env = {**os.environ, "KEFU_CLERK": "tester", "PYTHONIOENCODING": "utf-8"}
    env.pop("KEFU_DB", None)
    kefu = _kefu_command()
    subprocess.run([*kefu, "--db", db, "db", "init"], check=True, env=env, capture_output=True)

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db, str(w), str(PER_PROCESS)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(PROCESSES)
    ]
    clis = [
        subprocess.Popen(
            [
                *kefu,
                "--db",
                db,
                "complaint",
                "add",
                "--received",
                "2026-11-20T10:00",
                "--channel",
                "电话",
                "--category",
                "理赔",
                "--name",
                f"现场{i}",
                "--phone",
                f"1370000{i:04d}",
                "--json",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for i in range(CLI_RUNS)
    ]
    results = [(p, *p.communicate(timeout=600)) for p in workers + clis]
    for p, _out, err in results:
        assert "database is locked" not in err, err
        assert p.returncode == 0, err
    cli_ids = [json.loads(out)["id"] for _, out, _ in results[PROCESSES:]]

    total = PROCESSES * PER_PROCESS + CLI_RUNS
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM complaint")]
        per_branch = dict(conn.execute("SELECT branch, count(*) FROM complaint GROUP BY branch"))
        deadlines = conn.execute("SELECT count(*) FROM deadline WHERE case_type = 'complaint'").fetchone()[0]
        registered = conn.execute("SELECT count(*) FROM audit_event WHERE action = 'register'").fetchone()[0]
    assert len(ids) == total
    assert len(set(ids)) == total
    # Numbers are dense per day: TS-20261120-0001 … -2008, no gaps, no repeats.
    assert sorted(ids) == [f"TS-20261120-{i:04d}" for i in range(1, total + 1)]
    assert set(cli_ids) <= set(ids)
    assert all(per_branch[f"网点{w}"] == PER_PROCESS for w in range(PROCESSES))
    # Each complaint started acceptance, decision and initial investigation, and was audited.
    assert deadlines == 3 * total
    assert registered == total

    check = subprocess.run([*kefu, "--db", db, "db", "check", "--json"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout)
    assert report["ok"] is True and report["integrity"] == "ok"
    assert report["rows"]["complaint"] == total
