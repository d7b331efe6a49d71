"""Master lists: branches (机构, with their letterhead) and handlers (经办人).

Every change is audited (entity `branch` or `handler`) in the same transaction. A list that
has never been set up (no row at all) checks nothing, so a fresh database works before an
administrator enters the lists; once it has rows, a case, an assignment or a report filter
that names an unknown branch or handler is refused with "did you mean" suggestions.
Registration and assignment take `--new-handler` / `--new-branch` to add the name on the spot.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from ..domain.errors import InputError, NotFoundError, RuleError
from ..domain.masters import unknown_sentence
from ..domain.text import clean_text
from .context import UnitOfWork, unit_of_work

# The checks on every registration read the two tables with plain SQL: defining the ORM
# classes costs start-up time a clerk's `complaint add` should not pay. The classes
# (store/master_models.py) are imported where a row is added or listed.

BRANCH_EXAMPLE = "朝阳支公司"
HANDLER_EXAMPLE = "李娜"


def _name(value: str, field: str, example: str) -> str:
    name = clean_text(value, field, 60, example=example)
    if not name:
        raise InputError(f"{field} 不能为空,例如 {example}")
    return name


def branch_row(b) -> dict[str, Any]:
    return dict(
        name=b.name, full_name=b.full_name, address=b.address, phone=b.phone, active=b.active,
        created_at=b.created_at, created_by=b.created_by,
    )


def handler_row(h) -> dict[str, Any]:
    return dict(name=h.name, branch=h.branch, active=h.active, created_at=h.created_at, created_by=h.created_by)


def _add_branch(uow: UnitOfWork, name: str, full_name: str = "", address: str = "", phone: str = ""):
    from ..store.master_models import Branch

    b = Branch(
        name=name, full_name=full_name, address=address, phone=phone, active=True,
        created_at=uow.at, created_by=uow.clerk, updated_at=uow.at,
    )
    uow.session.add(b)
    uow.session.flush()  # the plain-SQL checks below see it
    uow.audit("branch", name, "add", None, "active", full_name=full_name, address=address, phone=phone)
    return b


def _add_handler(uow: UnitOfWork, name: str, branch: str):
    from ..store.master_models import Handler

    h = Handler(name=name, branch=branch, active=True, created_at=uow.at, created_by=uow.clerk, updated_at=uow.at)
    uow.session.add(h)
    uow.session.flush()
    uow.audit("handler", name, "add", None, "active", branch=branch)
    return h


def add_branch(
    db, name: str, full_name: str = "", address: str = "", phone: str = "", clerk=None, at=None
) -> dict[str, Any]:
    name = _name(name, "机构名称", BRANCH_EXAMPLE)
    full_name = clean_text(full_name or "", "--full-name 机构全称", 100, example="XX人寿保险股份有限公司北京朝阳支公司")
    address = clean_text(address or "", "--address 地址", 255, example="北京市朝阳区建国路 88 号")
    phone = clean_text(phone or "", "--phone 客服电话", 40, example="010-65001234")
    if phone and not re.fullmatch(r"\+?[0-9][0-9 \-()转]{3,38}", phone):
        digits = sum(ch.isdigit() for ch in phone)
        problem = f"只有 {digits} 位数字,至少 5 位" if digits < 5 else "只能包含数字、空格和连字符"
        raise InputError(f"--phone 客服电话{problem},例如 010-65001234 或 95555")
    from ..store.master_models import Branch

    with unit_of_work(db, clerk, at) as uow:
        old = uow.session.get(Branch, name)
        if old is None:
            return branch_row(_add_branch(uow, name, full_name, address, phone)) | {"created": True}
        # an existing branch: the letterhead fields given are updated (audited with old values)
        changes = {k: v for k, v in dict(full_name=full_name, address=address, phone=phone).items() if v and v != getattr(old, k)}
        if not changes and old.active:
            return branch_row(old) | {"created": False, "changed": {}}
        before = {k: getattr(old, k) for k in changes}
        for k, v in changes.items():
            setattr(old, k, v)
        if not old.active:
            changes["active"], before["active"] = True, False
            old.active = True
        old.updated_at = uow.at
        uow.audit("branch", name, "update", None, "active", before=before, after=changes)
        return branch_row(old) | {"created": False, "changed": changes}


def list_branches(db, include_inactive: bool = True) -> list[dict[str, Any]]:
    from ..store.master_models import Branch

    with unit_of_work(db, write=False) as uow:
        rows = uow.session.exec(select(Branch).order_by(Branch.name)).all()
        return [branch_row(b) for b in rows if include_inactive or b.active]


def add_handler(db, name: str, branch: str = "", clerk=None, at=None, new_branch: bool = False) -> dict[str, Any]:
    name = _name(name, "经办人姓名", HANDLER_EXAMPLE)
    from ..store.master_models import Handler

    with unit_of_work(db, clerk, at) as uow:
        branch = ensure_branch(uow, branch, new_branch) if branch else ""
        old = uow.session.get(Handler, name)
        if old is None:
            return handler_row(_add_handler(uow, name, branch)) | {"created": True}
        if old.active and (not branch or branch == old.branch):
            return handler_row(old) | {"created": False}
        before = dict(active=old.active, branch=old.branch)
        old.active, old.branch, old.updated_at = True, branch or old.branch, uow.at
        uow.audit("handler", name, "update", "retired" if not before["active"] else "active", "active",
                  before=before, after=dict(active=True, branch=old.branch))
        return handler_row(old) | {"created": False}


def retire_handler(db, name: str, clerk=None, at=None) -> dict[str, Any]:
    name = _name(name, "经办人姓名", HANDLER_EXAMPLE)
    from ..store.master_models import Handler

    with unit_of_work(db, clerk, at) as uow:
        h = uow.session.get(Handler, name)
        if h is None:
            known = uow.session.exec(select(Handler.name)).all()
            raise NotFoundError(unknown_sentence("经办人", "", name, known, "用 `kefu handler list` 查看名单"))
        if not h.active:
            raise RuleError(f"经办人 {name} 已于此前停用")
        from ..store.complaint_models import Complaint  # cases still held: told, not refused

        h.active, h.updated_at = False, uow.at
        uow.audit("handler", name, "retire", "active", "retired")
        from sqlalchemy import func

        held = uow.session.exec(
            select(func.count()).select_from(Complaint).where(
                Complaint.handler == name, Complaint.decided_at.is_(None), Complaint.withdrawn_at.is_(None),
                Complaint.voided_at.is_(None), Complaint.merged_into.is_(None),
            )
        ).one()
        return handler_row(h) | {"open_complaints": held}


def list_handlers(db, branch: str | None = None, include_retired: bool = False) -> list[dict[str, Any]]:
    from ..store.master_models import Handler

    with unit_of_work(db, write=False) as uow:
        if branch:
            check_names(uow.session, branch=branch)
        stmt = select(Handler).order_by(Handler.branch, Handler.name)
        if branch:
            stmt = stmt.where(Handler.branch == branch.strip())
        return [handler_row(h) for h in uow.session.exec(stmt).all() if include_retired or h.active]


def branch_info(session: Session, name: str) -> dict[str, Any] | None:
    """The branch's letterhead (name, full name, address, service phone), or None."""
    from ..store.master_models import Branch

    b = session.get(Branch, (name or "").strip())
    return None if b is None else branch_row(b)


