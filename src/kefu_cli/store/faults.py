"""Damage checks and backups of a SQLite file: refuse to write into (or copy) a damaged file.

A write into a damaged SQLite file can spread the damage, so every write unit of
work first asks `check_writable`. A full `PRAGMA quick_check` reads every page (about
0.1–0.3 s per 100 MB with a warm cache, much more on a network drive), too slow for every
`complaint add`; so its result is remembered in `<db>.kefu-checked` as the file's identity
(size, mtime, inode). A writer whose file still has that identity (nothing but kefu touched
it) skips the full check; kefu stamps the file again when it exits after writing (its own
checkpoints change the main file). Any other change — bytes overwritten, a file copied over
it — makes the next writer run the full check first. Cheap header checks (magic, page size,
size a whole number of pages) run on every write. Damage that leaves size and mtime alone
(bit rot) is found by `kefu db check`, by `kefu db backup` (which refuses to copy damage)
and by SQLite itself when a command reads the damaged page.
"""

from __future__ import annotations

import os
from pathlib import Path

from .db import (
    DamagedDatabaseError,
    DatabaseError,
    busy_timeout_ms,
    explain,
    one_line,
    sqlite_code,
    sqlite_path,
)
from .engine import engine_for

CHECK_STAMP_SUFFIX = ".kefu-checked"

verified_urls: set[str] = set()  # URLs checked in this process (and stamped again at exit)


def backup_sqlite(url: str, dest: Path) -> None:
    """A consistent copy of a SQLite database, taken with the online backup API."""
    import sqlite3

    path = sqlite_path(url)
    if path is None:
        raise DatabaseError("备份只适用于 SQLite 文件数据库; PostgreSQL 请使用 pg_dump")
    if not path.exists():
        raise DatabaseError(f"数据库文件不存在: {path}")
    from ..io.files import check_target, protect

    protect(path)
    dest = Path(dest)
    check_target(dest, what="备份文件", example=str(path.with_name(f"{path.stem}-备份{path.suffix or '.sqlite'}")))
    if not dest.parent.is_dir():
        from ..domain.errors import InputError

        raise InputError(f"备份目录不存在: {dest.parent}。请先创建目录,或给出已有目录中的文件路径")
    tmp = dest.with_name(dest.name + ".part")
    try:
        from ..io.files import create_private_file, make_private

        tmp.unlink(missing_ok=True)
        create_private_file(tmp)  # 0600 (POSIX) before SQLite writes into it; kept by os.replace
        src = sqlite3.connect(str(path), timeout=busy_timeout_ms() / 1000)
        try:
            out = sqlite3.connect(str(tmp))
            try:
                with out:
                    src.backup(out, pages=1024)
                out.execute("PRAGMA journal_mode = DELETE")
            finally:
                out.close()
        finally:
            src.close()
        make_private(tmp)
        os.replace(tmp, dest)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        known = explain(exc, url)
        if known is not None:
            raise DatabaseError(f"备份到 {dest} 失败(未留下不完整的备份文件): {known}") from None
        raise DatabaseError(f"备份到 {dest} 失败: {exc}") from None
    except BaseException:  # Ctrl-C during a long backup: no half-written .part left behind
        tmp.unlink(missing_ok=True)
        raise


# --- damage ----------------------------------------------------------------------------------
def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + CHECK_STAMP_SUFFIX)


def _identity(path: Path) -> str | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_dev}"


def _header_problem(path: Path) -> str | None:
    """Cheap checks: SQLite reads the header (magic string, page size) and the file is a whole
    number of pages. Never open the file with Python's open(): closing that descriptor would
    drop this process's POSIX locks on the database, and another process could then delete the
    WAL under our connections ("database disk image is malformed")."""
    import sqlite3

    try:
        size = path.stat().st_size
        if size == 0:
            return None
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout_ms() / 1000)
    except (OSError, sqlite3.Error) as exc:
        return f"无法读取文件: {exc}"
    try:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if sqlite_code(exc) in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "not a database" in str(exc):
            return str(exc)
        raise explain(exc) or DatabaseError(f"无法检查数据库 {path}: {exc}") from None
    finally:
        conn.close()
    if size % page:
        return f"文件长度 {size} 不是页大小 {page} 的整数倍(文件可能被截断)"
    return None


def quick_check(path: Path) -> str | None:
    """SQLite's `PRAGMA quick_check` (every page, no index cross-check): None if ok, else the
    first problem. Reads only; does not wait for writers (WAL)."""
    import sqlite3

    problem = _header_problem(path)
    if problem:
        return problem
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout_ms() / 1000)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(1)").fetchall()]
    except sqlite3.DatabaseError as exc:
        if sqlite_code(exc) in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in str(exc):
            return str(exc)
        raise explain(exc) or DatabaseError(f"无法检查数据库 {path}: {exc}") from None
    finally:
        conn.close()
    return None if rows == ["ok"] else one_line("; ".join(rows[:3]))


def record_check(url: str, ok: bool) -> None:
    """Remember (or forget) that the file as it is now passed the full check."""
    path = sqlite_path(url)
    if path is None:
        return
    import contextlib

    stamp = _stamp_path(path)
    with contextlib.suppress(OSError):
        if ok and (identity := _identity(path)):
            if not stamp.exists() or stamp.read_text(encoding="ascii").strip() != identity:
                stamp.write_text(identity + "\n", encoding="ascii")
        else:
            stamp.unlink(missing_ok=True)


def _stamp_at_exit(url: str) -> None:
    """After this process wrote: close its connections (SQLite checkpoints the WAL into the main
    file) and stamp the file as it is now, so the next writer need not check it again."""
    path = sqlite_path(url)
    if path is None or not path.exists():
        return
    try:
        for write in (False, True):
            engine_for(url, write).dispose()
        if _header_problem(path) is None:
            record_check(url, True)
    except Exception:  # noqa: BLE001 - never fail at exit
        pass


def check_writable(url: str) -> None:
    """Refuse to write into a damaged SQLite file (DamagedDatabaseError, exit 3).

    Once per process and database; the full check only when the file changed since it was
    last found sound (see the notes above).
    """
    if url in verified_urls:
        return
    path = sqlite_path(url)
    if path is None:
        verified_urls.add(url)
        return
    problem = _header_problem(path)
    identity = _identity(path)
    if problem is None:
        try:
            stamped = _stamp_path(path).read_text(encoding="ascii").strip()
        except OSError:
            stamped = None
        if identity is None or stamped != identity:
            problem = quick_check(path)
            if problem is None and identity is not None:
                record_check(url, True)
    if problem is not None:
        record_check(url, False)
        raise DamagedDatabaseError(path, problem)
    verified_urls.add(url)
    import atexit

    atexit.register(_stamp_at_exit, url)
