"""Written notices (告知书): fill a Word template from a complaint, preview it, write it, record
that it went out.

    make(db, "TS-20261009-0001", "acceptance")                       # preview (nothing written)
    make(db, ID, "acceptance", out="受理.docx")                       # the .docx, not recorded
    make(db, ID, "acceptance", issue=True, via="letter")              # .docx + audit event
    batch(db, due_within=3, out_dir="今日告知书")                      # every notice owed soon
    export_templates("模板")  /  check_templates("模板")               # for an administrator

Templates: `kefu_cli/notices/templates/<type>.docx` (docxtpl, Jinja fields), or the same file
name in the folder `--templates DIR` / `KEFU_TEMPLATES` names (a type missing there falls back to
the built-in one, with a warning). A template is checked before anything is rendered: a field kefu
does not provide, a required field left out (domain/notices.py `REQUIRED`), a placeholder that
is not valid Jinja, or one left in the document after rendering is refused (InputError naming the
template and the field, exit 2) and nothing is written. Rendering runs in a sandboxed Jinja
environment with StrictUndefined and XML escaping on.

Issuing (`issue=True`) is a step of the case, in one unit of work: checked against the case's
previous step (`--at`), an audit event `notice` on the complaint with the document's SHA-256,
the deadline it answers and whether it went out within it. Which deadline it meets:

- supplement: issuing it is the `notify` step (the supplement notice deadline is met then), when
  that step was not recorded yet; otherwise the written notice follows an oral one.
- regulator_report: issuing it is the `regulator-report` step when not recorded yet.
- acceptance / rejection / transfer / extension / pause / decision: the step (accept, reject, …)
  was recorded before and met its deadline as it always has (the rules ask that the complainant
  be told, by any means, within the limit; a call counts). The notice records the writing: told
  at, the due date of the deadline the step answered, `on_time`. A notice that does not fit the
  case's state (a rejection notice for an accepted case, a decision notice before a decision) is
  refused.

Missing letterhead: the branch's full name falls back to the branch's name (a warning says so);
a missing address or service phone is printed as “（未登记地址）” / “（未登记客服电话）” in a
preview or a written file, with a warning naming the `kefu branch add` command that fills it,
and an issue is refused until it is filled — a letter that went out is never incomplete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from ..domain import complaint as sm
from ..domain import notices as nd
from ..domain.codes import CATEGORIES, label, parse_code
from ..domain.deadlines import END_OF_DAY, RUNNING, DeadlineKind, DeadlineStatus, working_days_left
from ..domain.errors import InputError, RuleError
from ..domain.notices import NoticeType, zh_date
from ..domain.policy import Start, Unit
from ..domain.text import clean_text
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent, Deadline
from . import clock
from .context import UnitOfWork, unit_of_work

CASE = "complaint"
TEMPLATES_ENV = "KEFU_TEMPLATES"
MISSING_ADDRESS = "（未登记地址）"
MISSING_PHONE = "（未登记客服电话）"
DEFAULT_RECIPIENT = "监管部门"
FIELD_NOTES = "字段说明.txt"


# --- templates ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Template:
    kind: NoticeType
    path: Path
    builtin: bool

    @property
    def name(self) -> str:
        return f"内置模板 {self.path.name}" if self.builtin else str(self.path)

    @property
    def source(self) -> str:
        return f"builtin:{self.path.name}" if self.builtin else str(self.path)


def notice_type(value: str) -> NoticeType:
    return NoticeType(parse_code(nd.NOTICE_TYPES, value, "--type 告知书类型"))


def templates_folder(given: str | None, what: str = "--templates") -> Path | None:
    """`--templates DIR` (`what`: how the user gave it), else KEFU_TEMPLATES, else None (the
    built-in templates)."""
    text = given if given is not None else os.environ.get(TEMPLATES_ENV)
    if not text or not text.strip():
        return None
    folder = Path(text.strip()).expanduser()
    if not folder.is_dir():
        where = what if given is not None else f"环境变量 {TEMPLATES_ENV}"
        if folder.exists():
            raise InputError(
                f"{folder} 是一个文件,不是模板目录({where}): 请改为导出模板的目录(kefu notice templates export 目录)"
            )
        raise InputError(f"模板目录 {folder} 不存在({where}): 请先导出模板,例如 kefu notice templates export {folder}")
    return folder


def find_template(kind: NoticeType, folder: Path | None, warnings: list[str] | None = None) -> Template:
    from ..notices import builtin_template

    if folder is not None:
        path = folder / f"{kind.value}.docx"
        if path.is_file():
            return Template(kind, path, False)
        if warnings is not None:
            warnings.append(f"模板目录 {folder} 中没有 {path.name},{nd.label(kind)}使用内置模板")
    return Template(kind, builtin_template(kind.value), True)


def _jinja_env():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


_TAGS = re.compile(r"<[^>]+>")


def _near(xml: str, lineno: int | None) -> str:
    """The document text around line `lineno` of the XML Jinja parsed (for an error message)."""
    if not lineno:
        return ""
    lines = xml.splitlines()
    lo = max(lineno - 2, 0)
    text = html.unescape(_TAGS.sub("", " ".join(lines[lo : lineno + 1]))).strip()
    return text[:60]


def _template_error(tpl: Template, exc: Exception, xml: str | None = None) -> InputError:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    fix = "请在 Word 中改正后重试(字段写成 {{ 字段名 }},例如 {{ case_no }};可用字段见导出的 字段说明.txt)"
    if isinstance(exc, TemplateSyntaxError):
        near = _near(xml or "", exc.lineno) if xml else ""
        where = f",附近文字“{near}”" if near else ""
        return InputError(f"模板 {tpl.name} 的占位符写法有误({exc.message}{where}),未生成任何文件: {fix}")
    if isinstance(exc, UndefinedError):
        return InputError(f"模板 {tpl.name} 用到了 kefu 不提供的内容({exc.message}),未生成任何文件: {fix}")
    if isinstance(exc, SecurityError):
        return InputError(f"模板 {tpl.name} 用到了不允许的写法({exc}),未生成任何文件: {fix}")
    return InputError(f"模板 {tpl.name} 无法生成告知书({type(exc).__name__}: {exc}),未生成任何文件: {fix}")


def _open(tpl: Template):
    from docxtpl import DocxTemplate

    if not tpl.path.is_file():
        raise InputError(f"找不到模板 {tpl.name}: 请重新导出模板(kefu notice templates export DIR)")
    try:
        doc = DocxTemplate(str(tpl.path))
        doc.init_docx()
    except Exception as exc:  # noqa: BLE001 - python-docx raises several kinds for a file that is not a .docx
        raise InputError(
            f"模板 {tpl.name} 不是有效的 Word 文档(.docx)({type(exc).__name__}),未生成任何文件: "
            "请在 Word 中用“另存为 → Word 文档(*.docx)”保存后重试"
        ) from None
    return doc


_checked: dict[tuple, frozenset[str]] = {}  # (kind, path, mtime, size) -> fields of a template that passed


def template_fields(tpl: Template) -> frozenset[str]:
    """The fields `tpl` uses, after checking them: InputError naming an unknown field, a missing
    required one, or a placeholder Jinja can not read. A file checked before and not changed
    since is not read again."""
    try:
        st = tpl.path.stat()
        key = (tpl.kind, str(tpl.path), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None and key in _checked:
        return _checked[key]
    used = _check_fields(tpl)
    if key is not None:
        _checked[key] = used
    return used


def _check_fields(tpl: Template) -> frozenset[str]:
    from jinja2 import TemplateError

    doc = _open(tpl)
    env = _jinja_env()
    try:
        used = set(doc.get_undeclared_template_variables(env))
    except TemplateError as exc:
        xml = None
        try:
            xml = doc.patch_xml(doc.get_xml())
        except Exception:  # noqa: BLE001 - only for the message
            xml = None
        raise _template_error(tpl, exc, xml) from None
    allowed = set(nd.fields_for(tpl.kind))
    unknown = sorted(used - allowed)
    if unknown:
        names = "、".join("{{ " + f + " }}" for f in unknown)
        raise InputError(
            f"模板 {tpl.name} 使用了 kefu 不提供的字段 {names},未生成任何文件: "
            f"{nd.label(tpl.kind)}可用的字段: {'、'.join(nd.fields_for(tpl.kind))}(说明见 字段说明.txt)"
        )
    missing = nd.missing_required(tpl.kind, used)
    if missing:

        def name(entry: str) -> str:
            return " 或 ".join("{{ " + f + " }}" + f"({nd.FIELD_ZH[f].split(',')[0]})" for f in entry.split("|"))

        names = "、".join(name(m) for m in missing)
        raise InputError(
            f"模板 {tpl.name} 缺少必需的字段 {names},未生成任何文件: {nd.label(tpl.kind)}必须写明这些内容,"
            "请在 Word 中把字段加回模板"
        )
    return frozenset(used)


_W_P = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_W_T = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}")


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph of a .docx (body, tables, headers, footers, notes), in order."""
    import zipfile

    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = [
            n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", n)
        ]
        for name in sorted(names, key=lambda n: (not n.endswith("document.xml"), n)):
            xml = z.read(name).decode("utf-8", "replace")
            for p in _W_P.findall(xml):
                out.append(html.unescape("".join(_W_T.findall(p))))
    return out


