"""The pure callback rules: the method ladder and the KPI arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu_cli.domain import callback as cb
from kefu_cli.domain.codes import parse_code
from kefu_cli.domain.errors import RuleError


def facts(*pairs):
    return [cb.AttemptFact(m, r) for m, r in pairs]


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [
        ((), "electronic"),
        ((("electronic", "no_answer"),), "phone"),
        ((("electronic", "no_answer"), ("phone", "no_answer")), "phone"),
        ((("phone", "no_answer"),) * 2, "phone"),
        ((("phone", "no_answer"),) * 3, "letter_or_visit"),
        ((("phone", "wrong_number"),), "letter_or_visit"),
        ((("phone", "no_answer"),) * 3 + (("letter", "no_answer"),), "close_unreachable"),
        ((("electronic", "wrong_number"),), "phone"),
    ],
)
def test_escalation_ladder(attempts, expected):
    assert cb.escalation(facts(*attempts), phone_attempts=3).next == expected


def test_ended_case_has_no_next_step():
    assert cb.escalation(facts(("electronic", "success")), 3, ended=True).next == cb.NextStep.NONE


def _check(method, result, *, recording=None, receipt=False, problem=None, attempts=(), status="open"):
    state = cb.escalation(facts(*attempts), 3)
    cb.check_attempt(
        method,
        result,
        recording=recording,
        receipt=receipt,
        problem=problem,
        status=status,
        state=state,
        phone_attempts=3,
        case_id="HF-1",
    )


def test_attempt_rules():
    _check("phone", "no_answer", recording="R")
    with pytest.raises(RuleError, match="录音"):
        _check("phone", "no_answer", recording="  ")
    with pytest.raises(RuleError, match="信函/上门"):
        _check("visit", "success", receipt=True, attempts=(("phone", "no_answer"),) * 2)
    _check("visit", "success", receipt=True, attempts=(("phone", "no_answer"),) * 3)
    with pytest.raises(RuleError, match="签名回执"):
        _check("letter", "success", attempts=(("phone", "wrong_number"),))
    _check("letter", "no_answer", attempts=(("phone", "wrong_number"),))  # a failed letter needs no receipt
    with pytest.raises(RuleError, match="已结束"):
        _check("electronic", "success", status="success")
    with pytest.raises(RuleError, match="没有联系到客户"):
        _check("electronic", "wrong_number", problem="x")


def test_codes_accept_chinese_labels():
    assert parse_code(cb.METHODS, "上门", "--method") == "visit"
    assert parse_code(cb.RESULTS, "拒访", "--result") == "refused"
    assert parse_code(cb.KINDS, "监管转办", "--kind") == "regulator"


def test_kpi_figures_by_hand():
    # 20 due, 2 refused, 1 cancelled → base 17; 16 successes → 94.12% ≥ 90.
    # 2 of 16 by letter/visit → 12.5% > 10.
    c = cb.KpiCounts(due=20, success=16, refused=2, cancelled=1, open=1, letter_visit=2, on_time=15)
    f = cb.kpi_figures(c, 90, 10)
    assert (f["success_base"], f["success_rate"], f["success_rate_ok"]) == (17, 94.12, True)
    assert (f["letter_visit_share"], f["letter_visit_ok"]) == (12.5, False)
    assert f["on_time_rate"] == 93.75
    assert f["cooling_off_on_time_rate"] is None


counts_st = st.builds(
    lambda due, s, r, c: cb.KpiCounts(due=due, success=min(s, due), refused=min(r, due - min(s, due)), cancelled=c),
    st.integers(0, 500),
    st.integers(0, 500),
    st.integers(0, 500),
    st.integers(0, 50),
)


@given(counts_st, st.integers(0, 100))
def test_success_line_check_agrees_with_exact_fraction(c, line):
    f = cb.kpi_figures(c, line, 10)
    base = c.due - c.refused - c.cancelled
    if base <= 0:
        assert f["success_rate"] is None and f["success_rate_ok"] is None
    else:
        from fractions import Fraction

        assert f["success_rate_ok"] == (Fraction(c.success, base) >= Fraction(line, 100))
        # rounded to two places: at most half a hundredth off the exact rate (114/192 = 59.375 → 59.38)
        assert abs(Fraction(str(f["success_rate"])) - Fraction(100 * c.success, base)) <= Fraction(1, 200)


@given(st.lists(counts_st, max_size=6))
def test_total_adds_every_field(groups):
    t = cb.total(groups)
    assert t.due == sum(g.due for g in groups)
    assert t.success == sum(g.success for g in groups)
    assert t.cancelled == sum(g.cancelled for g in groups)
