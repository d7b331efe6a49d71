"""Who is typing: `kefu config set clerk 李娜` (also branch, db) and `kefu whoami`; the default
--clerk is --clerk, KEFU_CLERK, the setting, the OS user in that order; 操作人 names the recorder."""

from __future__ import annotations

import json

from conftest import init_db, run_cli


def test_set_get_list_unset(tmp_path):
    code, out, err = run_cli("config", "set", "clerk", "李娜")
    assert code == 0, err
    assert run_cli("config", "get", "clerk")[1].strip() == "李娜"
    assert run_cli("config", "set", "机构", "朝阳支公司")[0] == 0  # the Chinese name of a key too
    listed = json.loads(run_cli("config", "list", "--json")[1])
    assert listed["settings"] == {"clerk": "李娜", "branch": "朝阳支公司"}
    assert listed["file"].startswith(str(tmp_path.parent.parent))  # the private config folder of the test
    assert run_cli("config", "unset", "clerk")[0] == 0
    assert run_cli("config", "get", "clerk")[0] == 1
    code, _, err = run_cli("config", "set", "colour", "red")
    assert code == 2 and "没有设置项 colour" in err and "clerk" in err


def test_the_configured_clerk_records_every_step_and_whoami_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("KEFU_CLERK", raising=False)
    db = init_db(str(tmp_path / "k.sqlite"))
    run_cli("config", "set", "clerk", "李娜")
    who = json.loads(run_cli("--db", db, "whoami", "--json")[1])
    assert who["clerk"] == "李娜" and who["clerk_source"] == "config" and who["database_source"] == "--db"
    args = ["--db", db, "complaint", "add", "--channel", "电话", "--category", "服务", "--name", "张三"]
    code, out, err = run_cli(*args, "--phone", "13800000001", "--at", "2026-11-30T09:00", "--json")
    assert code == 0, err
    cid = json.loads(out)["id"]
    code, out, err = run_cli("--db", db, "complaint", "show", cid, "--json")
    assert {e["clerk"] for e in json.loads(out)["events"]} == {"李娜"}
    _, text, _ = run_cli("--db", db, "complaint", "show", cid)
    assert "操作人" in text
    # KEFU_CLERK comes before the setting, --clerk before both
    monkeypatch.setenv("KEFU_CLERK", "王芳")
    who = json.loads(run_cli("whoami", "--json")[1])
    assert who["clerk"] == "王芳" and who["clerk_source"] == "KEFU_CLERK"
    code, out, err = run_cli("--db", db, "complaint", "note", cid, "已回电", "--clerk", "赵强")
    assert code == 0 and "操作人 赵强" in out, err


def test_the_configured_database_is_the_default(tmp_path, monkeypatch):
    db = init_db(str(tmp_path / "mine.sqlite"))
    monkeypatch.chdir(tmp_path)
    assert run_cli("config", "set", "db", "mine.sqlite")[0] == 0  # kept as an absolute path
    monkeypatch.chdir(tmp_path.parent)
    who = json.loads(run_cli("whoami", "--json")[1])
    assert who["database"] == str((tmp_path / "mine.sqlite").resolve()) and who["database_source"] == "config"
    code, _, err = run_cli("complaint", "list", "--json")
    assert code == 0, err
    code, out, _ = run_cli("whoami")
    assert "数据库: " + str(tmp_path / "mine.sqlite") in out and "个人设置" in out
    run_cli("config", "set", "db", str(tmp_path / "gone.sqlite"))
    code, _, err = run_cli("complaint", "list")
    assert code != 0 and "kefu config set db" in err  # a missing file is not created, and the message says why
    assert not (tmp_path / "gone.sqlite").exists()
    assert db
