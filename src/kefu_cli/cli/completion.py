"""Tab completion of values (`kefu --install-completion`: bash, zsh, fish, PowerShell).

Click completes command and option names itself; here are the values, for every parameter that
has no completion of its own:

- codes: every option whose help lists "code 标签" pairs (受理方式: phone 电话、fax 传真 …)
  completes both the English codes and the Chinese labels, so the table is the help text;
- case numbers (the case id argument of each case type's commands, `--into`, `--complaint`):
  read from the database through plain sqlite3 (store/quick.py: no ORM start-up), the newest
  first; a prefix typed in lower case or with full-width hyphens matches too;
- handlers and branches (--handler, --branch, `handler retire`) from their lists;
- file and folder arguments: the shell's own file completion.

At most LIMIT values. Imported only while completing (Parameter.shell_complete is routed here by
zh_click.install); a failure to read the database completes nothing rather than printing an error.
"""

from __future__ import annotations

import re

LIMIT = 50

# "code 标签" in an option's help (the labels' notes in brackets left out).
_PAIR = re.compile(r"(?<![\w.\-])([a-z][a-z_]*) ([^\x00-\x7f][^、,,;;|]*?)(?=、|;|;|,|,| \||$| 或)")
_NOTE = re.compile(r"[((](?:[^))]*(?:默认|\s|\d)[^))]*[))]|[^))]*)$")

# The table of each case type's numbers, by the command group (a notice is of a complaint).
CASE_TABLES = {
    "complaint": "complaint",
    "notice": "complaint",
    "callback": "callback",
    "claim": "claim",
    "request": "service_request",
}
CASE_ARGUMENTS = {"complaint_id", "callback_id", "claim_id", "request_id", "case_id"}
CASE_OPTIONS = {"into": "complaint", "complaint": "complaint"}
# Code options whose help names the values another way (Chinese labels only, "维持(upheld)", an
# example): the table they are parsed with, by the command's path and the option. A table is
# "module:NAME" in kefu_cli.domain, a CodeTable or a {code: label} mapping.
OPTION_TABLES = {
    ("complaint pause", "kind"): "complaint:PAUSE_KINDS",
    ("complaint review-decide", "result"): "complaint:REVIEW_RESULTS",
    ("complaint major", "reason"): "major:MAJOR_REASONS",
    ("complaint list", "status"): "complaint:STATUS_ZH",
    ("callback list", "status"): "callback:STATUSES",
    ("callback list", "kind"): "callback:KINDS",
    ("claim checklist", "types"): "claims:CLAIM_TYPES",
    ("policy-register list", "line"): "claims:LINES",
    ("request list", "reason"): "requests:SURRENDER_REASONS",
    ("request edit", "surrender_reason"): "requests:SURRENDER_REASONS",
    ("request edit", "channel"): "claims:CLAIM_CHANNELS",
    ("report deadlines", "status"): "report:BUCKET_ZH",
    ("report deadlines", "kind"): "deadlines:DEADLINE_KIND_ZH",
    ("complaint add", "dispute"): "regulator:DISPUTES",
    ("complaint add", "line"): "regulator:LINES",
    ("complaint edit", "dispute"): "regulator:DISPUTES",
    ("complaint edit", "line"): "regulator:LINES",
    ("report regulator", "company_type"): "regulator:COMPANY_TYPES",
    ("complaint decide", "cause"): "causes:CAUSES",  # 溯源整改
    ("complaint edit", "cause"): "causes:CAUSES",
}
FILE_ARGUMENTS = {"file", "dest", "folder"}
FILE_OPTIONS = {"output", "errors", "out", "templates", "to_file", "data"}


def code_values(help_text: str | None) -> list[tuple[str, str]]:
    """(value, description) of each code and label an option's help lists, or [] for free text.
    One "code 标签" pair alone is an example, not a list of the values."""
    pairs = _PAIR.findall(help_text or "")
    if len(pairs) < 2:
        return []
    out: list[tuple[str, str]] = []
    for code, label in pairs:
        label = _NOTE.sub("", label).strip()
        if label.startswith("或"):
            continue
        out += [(code, label), (label, code)]
    return out


def table_values(ref: str) -> list[tuple[str, str]]:
    """(value, description) of every code of an OPTION_TABLES table and of its Chinese label."""
    import importlib

    module, name = ref.split(":")
    table = getattr(importlib.import_module(f"kefu_cli.domain.{module}"), name)
    out: list[tuple[str, str]] = []
    for code, entry in table.items():
        zh = entry[0] if isinstance(entry, tuple) else entry
        out += [(str(code), zh), (zh, str(code))]
    return out


def _option_table(ctx, name: str) -> str | None:
    path = (ctx.command_path or "").split(" ", 1)[-1]
    return OPTION_TABLES.get((path, name))


def _db(ctx) -> str | None:
    root = ctx.find_root()
    return root.params.get("db") if root.params else None


def _rows(ctx, sql: str, args: tuple) -> list[tuple]:
    from ..store import quick

    try:
        with quick.connect(_db(ctx)) as conn:
            if conn is None:
                return []
            return conn.execute(sql, args).fetchall()
    except Exception:  # noqa: BLE001 - completion never fails loudly
        return []


def case_numbers(ctx, table: str, incomplete: str) -> list[str]:
    """The numbers of `table` beginning with `incomplete` (as typed: lower case, full-width), newest first."""
    from ..domain.codes import case_number

    prefix = case_number(incomplete) or ""
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = f"SELECT id FROM {table} WHERE id LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT {LIMIT}"
    return [r[0] for r in _rows(ctx, sql, (like,))]


def names(ctx, table: str, incomplete: str) -> list[str]:
    like = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = f"SELECT name FROM {table} WHERE name LIKE ? ESCAPE '\\' AND active ORDER BY name LIMIT {LIMIT}"
    return [r[0] for r in _rows(ctx, sql, (like,))]


def _group(ctx) -> str:
    """The command group of `ctx` below the root: 'complaint' for `kefu complaint show`."""
    path = []
    while ctx is not None and ctx.parent is not None:
        path.append(ctx.info_name or "")
        ctx = ctx.parent
    return path[-1] if path else ""


def complete(param, ctx, incomplete: str) -> list:
    """The CompletionItems of `param`'s value."""
    from typer._click.shell_completion import CompletionItem

    name = param.name or ""
    kind = param.param_type_name
    if kind == "argument" and name in FILE_ARGUMENTS or kind == "option" and name in FILE_OPTIONS:
        return [CompletionItem(incomplete, type="file")]
    table = None
    if kind == "argument" and name in CASE_ARGUMENTS:
        table = CASE_TABLES.get(_group(ctx))
    elif kind == "option" and name in CASE_OPTIONS:
        table = CASE_TABLES[CASE_OPTIONS[name]]
    if table is not None:
        return [CompletionItem(v) for v in case_numbers(ctx, table, incomplete)]
    if name == "handler" or (kind == "argument" and name == "name" and ctx.command_path.endswith("handler retire")):
        return [CompletionItem(v) for v in names(ctx, "handler", incomplete)]
    if name == "branch":
        return [CompletionItem(v) for v in names(ctx, "branch", incomplete)]
    if kind == "option":
        typed = incomplete.lower()
        ref = _option_table(ctx, name)
        listed = table_values(ref) if ref else code_values(getattr(param, "help", None))
        values = [(v, d) for v, d in listed if v.lower().startswith(typed)]
        return [CompletionItem(v, help=d) for v, d in values[:LIMIT]]
    return []
