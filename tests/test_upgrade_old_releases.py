"""Databases written by earlier releases upgrade in place and verify: events are never rewritten,
so the folds (db verify, as-of reports, undo) must read the old event forms.

tests/data/kefu_schema_0008.sqlite and kefu_schema_0009.sqlite were written by the releases at
schema 0008 and 0009 (tests/make_old_release_fixtures.sh): the demo plus every kind of correction.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import Kefu
from kefu_cli.services import clock
from kefu_cli.store import schema as store_schema

DATA = Path(__file__).parent / "data"


@pytest.fixture(params=["0008", "0009"])
def old(request, tmp_path, monkeypatch):
    monkeypatch.setenv("KEFU_CLERK", "tester")
    dest = tmp_path / f"kefu_{request.param}.sqlite"
    shutil.copy(DATA / f"kefu_schema_{request.param}.sqlite", dest)
    # the fixtures' last events were written on 2026-12-07 (calendar import, master lists)
    clock.set_now(dt.datetime(2026, 12, 8, 12, 0))
    return request.param, Kefu(str(dest))


def test_an_old_database_upgrades_in_place_and_verifies(old):
    version, kefu = old
    before = sqlite3.connect(kefu.db).execute("SELECT count(*), max(id) FROM audit_event").fetchone()
    doc = kefu.ok("db", "verify", "--json")
    assert doc["ok"], doc["problems"]
    con = sqlite3.connect(kefu.db)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (store_schema.SCHEMA_HEAD,)
    # verifying wrote nothing: the old events are read as they are
    assert con.execute("SELECT count(*), max(id) FROM audit_event").fetchone() == before
    assert doc["chain"]["events"] == before[0]


def test_an_old_database_takes_new_steps_and_still_verifies(old):
    _, kefu = old
    # TS-20261201-0001 was accepted and undone by the old release: it is waiting for acceptance
    assert kefu.ok("complaint", "show", "TS-20261201-0001", "--json")["status"] == "registered"
    kefu.ok("complaint", "accept", "TS-20261201-0001", "--at", "2026-12-08T09:00", "--json")
    kefu.ok("complaint", "decide", "TS-20261201-0001", "--result", "同意赔付", "--at", "2026-12-08T10:00", "--json")
    kefu.ok("callback", "resolve", "HF-20261201-0001", "--reply", "已解释理赔金额的计算", "--at", "2026-12-08T10:30",
            "--json")  # fmt: skip
    kefu.ok("callback", "add", "--kind", "other", "--name", "冯宁", "--phone", "13900004444", "--due", "2026-12-15",
            "--branch", "朝阳支公司", "--handler", "孙悦", "--at", "2026-12-08T11:00", "--json")  # fmt: skip
    doc = kefu.ok("db", "verify", "--json")
    assert doc["ok"], doc["problems"]


def test_as_of_reports_read_the_old_history(old):
    _, kefu = old
    then = kefu.ok("report", "deadlines", "--as-of", "2026-11-20", "--json")
    now = kefu.ok("report", "deadlines", "--as-of", "2026-12-08", "--json")
    assert then["items"] and now["items"]
    assert then["as_of"] == "2026-11-20"
    # the voided complaint and callback of the old release are in no list
    ids = {i["case_id"] for i in now["items"]}
    assert "TS-20261201-0002" not in ids and "HF-20261201-0003" not in ids
