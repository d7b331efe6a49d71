"""Writing files so that a crash never leaves half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def atomic_writer(path: str | Path, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text file that appears at `path` only when the block ends without an error.

    It is written as a temp file in the same folder and renamed (os.replace) at the end, so a
    job that dies half way leaves the old file (or none), never half a file.
    """
    from ..domain.errors import InputError

    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target} 是一个目录: 请给出文件路径,例如 {target / 'kefu-报表.csv'}")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except FileNotFoundError:
        raise InputError(f"目录不存在: {folder}。请先创建目录,或给出已有目录中的文件路径") from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically (see `atomic_writer`)."""
    with atomic_writer(path, encoding) as f:
        f.write(text)
    return Path(path)
