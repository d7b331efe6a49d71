"""Callback KPIs on a hand-built set of 20 cases, every figure worked out by hand below.

Period: callbacks whose due date is in October 2026 (`--from 2026-10-01 --to 2026-10-31`).

Due dates (2026 calendar: Mid-Autumn Fri 09-25 off, National Day 10-01..07 off, Sat 10-10 worked):
- new policy, receipt Sun 09-20, 15 days → 10-05 (holiday) → rolls to Thu 10-08;
- claim closed Wed 09-30, 5 工作日 → 10-08, 10-09, 10-10, 10-12, 10-13 → 10-13;
- satisfaction: explicit 10-20;
- case 19: receipt 09-10 + 15 = Fri 09-25 (Mid-Autumn) → Mon 09-28: before the period;
- case 20: other, explicit 11-02: after the period.

  #  branch/handler  kind          attempts (→ outcome)                         on time?
  1  东城/张          new_policy    electronic success 09-22                      yes
  2  东城/张          new_policy    electronic success 09-23                      yes
  3  东城/张          new_policy    electronic no_answer, phone success 09-24     yes
  4  东城/张          new_policy    phone success 10-09                           no (due 10-08)
  5  东城/张          new_policy    electronic refused                            —
  6  东城/张          new_policy    electronic cancelled (surrendered)            —
  7  东城/张          new_policy    electronic no_answer (still open)             —
  8  东城/张          new_policy    phone no_answer ×3, letter success 10-08      yes (on the due day)
  9  西城/李          claim         phone success 10-12                           yes
 10  西城/李          claim         phone success 10-14                           no (due 10-13)
 11  西城/李          claim         phone wrong_number, visit success 10-13       yes
 12  西城/李          claim         phone refused                                 —
 13  西城/李          claim         phone wrong_number, letter no_answer → unreachable
 14  西城/李          claim         none (open)
 15  西城/王          satisfaction  electronic success 10-15                      yes
 16  西城/王          satisfaction  electronic success 10-16                      yes
 17  西城/王          satisfaction  electronic success 10-21                      no (due 10-20)
 18  西城/王          satisfaction  phone cancelled                               —
 19  东城/张          new_policy    electronic success 09-22 (due 09-28)          outside the period
 20  东城/张          other         none (open; due 11-02)                        outside the period

October totals (cases 1–18): due 18; success 11 (1,2,3,4,8,9,10,11,15,16,17); refused 2 (5,12);
cancelled 2 (6,18); unreachable 1 (13); open 2 (7,14).
success rate = 11 / (18 − 2 − 2) = 11/14 = 78.571…% → 78.57, below the 90% line.
letter + visit = 2 (8 letter, 11 visit) of 11 successes = 18.18%, above the 10% line.
on time = 8 (1,2,3,8,9,11,15,16) of 11 = 72.727…% → 72.73.
new policy: 5 successes (1,2,3,4,8), 4 inside the cooling-off period (all but case 4) = 80.00%.
"""

from __future__ import annotations

import pytest

AT = "2026-09-21T09:00"

NP = ["--kind", "new_policy", "--receipt-date", "2026-09-20"]
CLAIM = ["--kind", "claim", "--closed-date", "2026-09-30"]
SAT = ["--kind", "satisfaction", "--due", "2026-10-20"]
DONG, XI_LI, XI_WANG = (
    ["--branch", "东城", "--handler", "张"],
    ["--branch", "西城", "--handler", "李"],
    ["--branch", "西城", "--handler", "王"],
)