def _known(session: Session, table: str) -> list[str]:
    return [n for (n,) in session.execute(text(f"SELECT name FROM {table}"))]  # noqa: S608 - fixed names


def check_names(session: Session, branch: str | None = None, handler: str | None = None) -> None:
    """A report or list filter naming a branch or handler that is not on a (non-empty) list:
    exit 2 with suggestions instead of an empty report. Retired handlers are fine here."""
    from ..domain.masters import check_filter

    check_filter(branch, handler, lambda table: _known(session, table))


def ensure_branch(uow: UnitOfWork, branch: str, new: bool = False) -> str:
    """The branch a case is given: on the list, or added now with `new` (`--new-branch`).
    An import checks its names the same way: a file with an unknown name is refused row by row
    with the suggestions (a typo in a spreadsheet must not grow the list)."""
    branch = (branch or "").strip()
    if not branch:
        return branch
    session = uow.session
    if session.execute(text("SELECT 1 FROM branch WHERE name = :n"), {"n": branch}).first() is not None:
        return branch
    known = _known(session, "branch")
    if new:
        _add_branch(uow, branch)
    elif known:
        raise InputError(
            unknown_sentence("机构", "--branch", branch, known, f"新机构请先 `kefu branch add {branch}`(登记、改派时也可加 --new-branch)")
        )
    return branch


def ensure_handler(uow: UnitOfWork, handler: str, branch: str = "", new: bool = False) -> str:
    """The handler a case is given: active on the list, or added now with `new` (`--new-handler`)."""
    handler = (handler or "").strip()
    if not handler:
        return handler
    session = uow.session
    h = session.execute(text("SELECT active FROM handler WHERE name = :n"), {"n": handler}).first()
    if h is not None:
        if not h[0]:
            raise RuleError(f"经办人 {handler} 已停用,不能再接案;请改派给在岗的经办人(`kefu handler list`)")
        return handler
    known = _known(session, "handler")
    if new:
        _add_handler(uow, handler, branch)
    elif known:
        raise InputError(
            unknown_sentence(
                "经办人", "--handler", handler, known, f"新同事请先 `kefu handler add {handler}`(登记、改派时也可加 --new-handler)"
            )
        )
    return handler