class BlankField(InputError):
    """A field the template uses has no value for this case (the case, not the template, is at fault)."""


def render(tpl: Template, context: dict[str, str]) -> bytes:
    """The filled document as .docx bytes (same template and facts: same bytes)."""
    from jinja2 import TemplateError

    from ..notices import stable_zip

    used = template_fields(tpl)
    blank = [f for f in sorted(used) if not str(context.get(f, "")).strip()]
    if blank:  # a fact this case does not have: say which, never print an empty line
        f = blank[0]
        raise BlankField(f"告知书字段 {{{{ {f} }}}}({nd.FIELD_ZH[f]})在本案中没有内容,未生成任何文件")
    doc = _open(tpl)
    try:
        doc.render({k: context[k] for k in context}, _jinja_env(), autoescape=True)
        buf = io.BytesIO()
        doc.save(buf)
    except TemplateError as exc:
        raise _template_error(tpl, exc) from None
    data = stable_zip(buf.getvalue())
    for text in docx_paragraphs(data):
        m = _LEFTOVER.search(text)
        if m:
            raise InputError(
                f"模板 {tpl.name} 中有未能识别的占位符“{text[max(m.start() - 10, 0) : m.end() + 10]}”,未生成任何文件: "
                "字段要写成 {{ 字段名 }}(两层花括号),例如 {{ case_no }}"
            )
    return data