# (case args, creation time, steps: (method, result, at) or "unreachable")
CASES = [
    (NP + DONG, AT, [("electronic", "success", "2026-09-22T10:00")]),
    (NP + DONG, AT, [("electronic", "success", "2026-09-23T10:00")]),
    (NP + DONG, AT, [("electronic", "no_answer", "2026-09-22T10:00"), ("phone", "success", "2026-09-24T10:00")]),
    (NP + DONG, AT, [("phone", "success", "2026-10-09T10:00")]),
    (NP + DONG, AT, [("electronic", "refused", "2026-09-22T10:00")]),
    (NP + DONG, AT, [("electronic", "cancelled", "2026-09-22T10:00")]),
    (NP + DONG, AT, [("electronic", "no_answer", "2026-09-22T10:00")]),
    (
        NP + DONG,
        AT,
        [
            ("phone", "no_answer", "2026-09-22T10:00"),
            ("phone", "no_answer", "2026-09-23T10:00"),
            ("phone", "no_answer", "2026-09-24T10:00"),
            ("letter", "success", "2026-10-08T16:00"),
        ],
    ),
    (CLAIM + XI_LI, "2026-09-30T17:00", [("phone", "success", "2026-10-12T10:00")]),
    (CLAIM + XI_LI, "2026-09-30T17:00", [("phone", "success", "2026-10-14T10:00")]),
    (
        CLAIM + XI_LI,
        "2026-09-30T17:00",
        [("phone", "wrong_number", "2026-10-08T10:00"), ("visit", "success", "2026-10-13T10:00")],
    ),
    (CLAIM + XI_LI, "2026-09-30T17:00", [("phone", "refused", "2026-10-08T10:00")]),
    (
        CLAIM + XI_LI,
        "2026-09-30T17:00",
        [("phone", "wrong_number", "2026-10-08T10:00"), ("letter", "no_answer", "2026-10-12T10:00"), "unreachable"],
    ),
    (CLAIM + XI_LI, "2026-09-30T17:00", []),
    (SAT + XI_WANG, AT, [("electronic", "success", "2026-10-15T10:00")]),
    (SAT + XI_WANG, AT, [("electronic", "success", "2026-10-16T10:00")]),
    (SAT + XI_WANG, AT, [("electronic", "success", "2026-10-21T10:00")]),
    (SAT + XI_WANG, AT, [("phone", "cancelled", "2026-09-22T10:00")]),
    (
        ["--kind", "new_policy", "--receipt-date", "2026-09-10"] + DONG,
        AT,
        [("electronic", "success", "2026-09-22T10:00")],
    ),
    (["--kind", "other", "--due", "2026-11-02"] + DONG, AT, []),
]


def _figures(
    due,
    success,
    refused,
    cancelled,
    unreachable,
    open_,
    lv,
    on_time,
    np_s,
    np_on,
    rate,
    lv_share,
    ot,
    cool,
    rate_ok,
    lv_ok,
):
    return {
        "due": due,
        "success": success,
        "refused": refused,
        "cancelled": cancelled,
        "unreachable": unreachable,
        "open": open_,
        "success_base": due - refused - cancelled,
        "success_rate": rate,
        "success_rate_ok": rate_ok,
        "letter_visit": lv,
        "letter_visit_share": lv_share,
        "letter_visit_ok": lv_ok,
        "on_time": on_time,
        "on_time_rate": ot,
        "new_policy_success": np_s,
        "new_policy_on_time": np_on,
        "cooling_off_on_time_rate": cool,
    }


@pytest.fixture
def sample(kefu):
    ids = []
    for args, created, steps in CASES:
        cid = kefu.ok("callback", "add", "--name", "客户", "--phone", "13900001111", *args, "--at", created, "--json")[
            "id"
        ]
        ids.append(cid)
        for step in steps:
            if step == "unreachable":
                kefu.ok("callback", "unreachable", cid, "--reason", "号码错误且信函退回", "--at", "2026-10-20T10:00")
                continue
            method, result, at = step
            extra = ["--recording", f"REC-{cid}-{at}"] if method == "phone" else []
            if method in ("letter", "visit") and result == "success":
                extra.append("--receipt")
            kefu.ok("callback", "attempt", cid, "--method", method, "--result", result, "--at", at, *extra)
    assert len(ids) == 20
    return ids


