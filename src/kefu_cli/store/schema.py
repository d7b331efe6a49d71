"""Keeping the database's schema current: its revision, the migrations, upgrading in place.

The schema is versioned with alembic (store/migrations). Opening an older database upgrades
it in place, after a copy of the file is taken. `release` closes a database's connections and
forgets that it was checked, before its file is removed or replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import faults
from .db import DatabaseError, require_file, safe_url, sqlite_path
from .engine import engine_for

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# Newest migration. A test checks it against the migration scripts; alembic itself is only
# imported when a database is behind this revision.
SCHEMA_HEAD = "0016"


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
        faults.backup_sqlite(url, dest)
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
    faults.verified_urls.discard(url)


def _known_revisions() -> set[str]:
    versions = Path(__file__).parent / "migrations" / "versions"
    return {p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py")}
