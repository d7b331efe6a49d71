"""Notes and reassignment, shared by complaints and callbacks: events on the case, in order,
deadlines following the case to its new handler, history kept for as-of reports."""

from __future__ import annotations


def add(kefu):
    return kefu.ok(
        "complaint", "add", "--received", "2026-11-03T10:00", "--channel", "电话", "--category", "理赔",
        "--name", "韩立新", "--phone", "13000008888", "--branch", "海淀支公司", "--handler", "张敏", "--json",
    )["id"]  # fmt: skip


def test_a_note_is_in_the_timeline_and_changes_nothing_else(kefu):
    cid = add(kefu)
    before = kefu.ok("complaint", "show", cid, "--json")
    out = kefu.ok("complaint", "note", cid, "客户来电询问进度", "--contact", "电话", "--ref", "通话录音R-1",
                  "--at", "2026-11-04T10:00", "--json")  # fmt: skip
    assert (out["contact"], out["ref"], out["text"]) == ("phone", "通话录音R-1", "客户来电询问进度")
    after = kefu.ok("complaint", "show", cid, "--json")
    assert after["status"] == before["status"] and after["deadlines"] == before["deadlines"]
    note = [e for e in after["events"] if e["action"] == "note"][0]
    assert note["details"]["text"] == "客户来电询问进度" and note["at"] == "2026-11-04T10:00:00+08:00"
    assert "备注/联系记录" in kefu.ok("complaint", "show", cid)
    # in order, and one sentence for a bad value
    r = kefu("complaint", "note", cid, "补记", "--at", "2026-11-03T09:00")
    assert r.code == 2 and "早于上一次" in r.err
    r = kefu("complaint", "note", cid, "x", "--contact", "飞鸽")
    assert r.code == 2 and "--contact" in r.err
    r = kefu("complaint", "note", cid, "\x1b[31m")
    assert r.code == 2
    r = kefu("complaint", "note", "TS-20990101-0001", "x")
    assert r.code == 2 and "kefu search" in r.err
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_assign_moves_the_running_deadlines_and_keeps_who_held_them_when(kefu):
    cid = add(kefu)
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-05T10:00")
    out = kefu.ok("complaint", "assign", cid, "--handler", "王强", "--branch", "朝阳支公司",
                  "--at", "2026-11-10T09:00", "--json")  # fmt: skip
    assert out["before"] == {"handler": "张敏", "branch": "海淀支公司"} and out["deadlines"] == ["decision"]
    shown = kefu.ok("complaint", "show", cid, "--json")
    assert (shown["handler"], shown["branch"]) == ("王强", "朝阳支公司")
    # today's report: the decision (11-18) is 王强's; as of 11-09 it was 张敏's
    now = [i for i in kefu.ok("report", "deadlines", "--json")["items"] if i["case_id"] == cid]
    then = [i for i in kefu.ok("report", "deadlines", "--as-of", "2026-11-09", "--json")["items"] if i["case_id"] == cid]
    assert [(i["kind"], i["handler"], i["branch"]) for i in now] == [("decision", "王强", "朝阳支公司")]
    assert [(i["kind"], i["handler"]) for i in then] == [("decision", "张敏")]
    # the met deadlines stay with who met them
    with_closed = {d["kind"]: d for d in kefu.ok("complaint", "show", cid, "--json")["deadlines"]}
    assert with_closed["acceptance"]["status"] == "met"
    r = kefu("complaint", "assign", cid, "--handler", "王强", "--branch", "朝阳支公司")
    assert r.code == 2 and "无需改派" in r.err
    kefu.ok("complaint", "decide", cid, "--result", "同意", "--at", "2026-11-12T10:00")
    r = kefu("complaint", "assign", cid, "--handler", "李娜")
    assert r.code == 2 and "已办结" in r.err
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_callbacks_share_note_and_assign(kefu):
    hid = kefu.ok(
        "callback", "add", "--kind", "other", "--name", "林志远", "--phone", "13811110001", "--due", "2026-12-20",
        "--branch", "朝阳支公司", "--handler", "李娜", "--at", "2026-11-10T10:00", "--json",
    )["id"]  # fmt: skip
    kefu.ok("callback", "note", hid, "客户要求周五再联系", "--at", "2026-11-11T10:00")
    out = kefu.ok("callback", "assign", hid, "--handler", "刘洋", "--at", "2026-11-11T11:00", "--json")
    assert out["deadlines"] == ["callback"]
    items = [i for i in kefu.ok("report", "deadlines", "--json")["items"] if i["case_id"] == hid]
    assert [i["handler"] for i in items] == ["刘洋"]
    shown = kefu.ok("callback", "show", hid)
    assert "备注/联系记录: 客户要求周五再联系" in shown and "改派: 朝阳支公司 刘洋" in shown and "安排回访" in shown
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_void_takes_a_mistaken_case_out_of_lists_reports_and_statistics(kefu):
    keep = add(kefu)
    wrong = kefu.ok(
        "complaint", "add", "--received", "2026-11-04T10:00", "--channel", "regulator", "--category", "理赔",
        "--name", "测试", "--phone", "13000009999", "--regulator-ref", "TEST-1", "--json",
    )["id"]  # fmt: skip
    kefu.ok("complaint", "accept", wrong, "--at", "2026-11-05T10:00")  # acceptance met: a figure to lose
    before = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", str(_today()), "--json")
    assert before["complaints"]["total"] == 2
    out = kefu.ok("complaint", "void", wrong, "--reason", "测试数据误录", "--at", "2026-11-06T10:00", "--json")
    assert out["reason"] == "测试数据误录" and len(out["callbacks"]) == 1  # its regulator callback too
    assert [i["id"] for i in kefu.ok("complaint", "list", "--json")["items"]] == [keep]
    assert {i["id"] for i in kefu.ok("complaint", "list", "--all", "--json")["items"]} == {keep, wrong}
    assert kefu.ok("callback", "list", "--json")["items"] == []
    assert [i["id"] for i in kefu.ok("callback", "list", "--all", "--json")["items"]] == out["callbacks"]
    rep = kefu.ok("report", "deadlines", "--json")
    assert {i["case_id"] for i in rep["items"]} == {keep}
    after = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", str(_today()), "--json")
    assert after["complaints"]["total"] == 1
    acc = next(r for r in after["on_time"] if r["kind"] == "acceptance")
    assert acc["on_time"] == 0  # the voided case's met acceptance no longer counts
    # history: as of 11-05 the case was still there
    then = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", "2026-11-05", "--json")
    assert then["complaints"]["total"] == 2
    # never changed again; shown with its reason; the record still verifies
    for args in (["complaint", "decide", wrong, "--result", "x"], ["complaint", "note", wrong, "x"],
                 ["complaint", "void", wrong, "--reason", "再次"]):  # fmt: skip
        r = kefu(*args)
        assert r.code == 2 and "已作废" in r.err, (args, r.err)
    assert "已作废" in kefu.ok("complaint", "show", wrong)
    assert kefu.ok("db", "verify", "--json")["ok"]