def test_october_totals(kefu, sample):
    k = kefu.ok("callback", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--json")
    assert k["from"] == "2026-10-01" and k["to"] == "2026-10-31" and k["branch"] is None
    assert (k["success_rate_min"], k["letter_visit_max"]) == (90, 10)
    total = {key: k[key] for key in _figures(*[0] * 16)}
    assert total == _figures(18, 11, 2, 2, 1, 2, 2, 8, 5, 4, 78.57, 18.18, 72.73, 80.0, False, False)


def test_by_branch_handler_kind(kefu, sample):
    k = kefu.ok("callback", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--json")
    # 东城 (1–8): due 8; success 5 (1,2,3,4,8); refused 1; cancelled 1; open 1.
    #   rate 5/(8−1−1) = 5/6 = 83.33%; letter 1/5 = 20%; on time 4/5 = 80%; cooling-off 4/5 = 80%.
    # 西城 (9–18): due 10; success 6 (9,10,11,15,16,17); refused 1; cancelled 1; unreachable 1; open 1.
    #   rate 6/8 = 75%; visit 1/6 = 16.67%; on time 4 (9,11,15,16)/6 = 66.67%; no new policies.
    assert k["by_branch"] == [
        {"branch": "东城", **_figures(8, 5, 1, 1, 0, 1, 1, 4, 5, 4, 83.33, 20.0, 80.0, 80.0, False, False)},
        {"branch": "西城", **_figures(10, 6, 1, 1, 1, 1, 1, 4, 0, 0, 75.0, 16.67, 66.67, None, False, False)},
    ]
    # 西城/李 (9–14): due 6; success 3; refused 1; unreachable 1; open 1 → 3/5 = 60%; visit 1/3 =
    #   33.33%; on time 2 (9,11)/3 = 66.67%.
    # 西城/王 (15–18): due 4; success 3; cancelled 1 → 3/3 = 100% (meets 90%); no letter/visit (0%,
    #   within 10%); on time 2/3 = 66.67%.
    assert k["by_handler"] == [
        {
            "branch": "东城",
            "handler": "张",
            **_figures(8, 5, 1, 1, 0, 1, 1, 4, 5, 4, 83.33, 20.0, 80.0, 80.0, False, False),
        },
        {
            "branch": "西城",
            "handler": "李",
            **_figures(6, 3, 1, 0, 1, 1, 1, 2, 0, 0, 60.0, 33.33, 66.67, None, False, False),
        },
        {
            "branch": "西城",
            "handler": "王",
            **_figures(4, 3, 0, 1, 0, 0, 0, 2, 0, 0, 100.0, 0.0, 66.67, None, True, True),
        },
    ]
    assert [(g["kind"], g["due"], g["success"]) for g in k["by_kind"]] == [
        ("claim", 6, 3),
        ("new_policy", 8, 5),
        ("satisfaction", 4, 3),
    ]


def test_branch_filter_and_whole_range(kefu, sample):
    dong = kefu.ok("callback", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--branch", "东城", "--json")
    assert (dong["due"], dong["success"], dong["success_rate"]) == (8, 5, 83.33)
    assert [g["branch"] for g in dong["by_branch"]] == ["东城"]
    # No dates: all 20. Adds case 19 (new policy success on time) and case 20 (open):
    # due 20, success 12, base 20 − 2 − 2 = 16 → 75%; new policy 6 successes, 5 on time → 83.33%.
    k = kefu.ok("callback", "stats", "--json")
    assert (k["due"], k["success"], k["open"], k["success_base"], k["success_rate"]) == (20, 12, 3, 16, 75.0)
    assert (k["new_policy_success"], k["new_policy_on_time"], k["cooling_off_on_time_rate"]) == (6, 5, 83.33)
    assert (k["on_time"], k["on_time_rate"]) == (9, 75.0)


def test_line_is_a_policy_value_and_exact(kefu, sample):
    # With the line at 75%, 西城's 6/8 = 75% meets it exactly (6·100 ≥ 75·8), 东城 83.33% too.
    kefu.ok("policy", "set", "callback.success_rate_min", "75", "--json")
    kefu.ok("policy", "set", "callback.letter_visit_max", "20", "--json")
    k = kefu.ok("callback", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--json")
    assert k["success_rate_min"] == 75
    assert [(g["branch"], g["success_rate_ok"], g["letter_visit_ok"]) for g in k["by_branch"]] == [
        ("东城", True, True),  # 20% letter share equals the 20% line
        ("西城", True, True),
    ]
    assert k["success_rate_ok"] is True and k["letter_visit_ok"] is True  # 78.57 ≥ 75; 18.18 ≤ 20


def test_stats_human_table_and_bad_range(kefu, sample):
    out = kefu.ok("callback", "stats", "--from", "2026-10-01", "--to", "2026-10-31")
    assert "成功率 78.57%" in out and "未达标" in out
    assert "东城" in out and "西城" in out and "按经办人" in out
    r = kefu("callback", "stats", "--from", "2026-10-31", "--to", "2026-10-01")
    assert r.code == 2 and "--from" in r.err


def test_empty_period_has_no_rates(kefu, sample):
    k = kefu.ok("callback", "stats", "--from", "2027-01-01", "--to", "2027-01-31", "--json")
    assert k["due"] == 0 and k["success_rate"] is None and k["success_rate_ok"] is None
    assert k["by_branch"] == [] and k["by_handler"] == []
