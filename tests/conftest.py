"""Shared fixtures: every command is tested through the CLI, on a fresh database file.

kefu creates a database only with `kefu db init` (or for the per-user default), so the
fixtures initialise theirs first; a test that needs a file that does not exist yet uses its
own path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from kefu_cli.cli.app import app


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


class Kefu:
    """Runs `kefu --db <tmp file> ARGS…` in-process and returns exit code, stdout, stderr."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        r = self.runner.invoke(app, ["--db", self.db, *map(str, args)], input=input, catch_exceptions=False)
        return Result(r.exit_code, r.stdout, r.stderr)

    def ok(self, *args: str):
        """Run, assert exit 0; the parsed JSON when --json was given, else stdout."""
        r = self(*args)
        assert r.code == 0, f"kefu {' '.join(args)} exited {r.code}: {r.err or r.out}"
        return r.json() if "--json" in args else r.out


def init_db(path: str) -> str:
    """Create a database with `kefu --db PATH db init` (kefu never creates one silently)."""
    r = CliRunner().invoke(app, ["--db", path, "db", "init"], catch_exceptions=False)
    assert r.exit_code == 0, f"kefu --db {path} db init exited {r.exit_code}: {r.stderr or r.stdout}"
    return path


@pytest.fixture
def db_path(tmp_path):
    """A fresh, initialised database file."""
    return init_db(str(tmp_path / "kefu.sqlite"))


@pytest.fixture
def kefu(db_path, monkeypatch) -> Kefu:
    monkeypatch.delenv("KEFU_DB", raising=False)
    monkeypatch.setenv("KEFU_CLERK", "tester")
    return Kefu(db_path)