def _today():
    from kefu_cli.services import clock

    return clock.today()


def test_list_filters_and_callback_cancel(kefu):
    a = add(kefu)  # 韩立新 13000008888, received 11-03: decision due 11-18
    b = kefu.ok(
        "complaint", "add", "--received", "2026-11-10T10:00", "--channel", "电话", "--category", "服务",
        "--name", "王建国", "--phone", "138-1234-5678", "--policy", "P2025110001", "--json",
    )["id"]  # fmt: skip

    def ids(*args):
        return [i["id"] for i in kefu.ok("complaint", "list", *args, "--json")["items"]]

    assert ids("--name", "建国") == [b]
    assert ids("--phone", "8888") == [a] and ids("--phone", "１３８ 1234 5678") == [b]
    assert ids("--policy", "2511") == [b]
    # running deadlines due 11-18..11-20: a's decision (11-18); b's decision is 11-25
    assert ids("--due-from", "2026-11-18", "--due-to", "2026-11-20") == [a]
    assert ids("--due-from", "2026-11-25") == [b]
    r = kefu("complaint", "list", "--phone", "abc")
    assert r.code == 2 and "--phone" in r.err

    hid = kefu.ok(
        "callback", "add", "--kind", "new_policy", "--name", "林志远", "--phone", "13811110001", "--policy",
        "P2026110001", "--receipt-date", "2026-11-02", "--at", "2026-11-03T10:00", "--json",
    )["id"]  # fmt: skip
    assert [i["id"] for i in kefu.ok("callback", "list", "--due-from", "2026-11-17", "--json")["items"]] == [hid]
    assert kefu.ok("callback", "list", "--due-to", "2026-11-16", "--json")["items"] == []
    out = kefu.ok("callback", "cancel", hid, "--reason", "犹豫期内已退保", "--at", "2026-11-05T10:00", "--json")
    assert out["status"] == "cancelled"
    shown = kefu.ok("callback", "show", hid, "--json")
    assert [d["status"] for d in shown["deadlines"]] == ["not_applicable"]
    # 回访前撤退保: outside the success-rate base
    kpi = kefu.ok("callback", "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--json")
    assert (kpi["cancelled"], kpi["success_base"]) == (1, 0)
    r = kefu("callback", "cancel", hid, "--reason", "再次")
    assert r.code == 2 and "已结束" in r.err
    assert kefu.ok("db", "verify", "--json")["ok"]
