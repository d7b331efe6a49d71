"""Where the database is, how to connect to it, and keeping its schema current.

- `--db PATH` or `KEFU_DB` picks the database: a file path (SQLite) or any SQLAlchemy URL
  (`postgresql+psycopg://…`). Without either, a per-user file, the same from any folder.
- A database file is never created silently: only `kefu db init` (and `kefu demo`, for its
  own file) and the per-user default create one. A mistyped `--db`/`KEFU_DB` path is an
  error (exit 3) that names the path, so a nightly job never reports on an empty database.
- SQLite runs with WAL, foreign keys on, a busy timeout, and write transactions that take
  the write lock up front (BEGIN IMMEDIATE), so clerks and a nightly job can share one file
  without "database is locked".
- The schema is versioned with alembic (store/migrations). Opening an older database
  upgrades it in place, after a copy of the file is taken.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

# SQLAlchemy is imported where it is used: commands that read the database with plain sqlite3
# (kefu workday, kefu policy list) and the root options never import it (start-up time).
if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# Newest migration. A test checks it against the migration scripts; alembic itself is only
# imported when a database is behind this revision.
SCHEMA_HEAD = "0009"

BUSY_TIMEOUT_MS = 30_000


def busy_timeout_ms() -> int:
    """How long a writer waits for the write lock: KEFU_BUSY_TIMEOUT_MS, else 30 s."""
    value = os.environ.get("KEFU_BUSY_TIMEOUT_MS", "").strip()
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS


class DatabaseError(RuntimeError):
    """The database cannot be used (exit code 3)."""


class MissingDatabaseError(DatabaseError):
    """An explicitly named SQLite file that does not exist (and is not to be created)."""

    def __init__(self, path: Path, origin: str | None = None) -> None:
        self.path = path
        folder = "" if path.parent.is_dir() else f"(连目录 {path.parent} 也不存在)"
        where = {"KEFU_DB": "环境变量 KEFU_DB", "--db": " --db 参数"}.get(origin or "", " --db 参数或环境变量 KEFU_DB")
        shown = f'"{path}"' if any(c.isspace() for c in str(path)) else str(path)
        super().__init__(
            f"数据库文件不存在: {path}{folder}。要新建数据库,请先用 kefu db init 创建: `kefu --db {shown} db init`;"
            f"如果是路径写错了,请改正{where}(未创建任何文件)"
        )


# URLs that may be created when missing: the per-user default (reached without --db/KEFU_DB).
_default_urls: set[str] = set()
# Where an explicit database came from ("--db" or "KEFU_DB"), for the message above.
_origins: dict[str, str] = {}


def note_origin(url: str, origin: str) -> None:
    """Remember that `url` was named by `origin` ("--db" or "KEFU_DB"), for messages."""
    _origins[url] = origin


def missing_database(url: str) -> MissingDatabaseError:
    """The error for a SQLite `url` whose file does not exist."""
    return MissingDatabaseError(sqlite_path(url) or Path(url), _origins.get(url))


def default_db_path() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "kefu" / "kefu.sqlite"


def resolve_url(db: str | None) -> str:
    """A SQLAlchemy URL from --db / KEFU_DB / the per-user default."""
    value = db or os.environ.get("KEFU_DB") or ""
    if "://" in value:
        return value
    path = Path(value).expanduser() if value else default_db_path()
    url = "sqlite:///" + str(path.resolve())
    if not value:
        _default_urls.add(url)
    return url


def plain_sqlite_file(url: str) -> str | None:
    """The file part of a `sqlite:///FILE` URL that needs no parsing (no query, no %-escapes),
    as make_url would give it; None when the URL needs SQLAlchemy's parser."""
    if url.startswith("sqlite:///") and "?" not in url and "%" not in url:
        return url[len("sqlite:///") :]
    return None


def is_sqlite(url: str) -> bool:
    if plain_sqlite_file(url) is not None:
        return True
    from sqlalchemy.engine import make_url

    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    plain = plain_sqlite_file(url)
    if plain is not None:
        return None if not plain or plain == ":memory:" else Path(plain)
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def engine_for(url: str, write: bool = False) -> Engine:
    """One engine per URL and mode (write engines take the lock at BEGIN on SQLite)."""
    return _engine(url, bool(write))


