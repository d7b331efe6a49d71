"""The Word templates of the written notices (告知书), one .docx per notice type.

`templates/<type>.docx` ship with the package (package data); `make_templates.py` writes them
(`python -m kefu_cli.notices.make_templates`) and is kept so they can be regenerated after a
wording change. An administrator exports them (`kefu notice templates export DIR`), edits
them in Word, and points kefu at the folder (`KEFU_TEMPLATES` or `--templates DIR`).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

# Zip entries carry a timestamp: a fixed one makes the same document give the same bytes (and
# the same SHA-256) whenever it is rendered again from the same template and facts.
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def builtin_template(kind: str) -> Path:
    return TEMPLATE_DIR / f"{kind}.docx"


def stable_zip(data: bytes) -> bytes:
    """The .docx `data` rewritten with fixed entry timestamps (content and order unchanged)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
