"""End to end: a fixed data set made with the real `kefu complaint …` / `kefu callback …`
commands (every step at an explicit --at), then both reports compared whole with
tests/data/report_e2e_deadlines.json and tests/data/report_e2e_stats.json.

The calendar facts used (official 2026 data):
- Spring Festival: 02-15..02-23 off; Sat 02-14 and Sat 02-28 are make-up working days.
  February's working days: 2–6, 9–13, 14, 24–27, 28.
- Mid-Autumn Fri 09-25 off; National Day 10-01..10-07 off; Sun 09-20 and Sat 10-10 are
  make-up working days. Late September/October working days: 18, 20, 21–24, 28–30, 10-08,
  10-09, 10-10, 10-12–16, 10-19–23.

The cases and the hand count of every figure the reports show (wd = working days; "within
N wd from D" is the N-th working day after D, D itself not counted):

C1 (朝阳/张三, claims, phone) received Thu 02-12 10:00; investigation 02-13 09:00 (24 h limit
   02-13 10:00: on time); accepted Wed 02-25: to acceptance = 02-13, 02-14, 02-24, 02-25 = 4 wd
   (limit: 10 wd → 13 14 24 25 26 27 28 03-02 03 04 = 03-04: on time); decided Tue 03-10:
   to decision = 7 wd in February (13 14 24 25 26 27 28) + 03-02..06 (5) + 03-09, 03-10 = 14 wd
   (limit 15 日 from receipt: 02-12 + 15 = Fri 02-27: decided late). The decision schedules a complaint callback (5 wd → 03-11 12
   13 16 17 = 03-17), reached by phone 03-12: success, on time.
C2 (朝阳/李四, service, online) received Fri 02-13 16:00, rejected as duplicate_open on Sat 02-14
   (a make-up working day): 1 wd; acceptance and investigation met by the rejection (both in time:
   investigation limit 02-14 16:00, rejection 10:00).
C3 (海淀/王五, sales, letter) received Mon 02-16 09:00 — a Spring Festival holiday — materials
   incomplete: supplement notice 5 wd → 24 25 26 27 28 = Sat 02-28; materials complete 02-26
   (on time); transferred internally Mon 03-02: to acceptance = 24 25 26 27 28, 03-02 = 6 wd.
   The 24 h investigation limit (02-17 09:00) passed in the holiday; the transfer on 03-02 is the
   first handling step → met late.
C4 (海淀/王五, claims, phone) received Mon 02-02 11:00; accepted 02-03 09:00: 1 wd (also the
   first handling step, before the 24 h limit 02-03 11:00); decided Thu 02-26: 3–6 (4), 9–13
   (9), 14 (10), 24 25 26 (13) = 13 wd (limit 15 日: 02-02 + 15 = Tue 02-17, a Spring Festival
   holiday → the next working day Tue 02-24: decided late). Its
   complaint callback (5 wd → 02-27 28 03-02 03 04 = 03-04) succeeded electronically 03-03.
C5 (朝阳/张三, product, email) received Thu 09-24 10:00, investigation 09-24 15:00; accepted Thu
   10-08: to acceptance = 28 29 30, 10-08 = 4 wd. Decision limit 15 日 from receipt 09-24 =
   Fri 10-09.
C6 (海淀/王五, claims, phone) received Fri 09-18 09:00, investigation 10:00, nothing else:
   acceptance 10 wd → Sun 20, 21 22 23 24, 28 29 30, 10-08, 10-09 = 10-09; decision 15 日 →
   10-03 (National Day) → Thu 10-08.
C7 (朝阳/李四, service, phone) received Thu 09-10 09:00, investigation 10:00, nothing else:
   acceptance 10 wd → 11, 14–18, 20, 21 22 23 = 09-23; decision 15 日 → 09-25 (Mid-Autumn) →
   Mon 09-28.
C8 (朝阳/赵六, other, regulator) received Mon 09-28 10:00 with the regulator's report date Sat
   10-10; nothing else done: initial investigation limit 09-29 10:00; acceptance 10 wd → 29 30
   10-08 09 10 12 13 14 15 16 = 10-16; decision 15 日 → Tue 10-13; the regulator
   callback is due no later than the report date → 10-10.
C9 (海淀/王五, claims, phone) received Tue 09-29 14:00, withdrawn 09-30 10:00: every open
   deadline becomes not applicable; investigation 24 h limit 09-30 14:00 is not judged.
K1 (朝阳/孙七) new policy, receipt signed Sun 09-20: 15 calendar days → 10-05, a holiday →
   rolled to 10-08; electronic success 09-22 (on time).
K2 (海淀/孙七) new policy, receipt Tue 09-22: +15 → 10-07 (holiday) → 10-08; one phone attempt
   without an answer on 09-24, still open.
K3 (海淀/周八) claim closed Wed 09-30: 5 wd → 10-08 09 10 12 13 = 10-13.
K4 (朝阳/孙七) satisfaction callback with an explicit due date Tue 10-20.

Deadline report as of Fri 2026-10-09 (within 3 wd), open rows only:
  overdue:   C7 acceptance 09-23 → 24 28 29 30 10-08 09 = −6; C7 decision 09-28 → 29 30 10-08
             09 = −4; C6 decision 10-08 → −1; C8 investigation 09-29 → 30, 10-08, 10-09 = −3;
             K2 callback 10-08 → −1;
  due today: C6 acceptance 10-09; C5 decision 10-09;
  due soon:  C8 regulator report Sat 10-10 → 1; C8 regulator callback 10-10 → 1;
             K3 callback 10-13 → 10 12 13 = 3; C8 decision 10-13 → 3;
  later:     C8 acceptance 10-16 → 6; K4 10-20 → 10 12–16 19 20 = 8.
  Every overdue row is `breached`, no other is.
  On time in October 1–9 (due in that window): K1 (due 10-08, met 09-22) on time; C6 decision
  (10-08) and K2 (10-08) overdue; C6 acceptance and C5 decision (10-09, today) pending →
  1 / 3 = 33.33 %.

Analysis for received 02-01..10-09 as of 10-09: 9 complaints (Feb 4, Sep 5); working days to
the acceptance decision: C4 1, C2 1, C1 4, C5 4, C3 6 → sorted 1 1 4 4 6: median 4, p90 at
rank 3.6 → 4 + 0.6 × (6 − 4) = 5.2; to decision: C4 13, C1 14 → median 13.5, p90 13.9.
Outcomes: accepted C1 C4 C5, rejected C2 (duplicate_open), transferred C3 (internal),
withdrawn C9, pending C6 C7 C8. On-time rates for deadlines due 02-01..10-09 (rows due later,
and not-applicable rows, are left out):
  supplement_notice C3 on time → 100 %;
  acceptance: C1 (03-04, met 02-25), C2 (10 wd from 02-13 = 03-05, met 02-14), C3 (10 wd from
    materials 02-26 = 03-11, met 03-02), C4 (02-14, met 02-03) on time; C7 overdue; C6 due today
    (pending) → 4 / 5 = 80 %;
  decision (15 日 from receipt): C1 (02-27, met 03-10) and C4 (02-24, met 02-26) late; C7 (09-28)
    and C6 (10-08) overdue; C5 (10-09, today) pending; C2, C3 and C9 ended before their due
    day (not applicable, not judged) → 0 / 4 = 0 %;
  initial_investigation: C1 C2 C4 C5 C6 C7 on time, C3 late, C8 overdue → 6 / 8 = 75 %;
  callback: C1/callback (03-17, met 03-12), C4/callback (03-04, met 03-03), K1 on time, K2
    overdue → 75 %; all kinds: 14 / (14 + 3 + 5) = 63.64 % (pending: C6 acceptance, C5 decision).
Callback KPIs (services/stats.py `callback_kpis`, callbacks due in the period): due C1/
callback, C4/callback, K1, K2 → success 3 of 4 = 75 %, below the 90 % line; no letter/visit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
AS_OF = "2026-10-09"


def build(kefu) -> dict[str, str]:
    """Run the commands; returns the case numbers by name (C1…C9, K1…K4)."""
    ids: dict[str, str] = {}

    def complaint(name, received, category, channel, branch, handler, *extra):
        out = kefu.ok(
            "complaint", "add", "--received", received, "--at", received, "--category", category,
            "--channel", channel, "--name", f"客户{name}", "--phone", "13800000000", "--branch", branch,
            "--handler", handler, *extra, "--json",
        )  # fmt: skip
        ids[name] = out["id"]

    def step(name, command, at, *extra):
        kefu.ok("complaint", command, ids[name], "--at", at, *extra, "--json")

    # Spring Festival 2026.
    complaint("C1", "2026-02-12T10:00", "claims", "phone", "朝阳", "张三")
    step("C1", "investigate", "2026-02-13T09:00")
    step("C1", "accept", "2026-02-25T10:00")
    step("C1", "decide", "2026-03-10T15:00", "--result", "赔付")
    complaint("C2", "2026-02-13T16:00", "service", "online", "朝阳", "李四")
    step("C2", "reject", "2026-02-14T10:00", "--reason", "duplicate_open")
    complaint("C3", "2026-02-16T09:00", "sales", "letter", "海淀", "王五", "--incomplete")
    step("C3", "materials", "2026-02-26T10:00", "--complete")
    step("C3", "transfer", "2026-03-02T10:00", "--to", "销售管理部", "--internal")
    complaint("C4", "2026-02-02T11:00", "claims", "phone", "海淀", "王五")
    step("C4", "accept", "2026-02-03T09:00")
    step("C4", "decide", "2026-02-26T10:00", "--result", "维持原理赔结论")
    # National Day 2026.
    complaint("C5", "2026-09-24T10:00", "product", "email", "朝阳", "张三")
    step("C5", "investigate", "2026-09-24T15:00")
    step("C5", "accept", "2026-10-08T09:00")
    complaint("C6", "2026-09-18T09:00", "claims", "phone", "海淀", "王五")
    step("C6", "investigate", "2026-09-18T10:00")
    complaint("C7", "2026-09-10T09:00", "service", "phone", "朝阳", "李四")
    step("C7", "investigate", "2026-09-10T10:00")
    complaint(
        "C8", "2026-09-28T10:00", "other", "regulator", "朝阳", "赵六",
        "--regulator-ref", "京银保监转〔2026〕12号", "--regulator-due", "2026-10-10",
    )  # fmt: skip
    complaint("C9", "2026-09-29T14:00", "claims", "phone", "海淀", "王五")
    step("C9", "withdraw", "2026-09-30T10:00")

    # The complaint callbacks scheduled by `decide`, found by the complainant's name.
    listed = kefu.ok("callback", "list", "--kind", "complaint", "--unmask", "--json")["items"]
    by_name = {r["name"]: r["id"] for r in listed}
    ids["C1/callback"], ids["C4/callback"] = by_name["客户C1"], by_name["客户C4"]
    ids["C8/callback"] = kefu.ok("callback", "list", "--kind", "regulator", "--json")["items"][0]["id"]
    attempt = ("callback", "attempt")
    kefu.ok(*attempt, ids["C1/callback"], "--method", "phone", "--result", "success",
            "--recording", "REC-0312-01", "--at", "2026-03-12T10:00", "--json")  # fmt: skip
    kefu.ok(*attempt, ids["C4/callback"], "--method", "electronic", "--result", "success",
            "--at", "2026-03-03T10:00", "--json")  # fmt: skip

    def callback(name, at, branch, handler, *extra):
        out = kefu.ok(
            "callback", "add", "--name", f"客户{name}", "--phone", "13900000000", "--branch", branch,
            "--handler", handler, "--at", at, *extra, "--json",
        )  # fmt: skip
        ids[name] = out["id"]

    callback("K1", "2026-09-20T10:00", "朝阳", "孙七", "--kind", "new_policy", "--receipt-date", "2026-09-20")
    kefu.ok(*attempt, ids["K1"], "--method", "electronic", "--result", "success", "--at", "2026-09-22T10:00", "--json")
    callback("K2", "2026-09-22T10:00", "海淀", "孙七", "--kind", "new_policy", "--receipt-date", "2026-09-22")
    kefu.ok(*attempt, ids["K2"], "--method", "phone", "--result", "no_answer", "--recording", "REC-0924-02",
            "--at", "2026-09-24T10:00", "--json")  # fmt: skip
    callback("K3", "2026-09-30T10:00", "海淀", "周八", "--kind", "claim", "--closed-date", "2026-09-30")
    callback("K4", "2026-09-30T11:00", "朝阳", "孙七", "--kind", "satisfaction", "--due", "2026-10-20")
    return ids


def anonymise(doc, ids: dict[str, str]):
    """Case numbers → their names (C1…K4), so the expected files read like the docstring."""
    text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False)
    for name, case_id in sorted(ids.items(), key=lambda kv: -len(kv[1])):
        text = text.replace(case_id, name)
    return json.loads(text)


def expected(name: str, doc):
    path = DATA / name
    if os.environ.get("KEFU_WRITE_EXPECTED"):  # to regenerate after a reviewed change
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def built(kefu):
    return kefu, build(kefu)


def test_deadline_report_whole_json(built):
    kefu, ids = built
    rep = anonymise(kefu.ok("report", "deadlines", "--as-of", AS_OF, "--json"), ids)
    # The chain head pins this database's history (it differs from run to run: recorded times).
    head = rep.pop("chain_head")
    assert len(head["hash"]) == 64 and head["event_id"] > 0
    # The figures of the docstring, checked here as well as in the file.
    assert rep["summary"] == {
        "overdue": 5,
        "due_today": 2,
        "due_soon": 4,
        "later": 2,
        "paused": 0,
        "open": 13,
        "provisional": 0,
    }
    left = {(i["case_id"], i["kind"]): (i["due"], i["status"], i["working_days_left"]) for i in rep["items"]}
    assert left[("C7", "acceptance")] == ("2026-09-23", "overdue", -6)
    assert left[("C7", "decision")] == ("2026-09-28", "overdue", -4)
    assert left[("C6", "decision")] == ("2026-10-08", "overdue", -1)
    assert left[("C5", "decision")] == ("2026-10-09", "due_today", 0)
    assert left[("C8", "decision")] == ("2026-10-13", "due_soon", 3)
    assert left[("C8", "initial_investigation")] == ("2026-09-29", "overdue", -3)
    assert left[("K2", "callback")] == ("2026-10-08", "overdue", -1)
    assert left[("C6", "acceptance")] == ("2026-10-09", "due_today", 0)
    assert left[("C8", "regulator_report")] == ("2026-10-10", "due_soon", 1)
    assert left[("K3", "callback")] == ("2026-10-13", "due_soon", 3)
    assert left[("C8", "acceptance")] == ("2026-10-16", "later", 6)
    assert left[("K4", "callback")] == ("2026-10-20", "later", 8)
    assert all(i["breached"] == (i["status"] == "overdue") for i in rep["items"])
    assert rep["on_time"] == {
        "from": "2026-10-01", "to": AS_OF, "on_time": 1, "late": 0, "overdue": 2, "pending": 2, "rate": 33.33,
    }  # fmt: skip
    assert rep == expected("report_e2e_deadlines.json", rep)


def test_stats_report_whole_json(built):
    kefu, ids = built
    rep = anonymise(kefu.ok("report", "stats", "--from", "2026-02-01", "--to", AS_OF, "--as-of", AS_OF, "--json"), ids)
    cp = rep["complaints"]
    assert cp["total"] == 9
    assert [(m["month"], m["count"]) for m in cp["by_month"] if m["count"]] == [("2026-02", 4), ("2026-09", 5)]
    assert len(cp["by_month"]) == 9  # February … October, empty months included for the trend
    assert cp["by_category"][0] == {"code": "claims", "label": "理赔", "count": 4}  # C1 C4 C6 C9
    assert cp["outcomes"] == {
        "accepted": 3, "rejected": 1, "transferred": 1, "merged": 0, "withdrawn": 1, "pending": 3,
    }  # fmt: skip
    assert cp["transfers"] == {"internal": 1, "external": 0}
    assert {"reason": "duplicate_open", "count": 1} in cp["rejected_by_reason"]
    assert rep["durations"] == {
        "to_acceptance": {"count": 5, "median": 4, "p90": 5.2},
        "to_decision": {"count": 2, "median": 13.5, "p90": 13.9},
    }
    assert [(r["kind"], r["rate"]) for r in rep["on_time"] if r["rate"] is not None] == [
        ("supplement_notice", 100.0), ("acceptance", 80.0), ("decision", 0.0),
        ("initial_investigation", 75.0), ("callback", 75.0),
    ]  # fmt: skip
    decision = next(r for r in rep["on_time"] if r["kind"] == "decision")
    assert (decision["on_time"], decision["late"], decision["overdue"], decision["pending"]) == (0, 2, 2, 1)
    assert rep["on_time_all"] == {"on_time": 14, "late": 3, "overdue": 5, "pending": 2, "rate": 63.64}
    assert (rep["callbacks"]["due"], rep["callbacks"]["success"], rep["callbacks"]["success_rate"]) == (4, 3, 75.0)
    assert rep == expected("report_e2e_stats.json", rep)


def test_terminal_view_has_charts_and_plain_view_has_none(built, monkeypatch):
    kefu, _ = built
    plain = kefu.ok("report", "stats", "--from", "2026-02-01", "--to", AS_OF, "--as-of", AS_OF)
    assert "█" not in plain and "\x1b" not in plain and "投诉总数 9" in plain

    from kefu_cli.render import output

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(output, "is_terminal", lambda: True)
    shown = kefu.ok("report", "stats", "--from", "2026-02-01", "--to", AS_OF, "--as-of", AS_OF)
    # Bars for the monthly trend and the category mix: the largest row gets the full 30 blocks.
    assert "█" * 30 in shown
    assert shown.count("█" * 30) == 2  # 2026-09 (5) in the trend, claims (4) in the category mix


def test_stats_csv_and_plain_text(built, tmp_path):
    kefu, _ = built
    args = ("report", "stats", "--from", "2026-02-01", "--to", AS_OF, "--as-of", AS_OF)
    rows = kefu.ok(*args, "--csv").splitlines()
    assert rows[0] == "section,key,label,count,value"
    assert "complaints,total,投诉总数,9," in rows
    assert "durations,to_acceptance.p90,收到至受理决定90分位(工作日),5,5.2" in rows
    assert "on_time,all,全部期限,22,63.64" in rows
    assert "callbacks,success_rate,回访成功率(%),,75.0" in rows
    text = kefu.ok(*args)
    total_row = next(ln for ln in text.splitlines() if ln.startswith("合计 "))
    assert total_row.split()[:9] == ["合计", "4", "3", "0", "0", "0", "1", "75.00%", "未达标"]  # below the 90 % line
    out = tmp_path / "stats.txt"
    kefu.ok(*args, "--output", str(out))
    assert out.read_text(encoding="utf-8") == text


def test_stats_for_one_branch_and_bad_range(built):
    kefu, _ = built
    rep = kefu.ok(
        "report", "stats", "--from", "2026-02-01", "--to", AS_OF, "--as-of", AS_OF, "--branch", "海淀", "--json"
    )
    # 海淀: C3 (transferred), C4 (accepted), C6 (pending), C9 (withdrawn).
    assert rep["complaints"]["total"] == 4
    assert rep["complaints"]["outcomes"] == {
        "accepted": 1, "rejected": 0, "transferred": 1, "merged": 0, "withdrawn": 1, "pending": 1,
    }  # fmt: skip
    # To the acceptance decision: C4 1, C3 6 → median 3.5, p90 1 + 0.9 × 5 = 5.5.
    assert rep["durations"]["to_acceptance"] == {"count": 2, "median": 3.5, "p90": 5.5}
    assert rep["callbacks"]["branch"] == "海淀"
    r = kefu("report", "stats", "--from", "2026-10-09", "--to", "2026-10-01")
    assert r.code == 2 and "--from" in r.err and r.out == ""