def require_file(url: str, create: bool = False) -> None:
    """Refuse a SQLite file that does not exist, unless it may be created here.

    It may be created by `kefu db init` (`create=True`) and when it is the per-user default.
    Creating it means making its folder; SQLite makes the file on the first connection.
    """
    path = sqlite_path(url)
    if path is None or path.exists():
        return
    if not (create or url in _default_urls):
        raise missing_database(url)
    from ..io.files import create_private_file, make_private_folder

    try:
        make_private_folder(path.parent)  # 0700 when kefu creates it (POSIX)
    except OSError as exc:
        raise DatabaseError(f"无法创建数据库目录 {path.parent}: {exc.strerror}") from None
    try:
        # Empty and 0600 (POSIX) before SQLite opens it: an empty file is a new database, and
        # SQLite creates its -wal/-shm/-journal files with the main file's mode.
        create_private_file(path)
    except OSError as exc:
        raise DatabaseError(f"无法创建数据库文件 {path}: {exc.strerror}") from None


@cache
def _engine(url: str, write: bool) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import SQLAlchemyError

    path = sqlite_path(url)
    if is_sqlite(url):
        if path is not None:
            from ..io.files import protect

            protect(path)  # no output of this process may overwrite it
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms() / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            dbapi_conn.isolation_level = None  # BEGIN is emitted below
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
            cur.execute("PRAGMA foreign_keys = ON")
            if path is not None:
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - exercised by every test
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise DatabaseError(f"缺少数据库驱动 {exc.name}: PostgreSQL 请安装 `pip install 'kefu[postgres]'`") from None
    except SQLAlchemyError as exc:
        raise DatabaseError(f"数据库地址无效: {exc}") from None


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return None


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Run the migrations up to `revision` (inside one write transaction)."""
    from alembic import command

    engine = engine_for(url, write=True)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


def script_head() -> str:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)
    return ScriptDirectory.from_config(cfg).get_current_head()


def _backup_before_upgrade(url: str, rev: str) -> Path | None:
    path = sqlite_path(url)
    if path is None or not path.exists():
        return None
    dest = path.with_name(f"{path.name}.before-{SCHEMA_HEAD}-from-{rev}.bak")
    if not dest.exists():
        backup_sqlite(url, dest)
    return dest


_checked: set[str] = set()


def ensure_schema(url: str, create: bool = False) -> Engine:
    """The read engine of a database whose schema is current, upgrading it.

    A missing SQLite file is created only with `create=True` (`kefu db init`) or when it is
    the per-user default; otherwise MissingDatabaseError (exit 3) and nothing is created.
    """
    require_file(url, create)
    if url in _checked:
        return engine_for(url)
    from sqlalchemy.exc import SQLAlchemyError

    engine = engine_for(url)
    try:
        rev = current_revision(engine)
        if rev != SCHEMA_HEAD:
            known = _known_revisions()
            if rev is not None and rev not in known:
                raise DatabaseError(f"数据库结构版本 {rev} 比本程序({SCHEMA_HEAD})新: 请升级 kefu 后再使用这个数据库")
            if rev is not None:
                _backup_before_upgrade(url, rev)
            migrate(url)
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"无法打开数据库 {safe_url(url)}: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}"
        ) from None
    _checked.add(url)
    return engine


def release(url: str) -> None:
    """Close every pooled connection to `url` (before its file is removed or replaced)."""
    for write in (False, True):
        engine_for(url, write).dispose()
    _checked.discard(url)
    _verified.discard(url)


def _known_revisions() -> set[str]:
    versions = Path(__file__).parent / "migrations" / "versions"
    return {p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py")}


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


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


# --- faults: a damaged file, a full disk, a held write lock — each one sentence (exit 3) ----
#
# Damage. A write into a damaged SQLite file can spread the damage, so every write unit of
# work first asks `check_writable`. A full `PRAGMA quick_check` reads every page (about
# 0.1–0.3 s per 100 MB with a warm cache, much more on a network drive), too slow for every
# `complaint add`; so its result is remembered in `<db>.kefu-checked` as the file's identity
# (size, mtime, inode). A writer whose file still has that identity (nothing but kefu touched
# it) skips the full check; kefu stamps the file again when it exits after writing (its own
# checkpoints change the main file). Any other change — bytes overwritten, a file copied over
# it — makes the next writer run the full check first. Cheap header checks (magic, page size,
# size a whole number of pages) run on every write. Damage that leaves size and mtime alone
# (bit rot) is found by `kefu db check`, by `kefu db backup` (which refuses to copy damage)
# and by SQLite itself when a command reads the damaged page.
#
# Lock. SQLite cannot say who holds the write lock; a kefu writer leaves `<db>.kefu-writer`
# (pid, host, command, since) while it holds the lock, so a writer that waited in vain names it.

CHECK_STAMP_SUFFIX = ".kefu-checked"
WRITER_NOTE_SUFFIX = ".kefu-writer"

_verified: set[str] = set()  # URLs checked in this process (and stamped again at exit)
_started = None  # when this process first wrote (for the writer note)


class DamagedDatabaseError(DatabaseError):
    """The database file fails SQLite's own check: writes (and backups) are refused."""

    def __init__(self, path: Path | str | None, detail: str = "") -> None:
        detail = one_line(detail)
        self.detail = detail
        where = f" {path}" if path else ""
        why = f"({detail[:120]})" if detail else ""
        super().__init__(
            f"数据库检查未通过: 文件{where} 已损坏{why},为免损坏扩大,{NOTHING_SAVED};"
            "请运行 kefu db check 查看详情,必要时从备份恢复(kefu db backup 的副本)"
        )


