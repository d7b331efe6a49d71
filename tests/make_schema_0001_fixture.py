"""Builds tests/data/kefu_schema_0001.sqlite: a database as the first schema (0001) made it.

Run once when the fixture must be rebuilt: `python tests/make_schema_0001_fixture.py`.
The file is committed so the upgrade test always starts from the same old database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kefu_cli.store.engine import engine_for
from kefu_cli.store.schema import migrate

DEST = Path(__file__).parent / "data" / "kefu_schema_0001.sqlite"


def build(dest: Path = DEST) -> Path:
    dest.unlink(missing_ok=True)
    url = "sqlite:///" + str(dest.resolve())
    migrate(url, "0001")
    engine_for(url, write=True).dispose()
    con = sqlite3.connect(dest)
    with con:
        con.execute(
            "INSERT INTO calendar_override VALUES ('2026-12-31', 0, '地方假日(测试)', 'notice.csv', "
            "'2026-11-01 09:00:00.000000', 'admin')"
        )
        con.execute(
            "INSERT INTO calendar_notice VALUES (2027, 'notice2027.csv', 2, '2026-11-01 09:00:00.000000', 'admin')"
        )
        con.execute(
            "INSERT INTO policy_setting VALUES ('complaint.acceptance', 8, '2026-11-01 09:00:00.000000', 'admin')"
        )
        con.execute(
            "INSERT INTO audit_event (at, recorded_at, clerk, entity, entity_id, action, from_status, to_status, details) "
            "VALUES ('2026-11-01 09:00:00.000000', '2026-11-01 09:00:01.000000', 'admin', 'policy', "
            "'complaint.acceptance', 'set', NULL, NULL, '{\"before\": 10, \"after\": 8}')"
        )
        con.execute(
            "INSERT INTO deadline (case_type, case_id, kind, rule, unit, amount, extra_workdays, start_at, fixed_due, "
            "due, due_at, provisional, basis, status, met_at, branch, handler, created_at, updated_at) VALUES "
            "('complaint', 'TS-20261102-0001', 'acceptance', 'complaint.acceptance', 'workdays', 8, 0, "
            "'2026-11-02 10:00:00.000000', NULL, '2026-11-12', '2026-11-12 23:59:59.000000', 0, '材料齐全起 8 个工作日', "
            "'open', NULL, '朝阳支公司', '李四', '2026-11-02 10:00:01.000000', '2026-11-02 10:00:01.000000')"
        )
        con.execute("INSERT INTO counter VALUES ('TS-20261102', 1)")
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    return dest


if __name__ == "__main__":
    print(build())
