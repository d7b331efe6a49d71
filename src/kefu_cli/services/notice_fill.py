"""One notice filled from a complaint, on either source: what `kefu notice ID --type T` checks
before it opens the database (`prepare`), the letter filled and rendered (`fill`), and what the
command prints (`result`). services/notices.py `make` runs them in a unit of work (writing a file,
issuing); `quick_preview` runs them on plain sqlite3 for a preview on a current SQLite file, so
the notice a clerk opens most takes no ORM start-up (tests/test_quick_show.py compares both)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..domain import notices as nd
from ..domain.codes import parse_code
from ..domain.deadlines import END_OF_DAY
from ..domain.errors import InputError
from ..domain.notices import NoticeType
from .notice_facts import Facts, case_events, details_of, facts
from .notice_templates import Template, find_template, notice_type, preview_text, render, template_fields


@dataclass
class Asked:
    """A notice as asked for, checked before the database is opened."""

    kind: NoticeType
    via: str
    proof: str | None  # the proof of telling (Art. 21): tracking number, message id, recording, signed receipt
    template: Template
    why_again: str | None  # a re-issue's reason
    warnings: list[str]


def prepare(
    complaint_id: str,
    kind: str,
    *,
    issue: bool,
    via: str | None,
    reason: str | None,
    reissue: bool,
    templates,
    proof: str | None = None,
) -> Asked:
    from ..domain.text import clean_text
    from .notice_templates import templates_folder

    k = notice_type(kind)
    if via is not None and not issue:
        raise InputError("--via 只和 --issue 一起使用(记录告知书的发出方式),例如 --issue --via 信函")
    why_again = None
    if reissue:
        why_again = clean_text(reason, "--reason 补发原因", 200, example="投诉人称未收到原件")
        if not why_again:
            raise InputError(
                f"--reissue 要写明补发的原因,例如 kefu notice {complaint_id} --type {k.value} --reissue --reason 投诉人称未收到原件"
            )
    if proof is not None and not issue:
        raise InputError(
            "--proof 只和 --issue 一起使用(记录告知的凭证),例如 --issue --via 短信 --proof SMS20261201-0001"
        )
    via_code = parse_code(nd.VIAS, via or nd.DEFAULT_VIA, "--via 发出方式")
    proof_ref = None
    if proof is not None:
        proof_ref = clean_text(proof, "--proof 发出凭证", 100, example="EMS1234567890CN") or None
        if proof_ref is None:
            raise InputError(f"--proof 发出凭证不能为空: 请写{nd.PROOF_ZH[via_code]},例如 --proof EMS1234567890CN")
    warnings: list[str] = []
    tpl = find_template(k, templates_folder(templates), warnings)
    template_fields(tpl)  # a broken template is refused before the database is opened for writing
    return Asked(k, via_code, proof_ref, tpl, why_again, warnings)


@dataclass
class Filled:
    facts: Facts
    earlier: list  # the notices of this type issued before (events)
    data: bytes  # the rendered .docx


def issued(events: list, kind: NoticeType) -> list:
    return [e for e in events if e.action == "notice" and details_of(e).get("type") == kind.value]


def fill(src, c, asked: Asked, *, notice_at: dt.datetime, materials, reason, recipient, reissue, note_for_customer):
    """The facts of the notice for complaint `c` (RuleError when it does not fit the case) and the
    rendered document."""
    k = asked.kind
    events = case_events(src, c)
    earlier = issued(events, k)
    f = facts(src, c, k, notice_at=notice_at, materials=materials, reason=None if reissue else reason,
              recipient=recipient, reissue=reissue, note_for_customer=note_for_customer)  # fmt: skip
    said = next((details_of(e).get("reason") for e in reversed(earlier) if details_of(e).get("reason")), None)
    if reissue and k is NoticeType.EXTENSION and said:  # --reason says why it goes again: the letter keeps its own
        f.context["extension_reason"] = said
    asked.warnings += f.warnings
    if (
        k is NoticeType.PAUSE
        and f.context.get("pause_kind") == "调解"
        and "pause_text" not in template_fields(asked.template)
    ):
        asked.warnings.append(  # an administrator's template from before pauses had kinds speaks of an appraisal
            f"模板 {asked.template.name} 没有使用 {{{{ pause_text }}}},写不出“调解”和办法第二十三条: "
            "请在 Word 中把该字段加入中止告知书模板(见 字段说明.txt)"
        )
    return Filled(f, earlier, render(asked.template, f.context))


def on_time(f: Facts, at: dt.datetime) -> bool | None:
    return None if f.due is None else at <= dt.datetime.combine(f.due, END_OF_DAY)


def result(c, asked: Asked, filled: Filled, *, at, clerk, issue, step=None, written=None) -> dict[str, Any]:
    """What `kefu notice` prints (and --json gives) for one notice."""
    from .notice_templates import sha256

    k, f = asked.kind, filled.facts
    return {
        "id": c.id,
        "type": k.value,
        "title": nd.TITLES[k],
        "label": nd.label(k),
        "issued": issue,
        "via": asked.via if issue else None,
        "proof": asked.proof,
        "proven": asked.proof is not None if issue else None,
        "at": at,
        "clerk": clerk,
        "file": str(written) if written else None,
        "sha256": sha256(filled.data),
        "template": asked.template.source,
        "deadline": {"kind": f.deadline_kind, "due": f.due, "on_time": on_time(f, at)},
        "step": step,
        "reissue": asked.why_again,
        "issued_before": [
            {"at": e.at, **nd.proof_state(details_of(e)), "sha256": details_of(e).get("sha256")} for e in filled.earlier
        ],
        "warnings": asked.warnings,
        "fields": f.context,
        "text": preview_text(filled.data),
    }


def quick_preview(
    db: str | None,
    complaint_id: str,
    kind: str,
    *,
    via: str | None = None,
    proof: str | None = None,
    materials: str | None = None,
    reason: str | None = None,
    recipient: str | None = None,
    templates: str | None = None,
    clerk: str | None = None,
    reissue: bool = False,
    note_for_customer: bool = False,
) -> dict[str, Any] | None:
    """A preview (nothing written) read with plain sqlite3, as `make` gives it; None when the
    database is not a current SQLite file or the number is not a complaint's (the unit of work
    then answers, with its sentence)."""
    from ..domain.codes import case_number
    from ..store import quick
    from ..userconfig import default_clerk
    from . import clock
    from .notice_facts import complaint_row
    from .report_source import QuickSource

    asked = prepare(complaint_id, kind, issue=False, via=via, proof=proof, reason=reason, reissue=reissue,
                    templates=templates)  # fmt: skip
    with quick.connect(db) as conn:
        if conn is None:
            return None
        src = QuickSource(conn)
        c = complaint_row(src, case_number((complaint_id or "").strip()) or "")
        if c is None:
            return None
        at = clock.now()
        filled = fill(src, c, asked, notice_at=at, materials=materials, reason=reason, recipient=recipient,
                      reissue=reissue, note_for_customer=note_for_customer)  # fmt: skip
        return result(c, asked, filled, at=at, clerk=clerk or default_clerk(), issue=False)
