"""Write the built-in Word templates of the notices: `python -m kefu_cli.notices.make_templates [DIR]`.

Each template is a Chinese business letter on A4: the branch's letterhead over a rule, the
title, the case number, the addressee, the body (first lines indented two characters), the
contact paragraph, the closing (特此通知 / 特此告知 / 特此报告), and the sender's name and date on
the right. Placeholders are docxtpl (Jinja) fields, `{{ case_no }}`, each written in one run so
Word keeps it whole; the fields each type may use are in domain/notices.py.

The output is byte-for-byte reproducible (fixed document properties and zip timestamps), so
running the script again changes a template only when its wording here changed.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from ..domain.notices import RULE_2020, TITLES, NoticeType, zh_punct
from . import TEMPLATE_DIR, stable_zip, tag_document

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"

CONTACT = "如有疑问,请与{{ contact }}联系,客服电话: {{ branch_phone }},通讯地址: {{ branch_address }}。"

# Per type: (salutation, [body paragraphs], closing). A paragraph starting with "§" is a
# numbered heading of the report (no indent, bold).
LETTERS: dict[NoticeType, tuple[str, list[str], str]] = {
    NoticeType.SUPPLEMENT: (
        "{{ complainant }}:",
        [
            "本公司于{{ received_date }}收到您关于“{{ matter }}”的投诉(保单号: {{ policy_no }})。经审查,"
            "您提交的投诉材料尚不完整。为便于本公司及时、准确地处理您的投诉,请您补充提供以下材料:",
            "{{ materials }}",
            "请您通过邮寄、现场递交等方式将上述材料提交本公司。本公司收到完整材料后将及时审查,"
            "并{{ acceptance_limit }}告知您是否受理。",
            CONTACT,
        ],
        "特此通知。",
    ),
    NoticeType.ACCEPTANCE: (
        "{{ complainant }}:",
        [
            "您于{{ received_date }}提出的关于“{{ matter }}”的投诉(保单号: {{ policy_no }}),"
            "经审查符合受理条件,本公司已于{{ accepted_date }}予以受理。",
            "本公司将依照有关法律法规和合同约定,公平公正地调查核实,并于{{ decision_due }}前作出处理决定并告知您。"
            "如情况复杂需要延长处理期限,本公司将另行书面告知。",
            CONTACT,
        ],
        "特此通知。",
    ),
    NoticeType.REJECTION: (
        "{{ complainant }}:",
        [
            "您于{{ received_date }}提出的关于“{{ matter }}”的投诉,本公司已收悉。",
            "经审查,{{ reject_reason }}。根据" + RULE_2020 + "及本公司投诉处理的有关规定,"
            "本公司于{{ rejected_date }}决定对该投诉不予受理。",
            "{{ reject_advice }}",
            CONTACT,
        ],
        "特此告知。",
    ),
    NoticeType.TRANSFER: (
        "{{ complainant }}:",
        [
            "您于{{ received_date }}提出的关于“{{ matter }}”的事项,本公司已收悉。",
            "{{ transfer_text }}",
            CONTACT,
        ],
        "特此告知。",
    ),
    NoticeType.EXTENSION: (
        "{{ complainant }}:",
        [
            "您于{{ received_date }}提出的关于“{{ matter }}”的投诉,本公司已受理,原定于{{ previous_due }}前作出处理决定。",
            "因{{ extension_reason }}。本公司将于{{ decision_due }}前作出处理决定并告知您。",
            "延期期间,如您有新的情况或材料,请随时与我们联系。",
            CONTACT,
        ],
        "特此告知。",
    ),
    NoticeType.PAUSE: (
        "{{ complainant }}:",
        [
            "您于{{ received_date }}提出的关于“{{ matter }}”的投诉,本公司已受理。",
            "{{ pause_text }}本公司自{{ paused_date }}起中止计算处理期限,待{{ pause_kind }}结束后恢复计算,"
            "原定于{{ decision_due }}届满的处理期限相应顺延。",
            CONTACT,
        ],
        "特此告知。",
    ),
    NoticeType.DECISION: (
        "{{ complainant }}:",
        [
            "您于{{ received_date }}提出的关于“{{ matter }}”的投诉(保单号: {{ policy_no }}),本公司已依法受理并进行了调查核实。",
            "本公司于{{ decided_date }}作出处理决定如下: {{ result }}",
            "{{ routes }}",
            CONTACT,
        ],
        "特此告知。",
    ),
    NoticeType.REVIEW_DECISION: (
        "{{ complainant }}:",
        [
            "您于{{ received_date }}提出的关于“{{ matter }}”的投诉(保单号: {{ policy_no }}),本公司已于{{ decided_date }}"
            "作出处理决定。您对处理决定有异议,于{{ review_received_date }}书面申请核查(复核)。根据"
            + RULE_2020
            + "第二十条的规定,本公司上一级机构对此进行了核查。",
            "本公司于{{ reviewed_date }}作出核查(复核)决定如下: {{ review_result }}",
            "{{ remaining_routes }}",
            CONTACT,
        ],
        "特此告知。",
    ),
    NoticeType.REGULATOR_REPORT: (
        "{{ recipient }}:",
        [
            "贵单位转办的{{ complainant }}投诉件(转办编号: {{ regulator_ref }},本公司投诉编号: {{ case_no }}),"
            "本公司已于{{ received_date }}收悉,要求于{{ regulator_due }}前报告办理情况。现将有关情况报告如下:",
            "§一、投诉事项",
            "{{ complainant }}反映: {{ matter }}(保单号: {{ policy_no }})。",
            "§二、办理经过",
            "{{ handling }}",
            "§三、办理结果",
            "{{ result }}当前状态: {{ status_text }}。",
            "本公司联系人: {{ handler }},联系电话: {{ branch_phone }},通讯地址: {{ branch_address }}。",
        ],
        "特此报告。",
    ),
}

FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _fonts(run_or_style, east_asian: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = LATIN_FONT
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _rule_below(paragraph) -> None:
    """A single line under the letterhead (paragraph bottom border)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


