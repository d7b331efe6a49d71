"""Notice templates (告知书模板): find, check, render and preview the Word templates, write a
.docx, and the administrator's export and check of a templates folder (services/notices.py
fills them from a case).

Templates: `kefu_cli/notices/templates/<type>.docx` (docxtpl, Jinja fields), or the same file
name in the folder `--templates DIR` / `KEFU_TEMPLATES` names (a type missing there falls back to
the built-in one, with a warning). A template is checked before anything is rendered: a field kefu
does not provide, a required field left out (domain/notices.py `REQUIRED`), a placeholder that
is not valid Jinja, or one left in the document after rendering is refused (InputError naming the
template and the field, exit 2) and nothing is written. Rendering runs in a sandboxed Jinja
environment with StrictUndefined and XML escaping on.
"""


from __future__ import annotations

import hashlib
import html
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain import notices as nd
from ..domain.codes import parse_code
from ..domain.errors import InputError
from ..domain.notices import NoticeType

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

    from ..notices import stable_zip, tag_document

    used = template_fields(tpl)
    blank = [f for f in sorted(used) if not str(context.get(f, "")).strip()]
    if blank:  # a fact this case does not have: say which, never print an empty line
        f = blank[0]
        raise BlankField(f"告知书字段 {{{{ {f} }}}}({nd.FIELD_ZH[f]})在本案中没有内容,未生成任何文件")
    doc = _open(tpl)
    try:
        doc.render({k: context[k] for k in context}, _jinja_env(), autoescape=True)
        # zh-CN, the notice's title, the branch as author (an administrator's template too)
        tag_document(doc.docx, title=context.get("title") or nd.TITLES[tpl.kind], author=context.get("branch_name"))
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
