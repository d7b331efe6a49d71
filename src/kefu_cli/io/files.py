"""Writing files so that a crash never leaves half of one, and never over the database.

Every file kefu writes (exports, reports, import error lists, backups) goes through
`check_target` first: a path that is, after `~` expansion and following symlinks, the
database in use or one of its SQLite companions (-wal, -shm, -journal) is refused (exit 2)
before anything is written. The CLI registers the active database with `protect`; opening a
SQLite engine registers its file too.

Files kefu writes hold personal data (names, phones): on POSIX each is created readable by
its owner only (0600, folders kefu creates 0700); on Windows the folder's ACL applies and
these calls do nothing. A temp file that is not renamed into place is removed on every
failure, Ctrl-C (KeyboardInterrupt) included.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

COMPANIONS = ("", "-wal", "-shm", "-journal")

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def _posix() -> bool:
    return os.name == "posix"


def make_private(path: str | Path, folder: bool = False) -> None:
    """Owner-only permissions (0600, or 0700 for a folder) on POSIX; nothing on Windows."""
    if _posix():
        os.chmod(path, PRIVATE_FOLDER if folder else PRIVATE_FILE)


def create_private_file(path: str | Path) -> None:
    """Create `path` empty with mode 0600 (POSIX) if it does not exist; an existing file is left
    as it is. SQLite gives the -wal/-shm/-journal files it makes the mode of the main file."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)
    make_private(path)  # whatever the umask


def make_private_folder(folder: str | Path) -> None:
    """Create `folder` (and missing parents); the folder itself, when created here, is 0700."""
    folder = Path(folder)
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    make_private(folder, folder=True)


_protected: dict[str, Path] = {}  # normalised path -> the database file it belongs to


def _norm(path: Path) -> str:
    return os.path.normcase(str(path))


def _resolved(path: str | Path) -> Path:
    p = Path(path).expanduser()
    try:
        return p.resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare what we can
        return p.absolute()


def protect(database: str | Path) -> None:
    """Never write an output file over `database` (a SQLite file) or its companions."""
    given = Path(database).expanduser().absolute()
    for base in {given, _resolved(given)}:
        for suffix in COMPANIONS:
            companion = Path(str(base) + suffix)
            _protected[_norm(companion)] = base
            _protected[_norm(_resolved(companion))] = base


def protected_database(path: str | Path) -> Path | None:
    """The protected database that `path` would overwrite, or None."""
    if not _protected:
        return None
    target = _resolved(path)
    hit = _protected.get(_norm(target))
    if hit is not None:
        return hit
    if target.exists():  # hard links, case-insensitive file systems
        for name, base in _protected.items():
            try:
                if os.path.samefile(target, name):
                    return base
            except OSError:
                continue
    return None


def check_target(path: str | Path, what: str = "输出文件", example: str | None = None) -> None:
    """Refuse (InputError, exit 2) an output path that is the database in use or a companion."""
    database = protected_database(path)
    if database is None:
        return
    from ..domain.errors import InputError

    example = example or str(database.with_name("kefu-导出.csv"))
    raise InputError(
        f"{what} {path} 指向正在使用的数据库 {database}(或其 -wal/-shm/-journal 文件),写入会毁掉数据库,"
        f"未写入任何内容: 请换一个文件名,例如 {example}"
    )


@contextmanager
def atomic_writer(path: str | Path, encoding: str | None = "utf-8") -> Iterator[TextIO]:
    """A text file (a binary one with `encoding=None`, e.g. an .xlsx workbook) that appears at
    `path` only when the block ends without an error.

    It is written as a temp file in the same folder and renamed (os.replace) at the end, so a
    job that dies half way leaves the old file (or none), never half a file.
    """
    from ..domain.errors import InputError

    check_target(path)
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target} 是一个目录: 请给出文件路径,例如 {target / 'kefu-报表.csv'}")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        # mkstemp creates the file 0600 on POSIX; os.replace keeps that mode for the result.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except FileNotFoundError:
        raise InputError(f"目录不存在: {folder}。请先创建目录,或给出已有目录中的文件路径") from None
    try:
        with (os.fdopen(fd, "wb") if encoding is None else os.fdopen(fd, "w", encoding=encoding, newline="")) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:  # any error, KeyboardInterrupt, SystemExit, GeneratorExit: no .part left
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically (see `atomic_writer`)."""
    with atomic_writer(path, encoding) as f:
        f.write(text)
    return Path(path)
