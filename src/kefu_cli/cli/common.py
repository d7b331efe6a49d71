"""Options shared by every command, and the error boundary of the CLI."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from typer.core import TyperGroup

from ..domain.codes import case_number
from ..domain.errors import CalendarRangeError, InputError
from ..domain.timeutil import parse_date, parse_datetime
from ..services import clock  # today, for 今天/昨天/前天 typed as a date

JsonOpt = Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档(供脚本使用)")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="输出 CSV(供 Excel/脚本使用)")]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="操作发生的时间(北京时间),默认现在,例如 2026-11-21T09:30 或 '昨天 14:00';只写日期表示当天 09:00(上班时间);"
        "不能早于本案上一步骤,不能晚于现在",
    ),
]
ClerkOpt = Annotated[
    str | None, typer.Option("--clerk", help="操作人(记录这一步的人),默认: KEFU_CLERK、个人设置 clerk、系统用户名")
]
UnmaskOpt = Annotated[bool, typer.Option("--unmask", help="显示完整的电话号码等个人信息")]

# The case id argument of each case type's commands.
CASE_ID_HELP = {
    "complaint": "投诉编号,例如 TS-20261121-0007",
    "callback": "回访编号,例如 HF-20261008-0001",
    "claim": "报案编号,例如 BA-20261120-0001",
    "request": "请求编号,例如 SQ-20261120-0001",
}


def case_id_arg(case_type: str):
    """The case id argument of `case_type`'s commands, e.g. `IdArg = case_id_arg("claim")`."""
    return Annotated[str, typer.Argument(help=CASE_ID_HELP[case_type], callback=case_number)]


# The most rows a list command gives (--limit).
LIST_LIMIT_MAX = 1_000_000

# Options that several commands share, each defined once: one name, one Chinese help text.
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="按哪一天计算剩余工作日、判断逾期,默认今天")]
BranchOpt = Annotated[str | None, typer.Option("--branch", help="机构,例如 朝阳支公司")]
HandlerOpt = Annotated[str | None, typer.Option("--handler", help="处理人(经办人),例如 李娜")]
NewBranchOpt = Annotated[bool, typer.Option("--new-branch", help="机构不在机构名单中时一并新增")]
NewHandlerOpt = Annotated[bool, typer.Option("--new-handler", help="处理人(经办人)不在名单中时一并新增(新同事)")]
PolicyBranchOpt = Annotated[str, typer.Option("--branch", help="机构(默认保单的机构)")]
PolicyOpt = Annotated[str | None, typer.Option("--policy", help="保单号")]
NameOpt = Annotated[str | None, typer.Option("--name", help="姓名")]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="联系电话,例如 13812345678 或 010-88889999")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="备注(最多 10000 个字符)")]
EditReasonOpt = Annotated[str, typer.Option("--reason", help="更正原因(记入审计),例如 电话号码录入错误")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="只检查文件,不保存")]
# the day a report, an export or a list is read for
ReportAsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="报表或数据的截至日(以这一天为准计算逾期与剩余工作日),默认今天,例如 2026-11-21"),
]
# list filters
LimitOpt = Annotated[
    int | None, typer.Option("--limit", help=f"最多列出几件(1 到 {LIST_LIMIT_MAX}),其余的只说还有几条")
]
NoPagerOpt = Annotated[
    bool, typer.Option("--no-pager", help="不分页: 在终端上超过一屏的输出默认交给 $PAGER(未设置时为 less -R)翻页")
]
AllOpt = Annotated[bool, typer.Option("--all", help="包括已作废(误登记)的案件")]
OverdueOpt = Annotated[bool, typer.Option("--overdue", help="只列有逾期未完成期限的案件")]
NameFilterOpt = Annotated[str | None, typer.Option("--name", help="姓名(包含即可;理赔报案为被保险人或报案人),例如 王")]
PhoneFilterOpt = Annotated[str | None, typer.Option("--phone", help="电话号码或后 4 位,例如 5678")]
PolicyFilterOpt = Annotated[str | None, typer.Option("--policy", help="保单号(包含即可)")]
FromOpt = Annotated[str | None, typer.Option("--from", help="登记日期自(含,按接收或报案日),例如 2026-11-01")]
ToOpt = Annotated[str | None, typer.Option("--to", help="登记日期至(含,按接收或报案日),例如 2026-11-30")]
DueFromOpt = Annotated[str | None, typer.Option("--due-from", help="只列有未完成期限到期不早于此日的")]
DueToOpt = Annotated[str | None, typer.Option("--due-to", help="只列有未完成期限到期不晚于此日的")]


