"""Master lists: branches and handlers. A name that is not on a list in use is refused with
"did you mean" suggestions (registration, assignment, corrections, report and list filters);
`--new-handler` / `--new-branch` add it on the spot; a retired handler takes no new cases;
an existing database gets the names already in use as its lists."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from conftest import Kefu
from kefu_cli.domain.masters import suggestions

FIXTURE = Path(__file__).parent / "data" / "kefu_schema_0001.sqlite"


def setup_lists(kefu):
    kefu.ok("branch", "add", "朝阳支公司", "--full-name", "示例人寿保险股份有限公司北京朝阳支公司",
            "--address", "北京市朝阳区建国路 88 号", "--phone", "010-65001234")  # fmt: skip
    kefu.ok("branch", "add", "海淀支公司")
    kefu.ok("handler", "add", "李娜", "--branch", "朝阳支公司")
    kefu.ok("handler", "add", "张敏", "--branch", "海淀支公司")


def add(kefu, *extra):
    return kefu("complaint", "add", "--received", "2026-11-02T09:00", "--channel", "电话", "--category", "理赔",
                "--name", "王建国", "--phone", "13812345678", *extra)  # fmt: skip


def test_suggestions_find_fragments_and_near_spellings():
    known = ["李娜", "王强", "张敏", "朝阳支公司", "海淀支公司"]
    assert suggestions("朝阳", known) == ["朝阳支公司"]
    assert suggestions("李那", known)[0] == "李娜"
    assert suggestions("张", known) == ["张敏"]
    assert suggestions("赵六", known) == []


def test_an_empty_list_checks_nothing_and_a_list_in_use_checks_every_name(kefu):
    assert add(kefu, "--branch", "任何机构", "--handler", "任何人").code == 0  # lists not set up yet
    setup_lists(kefu)
    r = add(kefu, "--branch", "朝阳", "--handler", "李娜")
    assert r.code == 2 and "您是不是要找: 朝阳支公司" in r.err and "--new-branch" in r.err
    r = add(kefu, "--branch", "朝阳支公司", "--handler", "李那")
    assert r.code == 2 and "李娜" in r.err and "--new-handler" in r.err
    ok = add(kefu, "--branch", "朝阳支公司", "--handler", "王强", "--new-handler", "--json")
    assert ok.code == 0
    handlers = {h["name"]: h for h in kefu.ok("handler", "list", "--json")["handlers"]}
    assert handlers["王强"]["branch"] == "朝阳支公司"
    # the filters: a typo is exit 2 with suggestions instead of an empty report
    for args in (["report", "deadlines", "--branch", "朝阳"], ["complaint", "list", "--handler", "李"],
                 ["callback", "list", "--branch", "海淀"], ["report", "stats", "--branch", "朝阳"]):  # fmt: skip
        r = kefu(*args)
        assert r.code == 2 and "您是不是要找" in r.err, (args, r.err)
    assert kefu("report", "deadlines", "--branch", "朝阳支公司").code in (0, 1)
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_assignment_to_an_unknown_or_retired_handler_is_refused(kefu):
    setup_lists(kefu)
    cid = add(kefu, "--branch", "朝阳支公司", "--handler", "李娜", "--json").json()["id"]
    r = kefu("complaint", "assign", cid, "--handler", "张民")
    assert r.code == 2 and "张敏" in r.err
    out = kefu.ok("handler", "retire", "张敏", "--json")
    assert out["active"] is False
    r = kefu("complaint", "assign", cid, "--handler", "张敏", "--branch", "海淀支公司")
    assert r.code == 2 and "已停用" in r.err
    # still listed with --all, and in old cases; re-adding brings them back
    assert [h["name"] for h in kefu.ok("handler", "list", "--all", "--json")["handlers"] if not h["active"]] == ["张敏"]
    kefu.ok("handler", "add", "张敏", "--branch", "海淀支公司")
    kefu.ok("complaint", "assign", cid, "--handler", "张敏", "--branch", "海淀支公司")
    r = kefu("handler", "retire", "李四")
    assert r.code == 2
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_retiring_a_handler_with_open_cases_says_so(kefu):
    setup_lists(kefu)
    add(kefu, "--branch", "朝阳支公司", "--handler", "李娜")
    out = kefu.ok("handler", "retire", "李娜")
    assert "1 件未办结的投诉" in out and "assign" in out


def test_branch_letterhead_is_kept_and_updated_with_an_audit_event(kefu, db_path):
    setup_lists(kefu)
    out = kefu.ok("branch", "add", "海淀支公司", "--address", "北京市海淀区中关村大街 27 号", "--json")
    assert out["created"] is False and out["changed"] == {"address": "北京市海淀区中关村大街 27 号"}
    rows = {b["name"]: b for b in kefu.ok("branch", "list", "--json")["branches"]}
    assert rows["朝阳支公司"]["phone"] == "010-65001234" and rows["海淀支公司"]["address"].startswith("北京市海淀区")
    r = kefu("branch", "add", "丰台营业部", "--phone", "call me")
    assert r.code == 2 and "--phone" in r.err
    events = sqlite3.connect(db_path).execute(
        "SELECT entity, action FROM audit_event WHERE entity IN ('branch', 'handler') ORDER BY id"
    ).fetchall()
    assert events == [("branch", "add"), ("branch", "add"), ("handler", "add"), ("handler", "add"), ("branch", "update")]


def test_an_existing_database_gets_the_names_in_use_as_its_lists(tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE, db)
    kefu = Kefu(str(db))
    kefu.ok("db", "init")  # upgrades in place
    assert [b["name"] for b in kefu.ok("branch", "list", "--json")["branches"]] == ["朝阳支公司"]
    assert [(h["name"], h["branch"]) for h in kefu.ok("handler", "list", "--json")["handlers"]] == [("李四", "朝阳支公司")]
    r = add(kefu, "--branch", "朝阳", "--handler", "李四")
    assert r.code == 2 and "朝阳支公司" in r.err