def preview_text(data: bytes, width: int = 60) -> str:
    """A plain-text rendering of the document for a terminal: centred and right-aligned lines
    kept so, first-line indents as two full-width spaces, tables as rows joined by ' | '."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from rich.cells import cell_len

    doc = Document(io.BytesIO(data))
    lines: list[str] = []

    def paragraph(p: Paragraph) -> None:
        text = p.text.replace("\t", " ").rstrip()
        align = p.alignment
        indent = p.paragraph_format.first_line_indent
        if align == WD_ALIGN_PARAGRAPH.CENTER and text:
            text = " " * max((width - cell_len(text)) // 2, 0) + text
        elif align == WD_ALIGN_PARAGRAPH.RIGHT and text:
            text = " " * max(width - cell_len(text), 0) + text
        elif indent and indent > 0 and text:
            text = "\u3000\u3000" + text
        lines.append(text)

    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph(Paragraph(child, doc))
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                lines.append(" | ".join(c.text.strip() for c in row.cells))
    footer = [p.text.strip() for s in doc.sections for p in s.footer.paragraphs if p.text.strip()]
    if footer:
        lines += ["", "—" * 10, *dict.fromkeys(footer)]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_docx(path: str | Path, data: bytes, what: str = "--out 告知书文件") -> Path:
    """Write `data` at `path` atomically (temp file in the same folder + rename), never over the
    database in use (io/files.py `check_target`)."""
    from ..io.files import check_target

    target = Path(path).expanduser()
    check_target(target, what, example="TS-20261009-0001-acceptance.docx")
    if target.suffix.lower() != ".docx":
        raise InputError(f"{what} {target} 应为 Word 文件(.docx),例如 --out {target.with_suffix('.docx').name}")
    if target.is_dir():
        raise InputError(f"{what} {target} 是一个目录: 请给出文件名,例如 {target / 'TS-20261009-0001-acceptance.docx'}")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{what} 所在目录 {folder} 不存在: 请先创建目录,或换一个已有目录中的文件名")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# --- the facts of a case ----------------------------------------------------------------------
def _events(uow: UnitOfWork, c: Complaint) -> list[AuditEvent]:
    """The complaint's events that stand: a step reversed by `complaint undo` (and the undo
    itself) is left out, so an undone pause or extension is neither told nor reported."""
    stmt = select(AuditEvent).where(AuditEvent.entity == CASE, AuditEvent.entity_id == c.id)
    events = list(uow.session.exec(stmt.order_by(col(AuditEvent.id))).all())
    undone = {i for e in events if e.action == "undo" for i in _details(e).get("undone", [])}
    return [e for e in events if e.action != "undo" and e.id not in undone]


def _details(e: AuditEvent | None) -> dict:
    return json.loads(e.details or "{}") if e is not None else {}


def _last(events: list[AuditEvent], action: str) -> AuditEvent | None:
    return next((e for e in reversed(events) if e.action == action), None)


def _rows(uow: UnitOfWork, c: Complaint, kind: str) -> list[Deadline]:
    stmt = select(Deadline).where(Deadline.case_type == CASE, Deadline.case_id == c.id, Deadline.kind == kind)
    return [d for d in uow.session.exec(stmt.order_by(col(Deadline.id))).all() if d.status != DeadlineStatus.VOID]


def _current(rows: list[Deadline]) -> Deadline | None:
    """The running row of a kind, else the latest one."""
    running = [d for d in rows if d.status in RUNNING]
    return (running or rows or [None])[-1]


def _due_at_pause(uow: UnitOfWork, c: Complaint, pause: AuditEvent) -> dt.date | None:
    """The decision's due date as it stood when the clock stopped (its `pause` deadline event)."""
    from .deadlines import case_timeline

    for e in case_timeline(uow, CASE, c.id, _rows(uow, c, DeadlineKind.DECISION)):
        due = e["details"].get("state", {}).get("due")
        if e["entity"] == "deadline" and e["action"] == "pause" and e["at"] == pause.at and due:
            return dt.date.fromisoformat(due)
    return None


def _answered_due(uow: UnitOfWork, c: Complaint, kind: NoticeType, events: list[AuditEvent]) -> dt.date | None:
    """The due date of the deadline a notice of `kind` answers (domain/notices.py `ANSWERS`): an
    extension notice is measured against the period the complainant was promised before it, a
    pause notice against the decision's due date when the clock stopped (None: not recorded)."""
    current = _current(_rows(uow, c, nd.ANSWERS[kind]))
    due = current.due if current else None
    if kind is NoticeType.EXTENSION:
        before = _details(_last(events, "extend")).get("due_before")
        return dt.date.fromisoformat(before) if before else None
    if kind is NoticeType.PAUSE:
        pause = _last(events, "pause")
        return (_due_at_pause(uow, c, pause) if pause is not None else None) or due
    return due


def _period_text(uow: UnitOfWork, rule: str) -> str:
    """A period of the policy table as a letter says it: 自收到完整材料之日起10个工作日."""
    r = uow.policy.rule(rule)
    start = "自收到完整材料之日起" if r.start is Start.COMPLETE else "自收到投诉之日起"
    unit = {Unit.WORKDAYS: "个工作日", Unit.DAYS: "日", Unit.HOURS: "小时"}.get(r.unit, str(r.unit))
    return f"{start}{r.value}{unit}"


