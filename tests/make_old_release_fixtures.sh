#!/usr/bin/env bash
# Builds tests/data/kefu_schema_0008.sqlite and kefu_schema_0009.sqlite: databases written by the
# releases at schema 0008 (f95827b^, before the running-deadline index) and 0009 (44a92f3, the last
# release before the case core), with the old event forms: the demo, then every kind of correction
# (edit, assign, note, undo, void, reschedule, cancel, a policy change, a calendar notice, a bulk
# import). The files are committed: the upgrade test always starts from the same old databases.
# Run from the repository root: bash tests/make_old_release_fixtures.sh
set -euo pipefail
root=$(pwd)
py=${PYTHON:-$root/.venv/bin/python}
for spec in 0008:f95827b^ 0009:44a92f3; do
  v=${spec%%:*}; rev=${spec#*:}
  wt=$(mktemp -d); db=$(mktemp -d)/kefu.sqlite
  git worktree add -q --detach "$wt" "$rev"
  k() { PYTHONPATH=$wt/src KEFU_CLERK=演示 "$py" -m kefu_cli --db "$db" "$@" >/dev/null; }
  PYTHONPATH=$wt/src KEFU_CLERK=演示 "$py" -m kefu_cli demo --data "$wt/sample_data" --to "$db" >/dev/null
  k policy set complaint.acceptance 8 --at 2026-12-01T09:00
  k workday import "$root/tests/data/calendar_2027_notice.csv"
  k handler add 孙悦 --branch 朝阳支公司
  k complaint add --received 2026-12-01T09:00 --at 2026-12-01T09:10 --channel 电话 --category 理赔 --name 周杰 --phone 13800001234 --branch 朝阳支公司 --handler 李娜
  k complaint edit TS-20261201-0001 --name 周洁 --reason 录错 --at 2026-12-01T09:20
  k complaint assign TS-20261201-0001 --handler 孙悦 --at 2026-12-01T09:30
  k complaint note TS-20261201-0001 客户来电 --at 2026-12-01T09:40
  k complaint accept TS-20261201-0001 --at 2026-12-01T10:00
  k complaint undo TS-20261201-0001 --reason 受理错了 --at 2026-12-01T10:05
  k complaint add --received 2026-12-01T11:00 --at 2026-12-01T11:10 --channel 电话 --category 服务 --name 吴凡 --phone 13800005678 --branch 朝阳支公司 --handler 李娜
  k complaint void TS-20261201-0002 --reason 重复登记 --at 2026-12-01T11:20
  k callback add --kind other --name 郑爽 --phone 13900001111 --due 2026-12-10 --branch 朝阳支公司 --handler 李娜 --at 2026-12-01T12:00
  k callback reschedule HF-20261201-0001 --to 2026-12-03T10:00 --reason 客户要求 --at 2026-12-01T12:10
  k callback assign HF-20261201-0001 --handler 孙悦 --at 2026-12-01T12:20
  k callback edit HF-20261201-0001 --name 郑双 --reason 录错 --at 2026-12-01T12:30
  k callback attempt HF-20261201-0001 --method phone --result success --recording R1 --problem 对理赔金额有疑问 --at 2026-12-01T12:40
  k callback add --kind other --name 钱多 --phone 13900002222 --due 2026-12-10 --branch 朝阳支公司 --handler 李娜 --at 2026-12-01T13:00
  k callback cancel HF-20261201-0002 --reason 客户退保 --at 2026-12-01T13:10
  k callback add --kind other --name 孙少 --phone 13900003333 --due 2026-12-10 --branch 朝阳支公司 --handler 李娜 --at 2026-12-01T13:20
  k callback void HF-20261201-0003 --reason 重复 --at 2026-12-01T13:30
  k handler retire 王强
  k import complaints "$root/sample_data/complaints.csv" --at 2026-12-01T14:00
  k db verify
  "$py" - "$db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("PRAGMA journal_mode=DELETE")
con.execute("VACUUM")
PY
  cp "$db" "$root/tests/data/kefu_schema_$v.sqlite"
  git worktree remove --force "$wt"
  echo "wrote tests/data/kefu_schema_$v.sqlite"
done
