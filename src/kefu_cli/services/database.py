"""Database use cases: init, check, backup."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ..store import db as store_db
from ..store import engine as store_engine
from ..store import faults as store_faults
from ..store import schema as store_schema


def init(db: str | None) -> dict:
    """Create the database (the only command that makes a new file), or upgrade it."""
    url = store_db.resolve_url(db)
    path = store_db.sqlite_path(url)
    missing = path is not None and not path.exists()
    before = None if missing else store_schema.current_revision(store_engine.engine_for(url))
    store_schema.ensure_schema(url, create=True)
    return {"database": store_db.safe_url(url), "schema_before": before, "schema": store_schema.SCHEMA_HEAD}


def check(db: str | None) -> dict:
    """Integrity and schema version. `ok` is False when anything is wrong."""
    url = store_db.resolve_url(db)
    path = store_db.sqlite_path(url)
    if path is not None and not path.exists():
        raise store_db.missing_database(url)
    engine = store_engine.engine_for(url)
    rev = store_schema.current_revision(engine)
    problems: list[str] = []
    if rev != store_schema.SCHEMA_HEAD:
        problems.append(f"结构版本为 {rev or '无'},本程序需要 {store_schema.SCHEMA_HEAD}(运行 `kefu db init` 升级)")
    integrity = "not_applicable"
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        if store_db.is_sqlite(url):
            try:
                result = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
            except DBAPIError as exc:  # SQLite gives up on a badly damaged file
                result = [str(exc.orig)]
            integrity = "ok" if result == ["ok"] else "; ".join(result[:5])
            if integrity != "ok":
                problems.append(f"完整性检查失败: {integrity}(请从备份恢复,即 kefu db backup 的副本)")
            store_faults.record_check(url, integrity == "ok")  # writers trust this result until the file changes
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            if fk:
                problems.append(f"外键检查发现 {len(fk)} 处问题,例如表 {fk[0][0]}")
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        else:
            journal = None
        if rev is not None:
            for table in ("complaint", "callback", "deadline", "audit_event"):
                try:
                    counts[table] = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                except Exception:  # noqa: BLE001 - table of a newer schema
                    conn.rollback()
    return {
        "database": store_db.safe_url(url),
        "schema": rev,
        "schema_expected": store_schema.SCHEMA_HEAD,
        "integrity": integrity,
        "journal_mode": journal,
        "rows": counts,
        "ok": not problems,
        "problems": problems,
    }


def backup(db: str | None, dest: str | Path) -> dict:
    url = store_db.resolve_url(db)
    store_schema.ensure_schema(url)
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / (store_db.sqlite_path(url) or Path("kefu.sqlite")).name
    path = store_db.sqlite_path(url)
    problem = store_faults.quick_check(path) if path is not None else None
    if problem is not None:
        # A copy of damage looks like a good backup and may later replace a sound one.
        raise store_db.DatabaseError(
            f"数据库检查未通过: 文件 {path} 已损坏({problem[:120]}),不做备份 —— 损坏文件的副本会被误当作可用的备份,"
            "还可能替换掉好的备份;请运行 kefu db check 查看详情,并从以前的备份(kefu db backup 的副本)恢复"
        )
    store_faults.backup_sqlite(url, dest)  # refuses the live file and its companions
    return {"database": store_db.safe_url(url), "backup": str(dest), "bytes": dest.stat().st_size}