# The steps of a case as a report to the regulator tells them.
def _handling(c: Complaint, events: list[AuditEvent]) -> str:
    parts = [f"{zh_date(c.received_at)}收到转办的投诉并登记"]
    for e in events:
        d = _details(e)
        day = zh_date(e.at)
        if e.action == "investigate":
            parts.append(f"{day}开始调查核实")
        elif e.action == "notify":
            parts.append(f"{day}告知投诉人补充材料")
        elif e.action == "materials_complete":
            parts.append(f"{day}收到完整材料")
        elif e.action == "accept":
            parts.append(f"{day}予以受理")
        elif e.action == "reject":
            reason = label(sm.REJECT_REASONS, d.get("reason"))
            parts.append(f"{day}决定不予受理" + (f"（{reason}）" if reason else ""))
        elif e.action == "transfer":
            parts.append(f"{day}转{d.get('to') or '相关单位'}处理")
        elif e.action == "extend":
            level = nd.EXTENSION_LEVEL_ZH.get(d.get("level") or "", "")
            due = d.get("due_after")
            parts.append(f"{day}因{level}延长处理期限" + (f"至{zh_date(dt.date.fromisoformat(due))}" if due else ""))
        elif e.action == "pause":
            parts.append(f"{day}因{d.get('reason') or '外部鉴定'}中止计算处理期限")
        elif e.action == "resume":
            parts.append(f"{day}恢复处理")
        elif e.action == "merge_in":
            parts.append(f"{day}收到投诉人新的事实和理由,合并处理")
        elif e.action == "decide":
            parts.append(f"{day}作出处理决定")
        elif e.action == "withdraw":
            parts.append(f"{day}投诉人撤回投诉")
    return nd.zh_punct("；".join(parts) + "。")


def _result_for_regulator(c: Complaint, decision_due: dt.date | None, notice_on: dt.date) -> str:
    status = sm.Status(c.status)
    if status is sm.Status.DECIDED:
        return f"本公司于{zh_date(c.decided_at)}作出处理决定：{_sentence(c.result)}"
    if status is sm.Status.REJECTED:
        reason = label(sm.REJECT_REASONS, c.reject_reason)
        return nd.zh_punct(f"本公司于{zh_date(c.rejected_at)}决定不予受理,理由: {reason}。")
    if status is sm.Status.TRANSFERRED:
        return nd.transfer_wording(c.transfer_to or "相关单位", bool(c.transfer_internal), c.transferred_at)
    if status is sm.Status.WITHDRAWN:
        return f"投诉人已于{zh_date(c.withdrawn_at)}撤回投诉，本公司已终止处理。"
    if status is sm.Status.MERGED:
        return f"该投诉已并入投诉 {c.merged_into} 合并处理。"
    if status is sm.Status.PAUSED:
        return "目前因外部鉴定、检测或评估中止计算处理期限，相关工作完成后本公司将继续处理并告知投诉人。"
    if decision_due is None or decision_due < notice_on:
        return "目前正在办理中，本公司将尽快作出处理决定并告知投诉人。"
    return f"目前正在办理中，本公司将于{zh_date(decision_due)}前作出处理决定并告知投诉人。"


def _sentence(text: str | None) -> str:
    """A clerk's text as a sentence of the letter: one line, ending in a full stop."""
    t = " ".join((text or "").split())
    return t if not t or t[-1] in "。！？.!?；;" else t + "。"


@dataclass
class Facts:
    """What a notice of one case says, and the deadline it answers."""

    context: dict[str, str]
    warnings: list[str]
    missing_letterhead: list[str]
    deadline_kind: str
    due: dt.date | None


