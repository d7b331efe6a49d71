"""`kefu search`: case number fragments, names, phones (whole or last 4, full-width and dashes
normalised), policy numbers, regulator references; newest first, masked unless --unmask."""

from __future__ import annotations

import sqlite3


def add(kefu, received, name, phone, policy="", *extra):
    return kefu.ok(
        "complaint", "add", "--received", received, "--channel", "电话", "--category", "理赔", "--name", name,
        "--phone", phone, "--policy", policy, "--branch", "朝阳支公司", "--handler", "李娜", *extra, "--json",
    )["id"]  # fmt: skip


def ids(kefu, text, *extra):
    return [i["id"] for i in kefu.ok("search", text, *extra, "--json")["items"]]


def test_search_finds_cases_by_every_handle(kefu):
    a = add(kefu, "2026-11-02T09:00", "王建国", "13812345678", "P2025110001")
    b = add(kefu, "2026-11-05T09:00", "李王氏", "010-88889999", "P2026000002")
    c = add(kefu, "2026-11-06T09:00", "赵六", "13900005678", "", "--channel", "regulator", "--regulator-ref",
            "京金转〔2026〕77号")  # fmt: skip
    cb = kefu.ok(
        "callback", "add", "--kind", "other", "--name", "王建国", "--phone", "13812345678", "--due", "2026-12-20",
        "--at", "2026-11-10T10:00", "--json",
    )["id"]  # fmt: skip
    assert ids(kefu, a) == [a]
    assert ids(kefu, a[3:11]) == [a]  # the date part of the number
    assert ids(kefu, "王") == [cb, b, a]  # newest first, substring of the name
    # last 4 digits of a phone: c's regulator callback (same phone, registered with c) too
    reg = [i for i in ids(kefu, "赵六") if i.startswith("HF-")]
    assert ids(kefu, "5678") == [cb, c, *reg, a] and len(reg) == 1
    assert ids(kefu, "１３８ 1234-5678") == [cb, a]  # full-width digits, spaces and dashes
    assert ids(kefu, "01088889999") == [b]  # a landline, stored without its dash
    assert ids(kefu, "P2026000002") == [b]
    assert ids(kefu, "77号") == [c]
    assert ids(kefu, "没有这个人") == []
    assert "没有找到" in kefu("search", "没有这个人").err


def test_search_masks_and_shows_the_next_deadline(kefu, db_path):
    a = add(kefu, "2026-11-02T09:00", "王建国", "13812345678")
    kefu.ok("complaint", "accept", a, "--at", "2026-11-03T09:00")
    out = kefu.ok("search", "王建国")
    assert a in out and "王*国" in out and "138****5678" in out and "13812345678" not in out
    assert "处理决定 2026-11-17" in out  # 15 days from receipt 11-02
    item = kefu.ok("search", "王建国", "--json")["items"][0]
    assert (item["next_deadline"]["kind"], item["next_deadline"]["due"]) == ("decision", "2026-11-17")
    full = kefu.ok("search", "王建国", "--unmask", "--json")["items"][0]
    assert full["phone"] == "13812345678"
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM audit_event WHERE action = 'unmask'").fetchone()[0] == 1


def test_bad_search_input_is_one_sentence(kefu):
    for args in (["search", ""], ["search", "x" * 101], ["search", "王", "--limit", "0"],
                 ["search", "王", "--limit", "99999999999999999999"]):  # fmt: skip
        r = kefu(*args)
        assert r.code == 2 and "Traceback" not in r.err, (args, r.err)


def test_callback_list_filters_and_search_take_a_number_in_any_form(kefu):
    kefu.ok("callback", "add", "--kind", "new_policy", "--name", "林志远", "--phone", "010-88889999 转 12",
            "--policy", "P2026110001", "--receipt-date", "2026-11-02", "--at", "2026-11-03T09:00")  # fmt: skip
    kefu.ok("callback", "add", "--kind", "new_policy", "--name", "陈丽华", "--phone", "13998765432",
            "--policy", "P2026110002", "--receipt-date", "2026-11-02", "--at", "2026-11-03T09:00")  # fmt: skip
    names = lambda *a: [i["policy_no"] for i in kefu.ok("callback", "list", *a, "--json", "--unmask")["items"]]  # noqa: E731
    assert names("--name", "林") == ["P2026110001"]
    assert names("--phone", "(010) 8888-9999 ext 12") == ["P2026110001"]
    assert names("--phone", "5432") == ["P2026110002"]
    assert names("--policy", "0002") == ["P2026110002"]
    found = kefu.ok("search", "+86 139 9876 5432", "--json")["items"]
    assert [i["policy_no"] for i in found] == ["P2026110002"]


def test_a_policy_without_a_separate_insured_is_found_under_its_holder(kefu):
    """New-policy files name the holder only: the search row shows the holder, masked."""
    from pathlib import Path

    sample = Path(__file__).parents[1] / "sample_data" / "policies.csv"
    kefu.ok("import", "policies", str(sample), "--json")
    found = [i for i in kefu.ok("search", "P2026110001", "--json")["items"] if i["case_type"] == "policy"]
    assert [(i["id"], i["name"]) for i in found] == [("P2026110001", "林*远")]
