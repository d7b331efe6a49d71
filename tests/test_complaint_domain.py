"""The complaint state machine as pure code: every (status, action) pair."""

from __future__ import annotations

import pytest

from kefu_cli.domain import complaint as sm
from kefu_cli.domain.errors import RuleError

ENDED = {
    sm.Status.DECIDED, sm.Status.REJECTED, sm.Status.TRANSFERRED, sm.Status.MERGED, sm.Status.WITHDRAWN,
    sm.Status.REVIEWED,
}  # fmt: skip
# Actions that only record something and leave the status as it is.
RECORDING = {
    sm.Action.REGULATOR_REPORT,
    sm.Action.NOTIFY,
    sm.Action.MATERIALS_MISSING,
    sm.Action.INVESTIGATE,
    sm.Action.EXTEND,
    sm.Action.RECEIVE_MERGE,
    sm.Action.RECTIFY,  # the rectification (溯源整改) of a decided complaint keeps its status
    sm.Action.RECTIFIED,
    sm.Action.MAJOR,
    sm.Action.ESCALATE,
}
# Steps a complaint takes after its decision, whatever its review made of it (Art. 26).
AFTER_DECISION = {sm.Action.RECTIFY, sm.Action.RECTIFIED}
# Owed whatever became of the complaint: the regulator's report, a major complaint's naming and report (Art. 29).
OWED = {sm.Action.REGULATOR_REPORT, sm.Action.MAJOR, sm.Action.ESCALATE}


@pytest.mark.parametrize("status", list(sm.Status))
@pytest.mark.parametrize("action", list(sm.Action))
def test_every_pair_moves_or_refuses_with_a_clear_sentence(status, action):
    try:
        after = sm.check(status, action)
    except RuleError as exc:
        text = str(exc)
        assert f"“{sm.STATUS_ZH[status]}”" in text
        assert sm.ACTION_ZH[action] in text
        assert "允许的操作" in text
        for allowed in sm.allowed_actions(status):
            assert sm.ACTION_ZH[allowed] in text
        return
    if action in RECORDING:
        assert after == status
    else:
        assert after != status
    if status in ENDED:
        # An ended case only takes what is owed whatever became of it (the regulator report, a major
        # complaint's naming and report); a decided one also a review request (Art. 20), and a decided or
        # reviewed one its rectification (Art. 26).
        assert (
            action in OWED
            or (status, action) == (sm.Status.DECIDED, sm.Action.REVIEW)
            or (action in AFTER_DECISION and status in (sm.Status.DECIDED, sm.Status.REVIEWED))
        )
    if status is sm.Status.WITHDRAWN:
        pytest.fail("a withdrawn complaint accepts no action")


def test_named_paths():
    s = sm.Status.AWAITING_MATERIALS
    for action, expected in [
        (sm.Action.MATERIALS_COMPLETE, sm.Status.REGISTERED),
        (sm.Action.ACCEPT, sm.Status.ACCEPTED),
        (sm.Action.PAUSE, sm.Status.PAUSED),
        (sm.Action.RESUME, sm.Status.ACCEPTED),
        (sm.Action.DECIDE, sm.Status.DECIDED),
    ]:
        s = sm.check(s, action)
        assert s is expected
    assert sm.allowed_actions(sm.Status.WITHDRAWN) == []
    with pytest.raises(RuleError, match="无\\(案件已办结\\)"):
        sm.check(sm.Status.WITHDRAWN, sm.Action.ACCEPT)


def test_duplicate_reason_and_merge_targets():
    assert sm.duplicate_reason(sm.Status.DECIDED) is sm.RejectReason.DUPLICATE_DECIDED
    for s in sm.OPEN_STATUSES:
        assert sm.duplicate_reason(s) is sm.RejectReason.DUPLICATE_OPEN
    sm.check_merge_target(sm.Status.ACCEPTED, new_facts=True)
    for s in (sm.Status.PAUSED, sm.Status.DECIDED, sm.Status.REJECTED, sm.Status.AWAITING_MATERIALS):
        with pytest.raises(RuleError, match=sm.STATUS_ZH[s].replace("(", "\\(").replace(")", "\\)")):
            sm.check_merge_target(s, new_facts=True)
    with pytest.raises(RuleError):
        sm.check_merge_target(sm.Status.WITHDRAWN, new_facts=False)
    assert set(sm.REJECT_REASONS) == {
        "not_consumer",
        "duplicate_open",
        "duplicate_decided",
        "not_company",
        "not_complaint",
    }


def test_extension_levels():
    assert sm.check_extension(None, "complex", None) is sm.ExtensionLevel.COMPLEX
    assert sm.check_extension("complex", "special", "王总") is sm.ExtensionLevel.SPECIAL
    assert sm.check_extension(None, "special", "王总") is sm.ExtensionLevel.SPECIAL
    with pytest.raises(RuleError, match="--approver"):
        sm.check_extension("complex", "special", "  ")
    with pytest.raises(RuleError, match="重复"):
        sm.check_extension("complex", "complex", None)
    with pytest.raises(RuleError, match="不能再延期"):
        sm.check_extension("special", "complex", None)