def at_value(text: str | None, field: str = "--at") -> dt.datetime | None:
    return None if text is None else parse_datetime(text, field, today=clock.today())


def received_and_at(received: str | None, at: str | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """`--received` and `--at` of a registration: a receipt given alone must not lie in the
    future; the registration time defaults to the receipt time (then now)."""
    from ..domain.timeutil import check_not_future

    received_dt = at_value(received, "--received")
    if at is None and received_dt is not None:
        check_not_future(received_dt, "--received", clock.now())
    return received_dt, at_value(at) or received_dt


def int_value(value: int | None, field: str, low: int, high: int, example: int) -> int | None:
    """A whole-number option within its bounds, or one sentence (exit 2): a value like
    99999999999999999999 must not reach SQLite (OverflowError) or a date computation."""
    if value is None or low <= value <= high:
        return value
    shown = f" {value} " if len(str(value)) <= 12 else ("太大," if value > 0 else "太小,")
    raise InputError(f"{field} 的值{shown}超出范围,应为 {low} 到 {high} 之间的整数,例如 {field} {example}")


def one_output(json: bool, csv: bool, command: str) -> None:
    """--json and --csv together: one sentence, exit 2 (never one silently winning)."""
    if json and csv:
        from ..domain.errors import InputError

        raise InputError(f"--json 与 --csv 只能选一个,例如 kefu {command} --json")


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
    return None if text is None else parse_date(text, field, today=clock.today())


class AppState:
    """Values of the root options, reachable from every command."""

    db: str | None = None


state = AppState()


def fail(message_text: str, code: int) -> typer.Exit:
    from ..render.output import message

    message(message_text, style="bold red")
    return typer.Exit(code)


class KefuGroup(TyperGroup):
    """Root group: user mistakes end as one sentence and exit 2, database trouble as exit 3.

    Its commands are loaded lazily: `lazy` lists (name, module, attribute, help line) and a
    command's module is imported only when that command is run or its own help is shown;
    the root help lists the help lines from the table without importing any module.
    """

    lazy: tuple[tuple[str, str, str, str], ...] = ()

    def list_commands(self, ctx) -> list[str]:
        names = super().list_commands(ctx)
        return names + [name for name, *_ in self.lazy if name not in names]

    def get_command(self, ctx, cmd_name: str):
        cmd = super().get_command(ctx, cmd_name)
        if cmd is None:
            for name, module, attribute, _help in self.lazy:
                if name == cmd_name:
                    return load_command(name, module, attribute)
        return cmd

    def format_commands(self, ctx, formatter) -> None:
        """The command list of the help page, from the table: nothing is imported for it."""
        from typer.core import _

        from .help_format import short_help as make_default_short_help

        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)
        rows = []
        for name in names:
            cmd = super().get_command(ctx, name)
            if cmd is None:
                help_line = next(h for n, _m, _a, h in self.lazy if n == name)
                rows.append((name, make_default_short_help(help_line, limit).strip()))
            elif not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit)))
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)

    def resolve_command(self, ctx, args):
        return _resolve_with_suggestions(self, ctx, args)

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


# Commands built from their modules, once per process (each case type's module adds the shared
# case steps to its Typer app when it is imported: `kefu_cli.cli.casework.add_to`).
_loaded: dict[str, object] = {}


class LazyTyperGroup(TyperGroup):
    """A command group of a Typer app whose commands are built when first asked for: running
    `kefu complaint add` builds `add` alone, not the 25 commands of `complaint` (Typer reads
    every command's signature to build it: tens of milliseconds for a large group)."""

    _pending: dict = {}  # command name -> typer CommandInfo, in the order they were declared

    def list_commands(self, ctx) -> list[str]:
        return [*self._pending, *(n for n in self.commands if n not in self._pending)]

    def get_command(self, ctx, cmd_name: str):
        cmd = self.commands.get(cmd_name)
        if cmd is None and cmd_name in self._pending:
            from typer.main import get_command_from_info

            info = self._pending[cmd_name]
            if isinstance(info, LazyCommand):
                info = info.info()
            cmd = self.commands[cmd_name] = get_command_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None
            )
        return cmd

    def resolve_command(self, ctx, args):
        return _resolve_with_suggestions(self, ctx, args)


class LazyCommand:
    """A command of a group's Typer app whose function lives in another module, imported only
    when the command is built (run, or its help shown): `kefu complaint add` does not import the
    module of `complaint show`. Stands in the app's `registered_commands` (see `lazy_commands`)."""

    def __init__(self, name: str, module: str, attribute: str) -> None:
        self.name, self.module, self.attribute = name, module, attribute

    def info(self):
        """The Typer CommandInfo, as `@app.command(name)` on the function would have made it."""
        import importlib

        function = getattr(importlib.import_module(self.module), self.attribute)
        holder = typer.Typer()
        holder.command(self.name)(function)
        return holder.registered_commands[0]