def one_line(detail: str) -> str:
    """SQLite's multi-line check report as one line ("*** in database main ***" dropped)."""
    return " ".join(detail.replace("*** in database main ***", "").split())


class DatabaseLockedError(DatabaseError):
    """The write lock was not released within the busy timeout."""


NOTHING_SAVED = "本次操作没有保存任何内容"
FULL_MESSAGE = f"磁盘空间不足(或数据库文件已达大小上限),{NOTHING_SAVED};请清理磁盘空间后重试"
IO_MESSAGE = f"读写数据库文件时出错(磁盘 I/O 错误),{NOTHING_SAVED};请检查磁盘或网络盘连接后重试,并运行 kefu db check"
READONLY_MESSAGE = f"数据库文件或其所在目录不可写(只读),{NOTHING_SAVED};请检查文件权限,或换一个可写的位置"
SAVEPOINT_MESSAGE = f"写入中途失败(SQLite 已撤销整个事务),{NOTHING_SAVED};请运行 kefu db check 检查数据库后重试"


def _sqlite_code(exc: BaseException) -> str:
    """SQLITE_FULL, SQLITE_BUSY … of a sqlite3 error (or of the one SQLAlchemy wraps), else ''."""
    orig = getattr(exc, "orig", None) or exc
    name = getattr(orig, "sqlite_errorname", "") or ""
    return "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE -> SQLITE_IOERR


def _chain(exc: BaseException):
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def explain(exc: BaseException, url: str | None = None) -> DatabaseError | None:
    """One sentence for a known SQLite or disk failure anywhere in `exc`'s chain, else None.

    "no such savepoint" is a consequence, not a cause: on SQLITE_FULL (and I/O errors) SQLite
    rolls back the whole transaction itself, and SQLAlchemy's `ROLLBACK TO SAVEPOINT` for the
    failed row (imports use one savepoint per row) then fails; the cause is further down the
    chain, so it is looked for first.
    """
    import errno

    found: DatabaseError | None = None
    savepoint = False
    for e in _chain(exc):
        if isinstance(e, DatabaseError):
            return e
        text_ = str(getattr(e, "orig", None) or e).lower()
        code = _sqlite_code(e)
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            name = f" {e.filename}" if e.filename else ""
            return DatabaseError(f"磁盘空间不足,文件{name}没有写成(未留下不完整的文件);请清理磁盘空间后重试")
        if code == "SQLITE_FULL" or "database or disk is full" in text_:
            return DatabaseError(FULL_MESSAGE)
        if code in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in text_ or "file is not a database" in text_:
            return DamagedDatabaseError(sqlite_path(url) if url else None, text_)
        if code == "SQLITE_IOERR" or "disk i/o error" in text_:
            found = found or DatabaseError(IO_MESSAGE)
        elif code == "SQLITE_READONLY" or "readonly database" in text_:
            found = found or DatabaseError(READONLY_MESSAGE)
        elif code in ("SQLITE_BUSY", "SQLITE_LOCKED") or "database is locked" in text_:
            found = found or locked_error(url)
        elif "no such savepoint" in text_:
            savepoint = True
    if found is None and savepoint:
        found = DatabaseError(SAVEPOINT_MESSAGE)
    return found


