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

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

# Newest migration. A test checks it against the migration scripts; alembic itself is only
# imported when a database is behind this revision.
SCHEMA_HEAD = "0004"

BUSY_TIMEOUT_MS = 30_000


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


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"无法创建数据库目录 {path.parent}: {exc.strerror}") from None


@cache
def _engine(url: str, write: bool) -> Engine:
    path = sqlite_path(url)
    if is_sqlite(url):
        if path is not None:
            from ..io.files import protect

            protect(path)  # no output of this process may overwrite it
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            dbapi_conn.isolation_level = None  # BEGIN is emitted below
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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


def _known_revisions() -> set[str]:
    versions = Path(__file__).parent / "migrations" / "versions"
    return {p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py")}


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
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
        src = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
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
        os.replace(tmp, dest)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"备份到 {dest} 失败: {exc}") from None