def lazy_commands(app: typer.Typer, module: str, *names: str) -> None:
    """Add the commands `names` of `module` to `app`, in this order, without importing the module:
    "show" is the function `show`, "regulator-report" `regulator_report`, "list:list_" `list_`."""
    for name in names:
        name, _, attribute = name.partition(":")
        app.registered_commands.append(LazyCommand(name, module, attribute or name.replace("-", "_")))


def _resolve_with_suggestions(group, ctx, args):
    """Typer's resolve_command, suggesting from every command name (built or not)."""
    from typer._click.exceptions import UsageError

    try:
        return group._click_resolve_command(ctx, args)
    except UsageError as e:
        from difflib import get_close_matches

        matches = get_close_matches(args[0], group.list_commands(ctx)) if args else []
        if matches:
            e.message = f"{e.message.rstrip('.')}. Did you mean {', '.join(repr(m) for m in matches)}?"
        raise


def load_command(name: str, module: str, attribute: str):
    """The Click command `name`: the Typer app (a group) or function (a single command) that
    `module.attribute` names, built as `Typer.add_typer` / `Typer.command` would build it,
    except that a group's commands are built when first used (`LazyTyperGroup`)."""
    cmd = _loaded.get(name)
    if cmd is None:
        import copy
        import importlib

        from typer.main import get_command_name, get_group
        from typer.models import DefaultPlaceholder

        target = getattr(importlib.import_module(module), attribute)
        holder = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
        pending = None
        if isinstance(target, typer.Typer):
            if isinstance(target.info.cls, DefaultPlaceholder) or target.info.cls is None:
                pending = {
                    info.name or get_command_name(info.callback.__name__): info for info in target.registered_commands
                }
                target = copy.copy(target)
                target.registered_commands = []
                holder.add_typer(target, name=name, cls=LazyTyperGroup)
            else:
                holder.add_typer(target, name=name)
        else:
            holder.command(name)(target)
        cmd = get_group(holder).commands[name]
        if pending is not None:
            cmd._pending = pending
        _loaded[name] = cmd
    return cmd


def _quick_params() -> None:
    """Parameter values without pydantic where it has nothing to do.

    Typer converts every parameter value through a pydantic TypeAdapter, built on first use:
    importing pydantic alone takes about 0.15 s, most of the time of a command that needs no
    database (`kefu workday add`), and building the adapters adds more to every command. Here
    a value that already is what its parameter declares — a `str` for `str` (every typed
    argument), a `bool` for a flag, an `int` default for a plain `int` — is kept as it is,
    which is exactly what the adapter would return; anything else (e.g. "10" for an `int`, a
    range, a custom parser) still goes through Typer's own conversion, built when first needed.
    Quietly does nothing should Typer's internals change (commands are then only slower:
    tests/test_latency_imports.py notices)."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer.core import _TyperParameter
    except ImportError:  # pragma: no cover - another Typer
        return
    if getattr(_TyperParameter, "_kefu_quick", False):
        return

    class QuickParam(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            kind = self.annotation
            if type(value) is kind:  # str for str, bool for bool, int (not bool) for int
                return value
            slow = param.__dict__.get("_kefu_slow")
            if slow is None:
                slow = param.__dict__["_kefu_slow"] = build_runtime_param(param.type_descriptor)
            return slow._coerce_value(value, param, ctx)

    def quick(d) -> bool:
        info = d.parameter_info
        if d.annotation not in (str, bool, int) or d.file_annotation is not None:
            return False
        if getattr(info, "parser", None) is not None:
            return False
        return d.annotation is not int or (info.min is None and info.max is None and not info.clamp)

    original = _TyperParameter.get_runtime_param

    def get_runtime_param(self):
        if getattr(self, "_runtime_param", None) is None:
            d = getattr(self, "type_descriptor", None)
            if d is not None and quick(d):
                self._runtime_param = QuickParam(parameter_info=d.parameter_info, annotation=d.annotation)
        return original(self)

    _TyperParameter.get_runtime_param = get_runtime_param
    _TyperParameter._kefu_quick = True


_quick_params()


def _explain(exc: BaseException):
    """The one-sentence DatabaseError for a known failure of the active database, or None."""
    from ..store import db as store_db

    try:
        url = store_db.resolve_url(state.db)
    except Exception:  # noqa: BLE001 - the explanation must not fail itself
        url = None
    return store_db.explain(exc, url)