def facts(
    uow: UnitOfWork,
    c: Complaint,
    kind: NoticeType,
    *,
    notice_at: dt.datetime,
    materials: str | None = None,
    reason: str | None = None,
    recipient: str | None = None,
) -> Facts:
    """The fields of `kind` for complaint `c` (RuleError when the notice does not fit the case)."""
    from .masters import branch_info

    if c.voided_at is not None:
        raise RuleError(f"投诉 {c.id} 已作废({c.void_reason}),不能再发出告知书")
    events = _events(uow, c)
    nd.check_fits(
        kind,
        case_id=c.id,
        status=c.status,
        status_zh=sm.STATUS_ZH[sm.Status(c.status)],
        accepted=c.accepted_at is not None,
        extended=bool(c.extension_level),
        paused_ever=_last(events, "pause") is not None,
        regulator=c.channel == "regulator" and bool(c.regulator_ref),
    )
    if not (c.branch or "").strip():
        raise RuleError(
            f"投诉 {c.id} 没有所属机构,告知书要以机构的名义发出: 请先补录机构,例如 "
            f"kefu complaint edit {c.id} --branch 朝阳支公司 --reason 补录机构"
        )
    warnings: list[str] = []
    missing: list[str] = []
    branch = branch_info(uow.session, c.branch) or {}
    full_name = (branch.get("full_name") or "").strip()
    if not full_name:
        full_name = c.branch
        warnings.append(f"机构 {c.branch} 没有登记全称,告知书的信头和落款使用机构名称“{c.branch}”")
    address = (branch.get("address") or "").strip()
    phone = (branch.get("phone") or "").strip()
    if not address:
        missing.append("地址(--address)")
    if not phone:
        missing.append("客服电话(--phone)")
    if missing:
        warnings.append(
            f"机构 {c.branch} 没有登记{'和'.join(m.split('(')[0] for m in missing)},告知书中以"
            f"“{MISSING_ADDRESS if not address else MISSING_PHONE}”等字样标出;请先补充后再发出,例如 "
            f"kefu branch add {c.branch} --address 北京市朝阳区建国路88号 --phone 010-95500"
        )
    summary = " ".join((c.summary or "").split()).rstrip("。")
    ctx: dict[str, str] = {
        "case_no": c.id,
        "title": nd.TITLES[kind],
        "complainant": c.name,
        "received_date": zh_date(c.received_at),
        "notice_date": zh_date(notice_at),
        "matter": summary or f"{label(CATEGORIES, c.category)}方面的问题",
        "policy_no": c.policy_no or "未提供",
        "branch_name": full_name,
        "branch_address": address or MISSING_ADDRESS,
        "branch_phone": phone or MISSING_PHONE,
        "handler": c.handler or uow.clerk,
    }
    decision = _current(_rows(uow, c, DeadlineKind.DECISION))
    decision_due = decision.due if decision else None
    due = _answered_due(uow, c, kind, events)

    if kind is NoticeType.SUPPLEMENT:
        text = clean_text(
            materials, "--materials 需要补正的材料", 1000, multiline=True, example="授权委托书原件、受托人身份证复印件"
        )
        if not text:
            raise InputError(
                f"补正材料通知书要写明需要补充的材料: 请加 --materials,例如 kefu notice {c.id} --type 补正 "
                '--materials "授权委托书原件、受托人身份证复印件"'
            )
        ctx.update(materials=" ".join(text.split()), acceptance_limit=_period_text(uow, "complaint.acceptance") + "内")
    elif kind is NoticeType.ACCEPTANCE:
        ctx.update(accepted_date=zh_date(c.accepted_at), decision_due=zh_date(decision_due))
    elif kind is NoticeType.REJECTION:
        d = _details(_last(events, "reject"))
        dup = d.get("duplicate_of")
        note = (c.reject_note or "").strip()
        if dup and note.startswith(f"与 {dup} 重复"):
            note = note[len(f"与 {dup} 重复") :].lstrip(";；,， ")
        why, advice = nd.reject_wording(c.reject_reason or "", dup, note)
        ctx.update(rejected_date=zh_date(c.rejected_at), reject_reason=why, reject_advice=advice)
    elif kind is NoticeType.TRANSFER:
        to = c.transfer_to or ""
        ctx.update(
            transferred_date=zh_date(c.transferred_at),
            transfer_to=to,
            transfer_text=nd.transfer_wording(to, bool(c.transfer_internal), c.transferred_at),
        )
    elif kind is NoticeType.EXTENSION:
        level = c.extension_level or ""
        why = clean_text(reason, "--reason 延期理由", 200, example="需要调取医院病历")
        ctx.update(
            extension_level=nd.EXTENSION_LEVEL_ZH.get(level, level),
            extension_reason=nd.extension_reason(
                level, c.extension_approver, why, _period_text(uow, sm.EXTENSION_RULE[sm.ExtensionLevel(level)])
            ),
            approver=c.extension_approver or "无需审批",
            previous_due=zh_date(due),
            decision_due=zh_date(decision_due),
        )
    elif kind is NoticeType.PAUSE:
        pause = _last(events, "pause")
        ctx.update(
            paused_date=zh_date(pause.at),
            appraisal=(_details(pause).get("reason") or c.pause_reason or "").strip(),
            decision_due=zh_date(due),
        )
    elif kind is NoticeType.DECISION:
        ctx.update(decided_date=zh_date(c.decided_at), result=_sentence(c.result), routes=nd.ROUTES)
    elif kind is NoticeType.REGULATOR_REPORT:
        to = clean_text(recipient, "--recipient 报告对象", 100, example="国家金融监督管理总局北京监管局")
        if not to:
            to = DEFAULT_RECIPIENT
            warnings.append(
                f"没有指定报告对象(--recipient),抬头写作“{DEFAULT_RECIPIENT}”;例如 --recipient 国家金融监督管理总局北京监管局"
            )
        reg_due = c.regulator_due or due
        ctx.update(
            recipient=to,
            regulator_ref=c.regulator_ref or "",
            regulator_due=zh_date(reg_due) if reg_due else "转办单位要求的期限",
            status_text=nd.zh_punct(sm.STATUS_ZH[sm.Status(c.status)]),
            handling=_handling(c, events),
            result=_result_for_regulator(c, decision_due, notice_at.date()),
        )
    # one line each: a newline or tab in a clerk's text would become a line break, a new
    # paragraph or a tab in the letter (docxtpl reads \n, \a, \t, \f in values)
    ctx = {k: " ".join(str(v).split()) for k, v in ctx.items()}
    return Facts(ctx, warnings, missing, nd.ANSWERS[kind], due)


# --- one notice ---------------------------------------------------------------------------------
def default_file_name(case_id: str, kind: NoticeType | str) -> str:
    return f"{case_id}-{NoticeType(kind).value}.docx"


def _issued(events: list[AuditEvent], kind: NoticeType) -> list[AuditEvent]:
    return [e for e in events if e.action == "notice" and _details(e).get("type") == kind.value]


