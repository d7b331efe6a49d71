"""Rectification (溯源整改) of a decided complaint's root cause (2020 rule Art. 26, RULES.md §6).

The decision names its root cause (`complaint decide --cause`, a code of domain/causes.py;
`complaint edit --cause` corrects it). `kefu complaint rectify ID --action … --owner … --due D`
opens a `rectification` deadline due on day D, held by the owner (reports list it under that
name); `kefu complaint rectified ID` meets it (late when done after D).

One rectification per complaint is enough: the complaint carries one (what, who, by when, done
when), and a second `rectify` is refused (an open one: finish it or undo it; a done one stays done).
Both are steps like any other: their transitions, the deadline `rectify` opens (domain/complaint.py
`OPENS`, rule "fixed") and the one `rectified` meets (`EFFECTS`) are rows of the complaint's tables,
and the complaint's columns are the fold of their events (`apply`), so `db verify`, undo and the
timeline know them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import complaint as sm
from ..domain.errors import InputError, RuleError
from ..domain.text import clean_text
from ..domain.timeutil import check_range
from ..store.complaint_models import Complaint
from .complaint_steps import apply_effects, move, record_step, run_step
from .complaint_views import CASE
from .context import UnitOfWork
from .deadlines import start_deadline

ONE = "每件投诉登记一项整改"


def _refuse_second(c: Complaint) -> None:
    if c.rectify_due is None:
        return
    if c.rectified_at is None:
        raise RuleError(
            f"投诉 {c.id} 已有进行中的整改(责任人 {c.rectify_owner},{c.rectify_due:%Y-%m-%d} 前完成),{ONE};"
            f"完成后请用 kefu complaint rectified {c.id},登记有误请用 kefu complaint undo {c.id} --reason …"
        )
    raise RuleError(f"投诉 {c.id} 的整改已于 {c.rectified_at:%Y-%m-%d} 完成,{ONE},不能再登记整改")


def rectify(db, complaint_id: str, *, action: str, owner: str, due: dt.date, clerk=None, at=None) -> dict[str, Any]:
    """`kefu complaint rectify ID --action TEXT --owner NAME --due DATE`: open the rectification
    deadline, due at the end of `due`, the owner its handler."""
    what = clean_text(action, "--action 整改措施", 500, required=True, multiline=True,
                      example="修订理赔时效考核办法并培训理赔人员")  # fmt: skip
    who = clean_text(owner, "--owner 整改责任人", 60, required=True, example="理赔部 王强")
    check_range(due, "--due")

    def fn(uow: UnitOfWork, c: Complaint) -> None:
        moved = move(uow, c, sm.Action.RECTIFY)
        _refuse_second(c)
        if due < uow.at.date():
            raise InputError(f"--due 整改期限 {due:%Y-%m-%d} 早于登记整改的日期 {uow.at:%Y-%m-%d},例如 --due "
                             f"{uow.at.date() + dt.timedelta(days=30):%Y-%m-%d}")  # fmt: skip
        for kind, rule, why in sm.OPENS[sm.Action.RECTIFY]:
            basis = f"{why}: {what}(责任人 {who},{due:%Y-%m-%d} 前完成)"[:255]
            start_deadline(uow, case_type=CASE, case_id=c.id, kind=kind, start_at=uow.at, rule=rule, fixed_due=due,
                           basis=basis, branch=c.branch, handler=who)  # fmt: skip
        record_step(uow, c, "rectify", moved, measure=what, owner=who, due=due)

    return run_step(db, complaint_id, clerk, at, fn)


def rectified(db, complaint_id: str, *, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    """`kefu complaint rectified ID [--at] [--note]`: the rectification done, its deadline met
    (late when after its day)."""
    text = clean_text(note, "--note 整改情况", 500, multiline=True, example="已修订办法并完成培训") if note else None

    def fn(uow: UnitOfWork, c: Complaint) -> None:
        moved = move(uow, c, sm.Action.RECTIFIED)
        if c.rectify_due is None:
            raise RuleError(f"投诉 {c.id} 没有登记整改,请先登记: kefu complaint rectify {c.id} --action … --owner … "
                            "--due …")  # fmt: skip
        if c.rectified_at is not None:
            raise RuleError(f"投诉 {c.id} 的整改已于 {c.rectified_at:%Y-%m-%d %H:%M} 登记完成,不需要重复登记")
        met = apply_effects(uow, c, sm.Action.RECTIFIED).get("met", [])
        record_step(uow, c, "rectified", moved, note=text, late=any(d.breached for d in met))

    return run_step(db, complaint_id, clerk, at, fn)