# Styles the letter uses (python-docx's default template defines some 160 and Word 2010's copy
# of them; a template of 20 KB instead of 800 KB opens and renders several times faster).
KEEP_STYLES = {
    "Normal",
    "DefaultParagraphFont",
    "TableNormal",
    "NoList",
    "Header",
    "HeaderChar",
    "Footer",
    "FooterChar",
}
DROP_RELS = ("/thumbnail", "/stylesWithEffects", "/customXml", "/numbering")


def _slim(doc) -> None:
    """Drop what the letter does not use: the thumbnail of python-docx's blank page, Word 2010's
    duplicate styles part, the bibliography part, the list definitions (they name list styles
    dropped here; Word adds its own when an administrator makes a list), unused style
    definitions and latent styles."""
    from docx.oxml.ns import qn

    for rels in (doc.part.package.rels, doc.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(DROP_RELS):
                rels.pop(rid)
    styles = doc.styles.element
    for child in list(styles):
        if child.tag == qn("w:latentStyles") or (
            child.tag == qn("w:style") and child.get(qn("w:styleId")) not in KEEP_STYLES
        ):
            styles.remove(child)


def build(kind: NoticeType) -> bytes:
    """The template of `kind` as .docx bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    salutation, body, closing = LETTERS[kind]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(3.17)

    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, 14)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)

    def para(text: str = "", align=None, indent: bool = False, size=None, bold=None, font=BODY_FONT, after=0):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(28)  # two characters of 14 pt
        if after:
            p.paragraph_format.space_after = Pt(after)
        if text:
            _fonts(p.add_run(zh_punct(text)), font, size, bold)
        return p

    head = para("{{ branch_name }}", WD_ALIGN_PARAGRAPH.CENTER, size=18, bold=True, font=TITLE_FONT, after=6)
    _rule_below(head)
    para()
    para(TITLES[kind], WD_ALIGN_PARAGRAPH.CENTER, size=20, bold=True, font=TITLE_FONT)
    para("编号: {{ case_no }}", WD_ALIGN_PARAGRAPH.RIGHT, size=12)
    para()
    para(salutation)
    for text in body:
        if text.startswith("§"):
            para(text[1:], indent=True, bold=True)
        else:
            para(text, indent=True)
    para(closing, indent=True)
    para()
    para("{{ branch_name }}(盖章)", WD_ALIGN_PARAGRAPH.RIGHT)
    para("{{ notice_date }}", WD_ALIGN_PARAGRAPH.RIGHT)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _fonts(footer.add_run("投诉编号 {{ case_no }}"), BODY_FONT, 9)  # no punctuation to convert

    # Chinese (zh-CN) text; the title is the notice's, the author the branch once filled (services/notice_templates.py)
    tag_document(doc, title=TITLES[kind], author="kefu")
    props = doc.core_properties
    props.subject = "客户投诉告知书"
    props.comments = "告知书模板: 可在 Word 中编辑,字段见 字段说明.txt"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1

    _slim(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue())


def write_all(folder: Path = TEMPLATE_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in NoticeType:
        path = folder / f"{kind.value}.docx"
        path.write_bytes(build(kind))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else TEMPLATE_DIR
    for path in write_all(folder):
        print(path)


if __name__ == "__main__":
    main()
