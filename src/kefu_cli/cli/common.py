"""Options shared by every command, and the error boundary of the CLI."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from typer.core import TyperGroup

from ..domain.errors import CalendarRangeError, InputError
from ..domain.timeutil import parse_date, parse_datetime

JsonOpt = Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档(供脚本使用)")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="输出 CSV(供 Excel/脚本使用)")]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="操作发生的时间(北京时间),默认现在,例如 2026-11-21T09:30;只写日期表示当天 09:00(上班时间);"
        "不能早于本案上一步骤,不能晚于现在",
    ),
]
ClerkOpt = Annotated[str | None, typer.Option("--clerk", help="经办人,默认当前系统用户名")]
UnmaskOpt = Annotated[bool, typer.Option("--unmask", help="显示完整的电话号码等个人信息")]


def at_value(text: str | None, field: str = "--at") -> dt.datetime | None:
    return None if text is None else parse_datetime(text, field)


def int_value(value: int | None, field: str, low: int, high: int, example: int) -> int | None:
    """A whole-number option within its bounds, or one sentence (exit 2): a value like
    99999999999999999999 must not reach SQLite (OverflowError) or a date computation."""
    if value is None or low <= value <= high:
        return value
    shown = f" {value} " if len(str(value)) <= 12 else ("太大," if value > 0 else "太小,")
    raise InputError(f"{field} 的值{shown}超出范围,应为 {low} 到 {high} 之间的整数,例如 {field} {example}")


def text_value(
    value: str | None, field: str, limit: int, multiline: bool = False, example: str | None = None
) -> str | None:
    """Free text of an option (note, reason, problem …): trimmed; control characters and text
    over `limit` characters refused (domain/text.py). None stays None."""
    if value is None:
        return None
    from ..domain.text import clean_text

    return clean_text(value, field, limit, multiline=multiline, example=example)


def audit_unmask(command: str, rows: int, target: str | None = None, clerk: str | None = None) -> None:
    """Record that `command` is about to show `rows` rows of unmasked personal data (services/privacy.py).
    Called before anything is printed, so a failure shows nothing."""
    from ..services.privacy import record_unmask

    record_unmask(state.db, clerk, command, rows, target)


def date_value(text: str | None, field: str) -> dt.date | None:
    return None if text is None else parse_date(text, field)


class AppState:
    """Values of the root options, reachable from every command."""

    db: str | None = None


state = AppState()


def fail(message_text: str, code: int) -> typer.Exit:
    from ..render.output import message

    message(message_text, style="bold red")
    return typer.Exit(code)


class KefuGroup(TyperGroup):
    """Root group: user mistakes end as one sentence and exit 2, database trouble as exit 3."""

    def invoke(self, ctx):
        from ..store.db import DatabaseError

        try:
            return super().invoke(ctx)
        except (InputError, CalendarRangeError) as exc:
            raise fail(f"错误: {exc}", 2) from None
        except DatabaseError as exc:
            raise fail(f"数据库错误: {exc}", 3) from None
        except KeyboardInterrupt:
            raise fail("已中断,未完成的操作没有保存。", 130) from None
        except Exception as exc:
            import sqlite3

            from sqlalchemy.exc import SQLAlchemyError

            if isinstance(exc, SQLAlchemyError | sqlite3.Error | OSError):
                # a full disk, a damaged file, a held lock …: one sentence (store/db.py `explain`)
                known = _explain(exc)
                if known is not None:
                    where = "系统错误" if isinstance(exc, OSError) else "数据库错误"
                    raise fail(f"{where}: {known}", 3) from None
            if isinstance(exc, SQLAlchemyError):
                detail = getattr(exc, "orig", None) or exc
                raise fail(f"数据库错误: {detail}。请用 `kefu db check` 检查数据库。", 3) from None
            if isinstance(exc, OSError):
                raise fail(f"系统错误: {exc}", 3) from None
            raise


def _explain(exc: BaseException):
    """The one-sentence DatabaseError for a known failure of the active database, or None."""
    from ..store import db as store_db

    try:
        url = store_db.resolve_url(state.db)
    except Exception:  # noqa: BLE001 - the explanation must not fail itself
        url = None
    return store_db.explain(exc, url)
