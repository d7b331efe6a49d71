"""The 示例 (examples) section at the end of every command's help: one or two lines each, that
work when typed as shown (tests/test_help.py parses every one of them with the command itself,
and runs those that only read on a copy of the demo database).

Keyed by the command's path below `kefu` ("" is `kefu` itself). A new command adds its lines here.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {}


def command_key(ctx) -> str:
    """'complaint add' for the context of `kefu complaint add` (the root's own name left out)."""
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def examples_of(ctx) -> tuple[str, ...]:
    return EXAMPLES.get(command_key(ctx), ())
