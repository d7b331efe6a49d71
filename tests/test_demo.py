"""`kefu demo`: the README's first command."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from kefu_cli.cli.app import app

SAMPLE = Path(__file__).parents[1] / "sample_data"


def invoke(*args):
    r = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def test_demo_builds_its_own_database_and_prints_the_deadline_report(tmp_path, monkeypatch):
    production = tmp_path / "real.sqlite"
    monkeypatch.setenv("KEFU_DB", str(production))
    target = tmp_path / "demo.sqlite"
    code, out, err = invoke("demo", "--data", str(SAMPLE), "--to", str(target))
    assert code == 0, err
    assert "时限报表" in out and "2026-11-20" in out
    assert "演示告知书" in out and "demo-告知书" in out
    assert not production.exists(), "the demo never writes to the database KEFU_DB points at"
    con = sqlite3.connect(target)
    assert con.execute("SELECT count(*) FROM complaint").fetchone() == (17,)  # 14, the issue-22 block's 2 and its major group complaint
    assert con.execute("SELECT count(*) FROM callback WHERE kind = 'new_policy'").fetchone() == (8,)
    # every change is audited
    assert con.execute("SELECT count(*) FROM audit_event").fetchone()[0] > 60

    # the same report as JSON: the demo's story, checked against the calendar by hand
    code, out, err = invoke("--db", str(target), "report", "deadlines", "--as-of", "2026-11-20", "--json")
    assert code == 0, err
    report = json.loads(out)
    items = {(i["case_id"], i["kind"]): i for i in report["items"]}
    # c2: received Mon 09-28; 15 days -> 10-13; extended on 10-12 (in time) to 30 days from
    # receipt -> Wed 10-28; not decided -> overdue
    assert items[("TS-20260928-0001", "decision")]["due"] == "2026-10-28"
    assert items[("TS-20260928-0001", "decision")]["status"] == "overdue"
    # c13: received Tue 11-03 (decision 11-18), paused 11-10 for an appraisal: on 11-20 it is
    # paused, not overdue, its days left frozen at (11-10, 11-18] = 6 working days
    c13 = items[("TS-20261103-0001", "decision")]
    assert (c13["due"], c13["status"], c13["working_days_left"], c13["breached"]) == ("2026-11-18", "paused", 6, False)
    # and c16 (the issue-22 block), paused 11-16 for mediation (Art. 23)
    assert report["summary"]["paused"] == 2
    assert items[("TS-20261109-0001", "decision")]["status"] == "paused"
    # c4: the regulator's own report date, not met
    assert items[("TS-20261020-0001", "regulator_report")]["due"] == "2026-11-10"
    # c7 merged with new facts received Fri 11-20: the decision clock restarts, 15 days -> Sat 12-05
    # -> Mon 12-07
    assert items[("TS-20261105-0001", "decision")]["due"] == "2026-12-07"
    assert report["summary"]["overdue"] >= 5 and report["summary"]["due_today"] >= 1

    # one written notice (告知书) of each type, beside the demo database, every field filled
    from docx import Document

    folder = tmp_path / "demo-告知书"
    assert folder.is_dir()
    files = sorted(folder.glob("*.docx"))
    kinds = sorted(p.stem.split("-", 3)[-1] for p in files)
    assert kinds == sorted(["supplement", "acceptance", "rejection", "transfer", "extension", "pause", "decision",
                            "regulator_report", "review_decision"])  # fmt: skip
    for p in files:
        text = "\n".join(par.text for par in Document(str(p)).paragraphs)
        assert "{{" not in text and "}}" not in text and "未登记" not in text, p.name
        assert "2026年11月20日" in text and p.name.split("-", 3)[0] == "TS"

    # running it again replaces the earlier demo database
    code, _, err = invoke("demo", "--data", str(SAMPLE), "--to", str(target))
    assert code == 0, err
    assert sqlite3.connect(target).execute("SELECT count(*) FROM complaint").fetchone() == (17,)


def test_demo_never_overwrites_a_database_that_is_not_a_demo(tmp_path, kefu):
    kefu.ok("db", "init")
    code, _, err = invoke("demo", "--data", str(SAMPLE), "--to", kefu.db)
    assert code == 2 and "不是演示数据库" in err


def test_demo_without_sample_data_says_where_to_point(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke("demo", "--data", str(tmp_path / "nothing"), "--to", str(tmp_path / "d.sqlite"))
    assert code == 2 and "--data" in err
