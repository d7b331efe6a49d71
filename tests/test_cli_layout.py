"""The shape of the command-line layer (cli/): small modules, every shared option defined once,
the steps every case type shares added once (cli/casework.add_to), and commands built lazily
from their own module."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

CLI = Path(__file__).parent.parent / "src" / "kefu_cli" / "cli"
CASE_TYPES = ("complaint", "callback", "claim", "request")


def test_no_cli_module_is_over_400_lines():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in CLI.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def test_no_option_is_defined_twice_with_the_same_help():
    """An option several commands share is one definition (cli/common.py or its group's module)."""
    seen = Counter()
    for p in CLI.glob("*.py"):
        for m in re.finditer(
            r'typer\.Option\(\s*((?:"--?[\w-]+",\s*)+)help=(f?"[^"]*")', p.read_text(encoding="utf-8")
        ):
            seen[(m.group(1).strip(), m.group(2))] += 1
    assert {k: n for k, n in seen.items() if n > 1} == {}


@pytest.mark.parametrize("case_type", CASE_TYPES)
def test_every_case_type_has_the_shared_steps_once(kefu, case_type):
    from kefu_cli.cli.common import CASE_ID_HELP, load_command

    group = load_command(case_type, f"kefu_cli.cli.{case_type}", "app")
    names = group.list_commands(None)
    assert names[-4:] == ["undo", "note", "assign", "void"] and len(names) == len(set(names))
    r = kefu(case_type, "undo", "--help")
    assert r.code == 0 and CASE_ID_HELP[case_type].split(",")[0] in r.out


@pytest.mark.parametrize(
    ("group", "command", "not_imported"),
    [
        ("complaint", "add", ("complaint_show", "complaint_list")),
        ("complaint", "accept", ("complaint_show", "complaint_list", "complaint_render")),
        ("claim", "report", ("claim_show",)),
        ("callback", "attempt", ("callback_show",)),
        ("report", "deadlines", ("report_stats",)),
    ],
)
def test_a_command_is_built_without_the_modules_of_the_others(group, command, not_imported):
    code = (
        "import json, sys; from kefu_cli.cli.common import load_command; "
        f"g = load_command({group!r}, 'kefu_cli.cli.{group}', 'app'); assert g.get_command(None, {command!r}); "
        "print(json.dumps([m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('kefu_cli.cli.')]))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    loaded = set(json.loads(r.stdout))
    assert group in loaded and not set(not_imported) & loaded