# --- the writer note -----------------------------------------------------------------------
def _note_path(url: str | None) -> Path | None:
    path = sqlite_path(url) if url else None
    return None if path is None else path.with_name(path.name + WRITER_NOTE_SUFFIX)


def _command_summary(argv: list[str]) -> str:
    """`kefu import complaints f.csv`: the command words and at most one argument, no options
    (their values may be names and phone numbers; the note is read by other clerks)."""
    words: list[str] = []
    skip = False
    for token in argv[1:]:
        if skip:
            skip = False
            continue
        if token.startswith("-"):
            if words:
                break
            skip = token == "--db"
            continue
        words.append(token if len(token) <= 60 else "…" + token[-59:])  # a long path: its end
        if len(words) == 3:
            break
    return " ".join(["kefu", *words])


def write_writer_note(url: str) -> Path | None:
    """Leave `<db>.kefu-writer` while this process holds the write lock (best effort)."""
    import datetime as dt
    import json
    import socket

    global _started
    note = _note_path(url)
    if note is None:
        return None
    if _started is None:
        _started = dt.datetime.now().astimezone()
    data = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": _command_summary(sys.argv),
        "since": _started.isoformat(timespec="seconds"),
    }
    try:
        note.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError:
        return None
    return note


def remove_writer_note(note: Path | None) -> None:
    import contextlib

    if note is not None:
        with contextlib.suppress(OSError):
            note.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def read_writer_note(url: str | None) -> dict | None:
    """The note of the kefu process holding the write lock, or None (none, unreadable, stale)."""
    import json
    import socket

    note = _note_path(url)
    if note is None:
        return None
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
        pid = int(data["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if data.get("host") in (None, socket.gethostname()) and not _alive(pid):
        return None  # left by a process that was killed
    return data


def locked_error(url: str | None) -> DatabaseLockedError:
    """SQLite's "database is locked" after the busy timeout, naming the kefu process that holds it."""
    import datetime as dt
    import socket

    waited = f"等了 {busy_timeout_ms() / 1000:g} 秒仍未释放"
    note = read_writer_note(url)
    if note is None:
        return DatabaseLockedError(
            f"数据库正被另一个程序占用写锁(可能是另一个 kefu 命令,或用 SQLite 工具打开了这个文件),{waited};"
            f"请稍后重试,或关闭占用数据库的程序,{NOTHING_SAVED}"
        )
    since = ""
    try:
        started = dt.datetime.fromisoformat(str(note.get("since")))
        today = dt.datetime.now(started.tzinfo).date()
        since = f", 自 {started:%H:%M} 起" if started.date() == today else f", 自 {started:%Y-%m-%d %H:%M} 起"
    except (TypeError, ValueError):
        pass
    host = note.get("host")
    where = f"主机 {host} 上 " if host and host != socket.gethostname() else ""
    return DatabaseLockedError(
        f"数据库正被另一个 kefu 进程({where}pid {note['pid']}, {note.get('command') or 'kefu'}{since})占用写锁,{waited};"
        f"请等它结束后重试(大批量导入可能要几分钟),{NOTHING_SAVED}"
    )


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
        if _sqlite_code(exc) in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "not a database" in str(exc):
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
        if _sqlite_code(exc) in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in str(exc):
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
            _engine(url, write).dispose()
        if _header_problem(path) is None:
            record_check(url, True)
    except Exception:  # noqa: BLE001 - never fail at exit
        pass


def check_writable(url: str) -> None:
    """Refuse to write into a damaged SQLite file (DamagedDatabaseError, exit 3).

    Once per process and database; the full check only when the file changed since it was
    last found sound (see the notes above).
    """
    if url in _verified:
        return
    path = sqlite_path(url)
    if path is None:
        _verified.add(url)
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
    _verified.add(url)
    import atexit

    atexit.register(_stamp_at_exit, url)
