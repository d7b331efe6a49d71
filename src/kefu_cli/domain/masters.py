"""Master-list rules (pure): which known names a mistyped branch or handler name resembles."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from .errors import InputError

# The two lists a filter may name: (option value's table, its Chinese name).
LISTS = (("branch", "机构"), ("handler", "经办人"))


def suggestions(name: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """Known names close to `name`, best first: a name containing it or contained in it
    (李 → 李娜, 朝阳 → 朝阳支公司), then close spellings (李那 → 李娜)."""
    name = name.strip()
    pool = sorted(set(known))
    if not name or not pool:
        return []
    found = [k for k in pool if name in k or k in name]
    found.sort(key=lambda k: (abs(len(k) - len(name)), k))
    for k in difflib.get_close_matches(name, pool, n=limit, cutoff=0.5):
        if k not in found:
            found.append(k)
    return found[:limit]


def unknown_sentence(what: str, option: str, name: str, known: Iterable[str], hint: str) -> str:
    """One sentence for a name that is not on the list: what, the suggestions, how to add it."""
    near = suggestions(name, known)
    said = f"{what} '{name}' 不在{what}名单中"
    if near:
        said += f",您是不是要找: {'、'.join(near)}"
    return f"{said}。{hint}"


def check_filter(branch: str | None, handler: str | None, known: Callable[[str], list[str]]) -> None:
    """A report or list filter naming a branch or handler not on its list (a list in use: not
    empty): one sentence with suggestions, not an empty result. `known(table)` reads a list's
    names (an ORM session or plain sqlite3 — the rule is this one either way)."""
    for value, (table, what) in zip((branch, handler), LISTS, strict=True):
        name = (value or "").strip()
        if not name:
            continue
        names = known(table)
        if names and name not in names:
            raise InputError(unknown_sentence(what, f"--{table}", name, names, f"用 `kefu {table} list` 查看名单"))
