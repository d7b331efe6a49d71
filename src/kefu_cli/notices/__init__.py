"""The Word templates of the written notices (告知书), one .docx per notice type.

`templates/<type>.docx` ship with the package (package data); `make_templates.py` writes them
(`python -m kefu_cli.notices.make_templates`) and is kept so they can be regenerated after a
wording change. An administrator exports them (`kefu notice templates export DIR`), edits
them in Word, and points kefu at the folder (`KEFU_TEMPLATES` or `--templates DIR`).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

# Zip entries carry a timestamp: a fixed one makes the same document give the same bytes (and
# the same SHA-256) whenever it is rendered again from the same template and facts.
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


LANGUAGE = "zh-CN"
APPLICATION = "kefu"


def tag_document(document, *, title: str | None = None, author: str | None = None) -> None:
    """Tag a python-docx `document` as Chinese (zh-CN): the default language of its text and of its
    East Asian text (styles: w:docDefaults w:lang) and the theme's font language (settings:
    w:themeFontLang), so that an office suite picks a Chinese font and Chinese line breaking;
    with `title` / `author` its core properties say what it is and who sends it (the branch)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
        theme_lang.set(qn("w:eastAsia"), LANGUAGE)
    props = document.core_properties
    props.language = LANGUAGE
    if title is not None:
        props.title = title
    if author is not None:
        props.author = props.last_modified_by = author
        props.comments = props.keywords = ""


def builtin_template(kind: str) -> Path:
    return TEMPLATE_DIR / f"{kind}.docx"


_APPLICATION = re.compile(rb"<Application>[^<]*</Application>")


def stable_zip(data: bytes) -> bytes:
    """The .docx `data` rewritten with fixed entry timestamps (content and order unchanged), and
    kefu named as the application that wrote it (docProps/app.xml; python-docx's blank document
    says "Microsoft Macintosh Word")."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            body = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                body = _APPLICATION.sub(b"<Application>" + APPLICATION.encode() + b"</Application>", body)
            dst.writestr(entry, body)
    return out.getvalue()
