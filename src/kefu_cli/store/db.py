"""Where the database is, and what its failures mean: one sentence each (exit 3).

- `--db PATH` or `KEFU_DB` picks the database: a file path (SQLite) or any SQLAlchemy URL
  (`postgresql+psycopg://…`). Without either, a per-user file, the same from any folder.
- A database file is never created silently: only `kefu db init` (and `kefu demo`, for its
  own file) and the per-user default create one. A mistyped `--db`/`KEFU_DB` path is an
  error (exit 3) that names the path, so a nightly job never reports on an empty database.
- A full disk, a damaged file, a held write lock: `explain` turns each into one sentence. A
  kefu writer leaves a note naming itself while it holds the write lock, so a writer that
  waited in vain names it.

Connecting is in store/engine.py, the schema and its upgrades in store/schema.py, the damage
checks and backups in store/faults.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
        where = {"KEFU_DB": "环境变量 KEFU_DB", "--db": " --db 参数", "config": "用户设置(kefu config set db)"}.get(
            origin or "", " --db 参数或环境变量 KEFU_DB"
        )
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


def configured_db() -> str | None:
    """The database of the per-user setting `kefu config set db …`, if any."""
    from .. import userconfig

    return userconfig.get("db")


def resolve_url(db: str | None) -> str:
    """A SQLAlchemy URL from --db / KEFU_DB / the per-user setting (`kefu config set db`) / the
    per-user default."""
    value = db or os.environ.get("KEFU_DB") or ""
    configured = None if value else configured_db()
    value = value or configured or ""
    if "://" in value:
        url = value
    else:
        path = Path(value).expanduser() if value else default_db_path()
        url = "sqlite:///" + str(path.resolve())
        if not value:
            _default_urls.add(url)
    if configured:
        _origins.setdefault(url, "config")
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


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- failures: a damaged file, a full disk, a held write lock — each one sentence (exit 3) --
#
# Lock. SQLite cannot say who holds the write lock; a kefu writer leaves `<db>.kefu-writer`
# (pid, host, command, since) while it holds the lock, so a writer that waited in vain names it.

WRITER_NOTE_SUFFIX = ".kefu-writer"

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


def sqlite_code(exc: BaseException) -> str:
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
        code = sqlite_code(e)
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
    import json
    import socket

    global _started
    note = _note_path(url)
    if note is None:
        return None
    if _started is None:
        from .. import clock

        _started = clock.now().replace(tzinfo=clock.CST)  # China time, from the clock seam
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
        from .. import clock

        started = dt.datetime.fromisoformat(str(note.get("since")))
        if started.tzinfo is not None:  # a note's time in China time (older notes: the writer's zone)
            started = started.astimezone(clock.CST)
        today = clock.today()
        since = f", 自 {started:%H:%M} 起" if started.date() == today else f", 自 {started:%Y-%m-%d %H:%M} 起"
    except (TypeError, ValueError):
        pass
    host = note.get("host")
    where = f"主机 {host} 上 " if host and host != socket.gethostname() else ""
    return DatabaseLockedError(
        f"数据库正被另一个 kefu 进程({where}pid {note['pid']}, {note.get('command') or 'kefu'}{since})占用写锁,{waited};"
        f"请等它结束后重试(大批量导入可能要几分钟),{NOTHING_SAVED}"
    )
