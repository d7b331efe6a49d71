"""Master-list rules (pure): which known names a mistyped branch or handler name resembles."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


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