def _step(uow: UnitOfWork, c: Complaint, kind: NoticeType, via: str) -> str | None:
    """Issuing a supplement notice or a regulator report is that step when it was not recorded
    yet (the deadline is met now); returns the step's action, or None."""
    from . import core
    from .complaints import _effects, _move
    from .deadlines import open_deadlines

    note = f"书面{nd.label(kind)}({nd.VIAS[via][0]})"
    step = {NoticeType.SUPPLEMENT: sm.Action.NOTIFY, NoticeType.REGULATOR_REPORT: sm.Action.REGULATOR_REPORT}.get(kind)
    if step is None or c.status == sm.Status.WITHDRAWN:
        return None
    deadline = DeadlineKind.SUPPLEMENT_NOTICE if step is sm.Action.NOTIFY else DeadlineKind.REGULATOR_REPORT
    if not open_deadlines(uow, CASE, c.id, [deadline], RUNNING):
        return None  # the step was recorded before (an oral notice, a report by other means)
    before, after = _move(uow, c, step)
    _effects(uow, c, step)  # meets `deadline` (domain/complaint.py EFFECTS)
    core.step(uow, CASE, c, step.value, (before, after), None, note=note)
    return step.value


def make(
    db: str | None,
    complaint_id: str,
    kind: str,
    *,
    out: str | None = None,
    issue: bool = False,
    via: str | None = None,
    materials: str | None = None,
    reason: str | None = None,
    recipient: str | None = None,
    templates: str | None = None,
    clerk: str | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Fill the notice of `kind` for a complaint: the preview text, and with `out` or `issue` the
    .docx; with `issue` the audit event too (one unit of work, nothing written on any error)."""
    from .complaints import _get, _in_order

    k = notice_type(kind)
    if via is not None and not issue:
        raise InputError("--via 只和 --issue 一起使用(记录告知书的发出方式),例如 --issue --via 信函")
    via_code = parse_code(nd.VIAS, via or "letter", "--via 发出方式")
    warnings: list[str] = []
    tpl = find_template(k, templates_folder(templates), warnings)
    template_fields(tpl)  # a broken template is refused before the database is opened for writing
    with unit_of_work(db, clerk=clerk, at=at, write=issue) as uow:
        c = _get(uow, complaint_id)
        f = facts(uow, c, k, notice_at=uow.at, materials=materials, reason=reason, recipient=recipient)
        warnings += f.warnings
        if issue and f.missing_letterhead:
            raise RuleError(
                f"机构 {c.branch} 没有登记{'、'.join(f.missing_letterhead)},告知书不能带着“未登记”字样发出: "
                f"请先补充,例如 kefu branch add {c.branch} --address 北京市朝阳区建国路88号 --phone 010-95500"
            )
        data = render(tpl, f.context)
        digest = sha256(data)
        target = out if out else (default_file_name(c.id, k) if issue else None)
        on_time = None if f.due is None else uow.at <= dt.datetime.combine(f.due, END_OF_DAY)
        earlier = _issued(_events(uow, c), k)
        step = None
        if issue:
            step = _step(uow, c, k, via_code)
            if step is None:
                _in_order(uow, c)
            uow.audit(
                CASE,
                c.id,
                "notice",
                c.status,
                c.status,
                type=k.value,
                title=nd.TITLES[k],
                via=via_code,
                sha256=digest,
                file=Path(target).name if target else None,
                template=tpl.source,
                deadline=f.deadline_kind,
                due=f.due,
                on_time=on_time,
                step=step,
                materials=f.context.get("materials"),
                reason=f.context.get("extension_reason") if k is NoticeType.EXTENSION else None,
                recipient=f.context.get("recipient"),
            )
        written = write_docx(target, data) if target else None
        return {
            "id": c.id,
            "type": k.value,
            "title": nd.TITLES[k],
            "label": nd.label(k),
            "issued": issue,
            "via": via_code if issue else None,
            "at": uow.at,
            "clerk": uow.clerk,
            "file": str(written) if written else None,
            "sha256": digest,
            "template": tpl.source,
            "deadline": {"kind": f.deadline_kind, "due": f.due, "on_time": on_time},
            "step": step,
            "issued_before": [
                {"at": e.at, "via": _details(e).get("via"), "sha256": _details(e).get("sha256")} for e in earlier
            ],
            "warnings": warnings,
            "fields": f.context,
            "text": preview_text(data),
        }


# --- a day's notices ---------------------------------------------------------------------------
def owed(uow: UnitOfWork, c: Complaint) -> list[tuple[NoticeType, dt.date | None]]:
    """The notices complaint `c` still owes, each with the due date of the deadline it answers.

    A notice is owed once its step is recorded and no notice of its type was issued after that
    step; the supplement notice and the regulator's report while their own deadline runs. A
    decided case owes only its decision notice (the earlier letters are overtaken by it)."""
    events = _events(uow, c)
    issued_at: dict[str, dt.datetime] = {}
    for e in events:
        if e.action == "notice":
            issued_at[_details(e).get("type", "")] = e.at

    def not_issued_since(kind: NoticeType, step: AuditEvent | None) -> bool:
        at = issued_at.get(kind.value)
        return at is None or (step is not None and at < step.at)

    def running(kind: str) -> bool:
        return any(d.status in RUNNING for d in _rows(uow, c, kind))

    status = sm.Status(c.status)
    kinds: list[NoticeType] = []
    if status is sm.Status.AWAITING_MATERIALS and running(DeadlineKind.SUPPLEMENT_NOTICE):
        kinds.append(NoticeType.SUPPLEMENT)
    if status in (sm.Status.ACCEPTED, sm.Status.PAUSED):
        if not_issued_since(NoticeType.ACCEPTANCE, _last(events, "accept")):
            kinds.append(NoticeType.ACCEPTANCE)
        ext = _last(events, "extend")
        if ext is not None and not_issued_since(NoticeType.EXTENSION, ext):
            kinds.append(NoticeType.EXTENSION)
    if status is sm.Status.PAUSED and not_issued_since(NoticeType.PAUSE, _last(events, "pause")):
        kinds.append(NoticeType.PAUSE)
    for st, kind, step in (
        (sm.Status.REJECTED, NoticeType.REJECTION, "reject"),
        (sm.Status.TRANSFERRED, NoticeType.TRANSFER, "transfer"),
        (sm.Status.DECIDED, NoticeType.DECISION, "decide"),
    ):
        if status is st and not_issued_since(kind, _last(events, step)):
            kinds.append(kind)
    if c.channel == "regulator" and c.regulator_ref and running(DeadlineKind.REGULATOR_REPORT):
        kinds.append(NoticeType.REGULATOR_REPORT)
    out = [(kind, _answered_due(uow, c, kind, events)) for kind in kinds]
    return out


def batch(
    db: str | None,
    *,
    due_within: int,
    out_dir: str,
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    branch: str | None = None,
    templates: str | None = None,
    recipient: str | None = None,
) -> dict[str, Any]:
    """Write every notice owed whose deadline falls due within `due_within` working days of
    `as_of` (overdue ones included; with `since`, only deadlines due on or after it — for the
    first run on a database with history), one file per case and type, `<case>-<type>.docx` in
    `out_dir`. A case that can not be filled (no materials list, no branch) is listed as skipped;
    a broken template stops the batch before any file is written."""
    from ..io.files import check_target, make_private_folder
    from .masters import check_names

    as_of = as_of or clock.today()
    folder = Path(out_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder} 是一个文件: 批量生成需要一个目录,例如 --out 今日告知书")
    tfolder = templates_folder(templates)
    warnings: list[str] = []
    chosen: dict[NoticeType, Template] = {}
    items: list[dict[str, Any]] = []
    rendered: list[tuple[Path, bytes]] = []
    notice_at = dt.datetime.combine(as_of, dt.time(9, 0))
    with unit_of_work(db, write=False) as uow:
        if branch:
            check_names(uow.session, branch=branch)
        # only cases with a deadline row due by the horizon can owe a notice in the window (one query)
        # (the day before the (N+1)-th working day: a due date on a rest day after the N-th counts too)
        horizon = uow.calendar.add_workdays_date(as_of, due_within + 1) - dt.timedelta(days=1)
        kinds = [DeadlineKind.SUPPLEMENT_NOTICE, DeadlineKind.ACCEPTANCE, DeadlineKind.DECISION,
                 DeadlineKind.REGULATOR_REPORT]  # fmt: skip
        near = select(Deadline.case_id).where(
            Deadline.case_type == CASE,
            Deadline.status != DeadlineStatus.VOID,
            col(Deadline.kind).in_([str(k) for k in kinds]),
            Deadline.due <= horizon,
        )
        if since:
            near = near.where(Deadline.due >= since)
        stmt = select(Complaint).where(
            col(Complaint.voided_at).is_(None),
            col(Complaint.status).not_in([str(sm.Status.WITHDRAWN), str(sm.Status.MERGED)]),
            col(Complaint.id).in_(near.scalar_subquery()),
        )
        if branch:
            stmt = stmt.where(Complaint.branch == branch.strip())
        for c in uow.session.exec(stmt.order_by(col(Complaint.received_at), col(Complaint.id))).all():
            for kind, due in owed(uow, c):
                left = working_days_left(uow.calendar, as_of, due) if due else None
                if (left is not None and left > due_within) or (since and due and due < since):
                    continue
                item = {"case_id": c.id, "type": kind.value, "label": nd.label(kind), "due": due,
                        "working_days_left": left, "branch": c.branch, "handler": c.handler,
                        "file": None, "sha256": None, "skipped": None, "warnings": []}  # fmt: skip
                if kind is NoticeType.SUPPLEMENT:
                    item["skipped"] = f'需写明补正的材料: kefu notice {c.id} --type 补正 --materials "…" --out …'
                    items.append(item)
                    continue
                if kind not in chosen:
                    chosen[kind] = find_template(kind, tfolder, warnings)
                    template_fields(chosen[kind])
                try:
                    f = facts(uow, c, kind, notice_at=notice_at, recipient=recipient)
                except InputError as exc:
                    item["skipped"] = str(exc)
                    items.append(item)
                    continue
                try:
                    data = render(chosen[kind], f.context)
                except BlankField as exc:
                    item["skipped"] = str(exc)
                    items.append(item)
                    continue
                path = folder / default_file_name(c.id, kind)
                check_target(path, "--out 目录中的告知书文件")
                item.update(file=str(path), sha256=sha256(data), warnings=f.warnings)
                rendered.append((path, data))
                items.append(item)
    if rendered:
        make_private_folder(folder)
        for path, data in rendered:
            write_docx(path, data, "告知书文件")
    return {
        "as_of": as_of,
        "within": due_within,
        "since": since,
        "out_dir": str(folder),
        "written": len(rendered),
        "skipped": sum(1 for i in items if i["skipped"]),
        "items": items,
        "warnings": list(dict.fromkeys(warnings)),
    }


# --- the demo ----------------------------------------------------------------------------------
DEMO_FACTS = {
    "materials": "投诉人身份证明复印件、保险合同复印件及与投诉事项相关的证明材料",
    "recipient": "国家金融监督管理总局北京监管局",
}


def demo_notices(db: str, folder: str | Path, on: dt.date) -> list[dict[str, Any]]:
    """One notice of each type, for the first demo case it fits, written (not issued) into
    `folder` as `<case>-<type>.docx`: what `kefu demo` shows of the notices."""
    out_dir = Path(folder)
    notice_at = dt.datetime.combine(on, dt.time(9, 0))
    made: list[tuple[Path, bytes, dict[str, Any]]] = []
    with unit_of_work(db, write=False) as uow:
        cases = uow.session.exec(
            select(Complaint).where(col(Complaint.voided_at).is_(None)).order_by(col(Complaint.received_at))
        ).all()
        for kind in NoticeType:
            for c in cases:
                try:
                    f = facts(uow, c, kind, notice_at=notice_at, **DEMO_FACTS)
                except InputError:
                    continue
                data = render(find_template(kind, None), f.context)
                path = out_dir / default_file_name(c.id, kind)
                made.append((path, data, {"case_id": c.id, "type": kind.value, "label": nd.label(kind)}))
                break
    if made:
        from ..io.files import make_private_folder

        make_private_folder(out_dir)
    return [{**item, "file": str(write_docx(path, data, "演示告知书"))} for path, data, item in made]


# --- templates for an administrator ---------------------------------------------------------------
def field_notes() -> str:
    """字段说明.txt: every notice type with its fields (those marked * are required)."""
    lines = [
        "kefu 告知书模板字段说明",
        "",
        "每个模板是一个 Word 文档(.docx),文件名为告知书类型,例如 acceptance.docx。",
        "在 Word 中可以自由修改文字、格式、信头;字段写成 {{ 字段名 }}(两层花括号),例如 {{ case_no }}。",
        "标 * 的字段是必需的(规定要求告知书写明的内容,转办告知书的 transfer_text 与 transfer_to 有一个即可),",
        "删去后 kefu 会拒绝使用该模板;",
        "写了 kefu 不提供的字段,同样会被拒绝并指出字段名。修改后可用 `kefu notice templates check 目录` 检查。",
        "使用修改后的模板: 设置环境变量 KEFU_TEMPLATES=目录,或在命令中加 --templates 目录。",
        "",
    ]
    for kind in NoticeType:
        lines.append(f"{kind.value}.docx  {nd.TITLES[kind]}")
        for f in nd.fields_for(kind):
            mark = "*" if nd.is_required(kind, f) else " "
            lines.append(f"  {mark} {{{{ {f} }}}}  {nd.FIELD_ZH[f]}")
        lines.append("")
    return "\r\n".join(lines)


def export_templates(dest: str, force: bool = False) -> dict[str, Any]:
    """Copy the built-in templates (and 字段说明.txt) into `dest`; an existing file is kept unless `force`."""
    from ..io.files import check_target, make_private_folder, write_atomic
    from ..notices import builtin_template

    folder = Path(dest).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} 是一个文件: 请给出一个目录,例如 kefu notice templates export 告知书模板")
    names = [f"{k.value}.docx" for k in NoticeType] + [FIELD_NOTES]
    existing = [n for n in names if (folder / n).exists()]
    if existing and not force:
        raise InputError(
            f"{folder} 中已有 {'、'.join(existing[:3])}{' 等' if len(existing) > 3 else ''}(可能是改过的模板),未覆盖任何文件: "
            "换一个目录,或加 --force 覆盖"
        )
    for n in names:
        check_target(folder / n, "模板文件")
    make_private_folder(folder)
    files = []
    for k in NoticeType:
        files.append(str(write_docx(folder / f"{k.value}.docx", builtin_template(k.value).read_bytes(), "模板文件")))
    files.append(str(write_atomic(folder / FIELD_NOTES, field_notes(), "utf-8-sig")))
    return {"folder": str(folder), "files": files}


def sample_context(kind: NoticeType) -> dict[str, str]:
    """Sample facts for a trial render of a template (every field filled)."""
    values = {
        "case_no": "TS-20261009-0001",
        "complainant": "王小明",
        "received_date": "2026年10月9日",
        "notice_date": "2026年10月12日",
        "branch_name": "XX人寿保险股份有限公司北京朝阳支公司",
        "branch_address": "北京市朝阳区建国路88号",
        "branch_phone": "010-95500",
    }
    return {f: values.get(f, f"〔{nd.FIELD_ZH[f].split('(')[0].split(',')[0]}〕") for f in nd.fields_for(kind)} | {
        "title": nd.TITLES[kind]
    }


def check_templates(folder: str | None) -> dict[str, Any]:
    """Check each template of `folder` (or KEFU_TEMPLATES, or the built-in ones) by a trial render."""
    tfolder = templates_folder(folder, "templates check 的参数")
    items = []
    for kind in NoticeType:
        notes: list[str] = []
        tpl = find_template(kind, tfolder, notes)
        try:
            used = template_fields(tpl)
            render(tpl, sample_context(kind))
            problem = None
        except InputError as exc:
            used, problem = set(), str(exc)
        items.append({"type": kind.value, "label": nd.label(kind), "template": tpl.source, "builtin": tpl.builtin,
                      "fields": sorted(used), "ok": problem is None, "problem": problem})  # fmt: skip
    return {"folder": str(tfolder) if tfolder else None, "ok": all(i["ok"] for i in items), "items": items}
