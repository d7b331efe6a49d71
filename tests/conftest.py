"""Shared fixtures: every command is tested through the CLI, on a fresh database file.

kefu creates a database only with `kefu db init` (or for the per-user default), so the
fixtures initialise theirs first; a test that needs a file that does not exist yet uses its
own path.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu_cli.cli.app import app

# "Now" for every test (China time; a working Tuesday): the clock seam (kefu_cli/services/clock.py)
# is set to it, so no test depends on the wall clock or the machine's zone. A test that needs
# another moment sets it with clock.set_now / clock.frozen; it is set back after each test.
FIXED_NOW = dt.datetime(2026, 12, 1, 10, 0)


def _simulate_a_newer_calendar_release() -> None:
    """KEFU_TEST_CALENDAR_KNOWS=2027 (a year, or years "2027,2028") runs the suite as if the
    installed chinese-calendar already knew those years (their rest days taken from the `holidays`
    package): a test that takes such a year for "not yet published" fails then. Tests use 2099 for
    that. In-process only: a test that runs kefu as a subprocess still sees the installed data."""
    import os

    years = [int(y) for y in os.environ.get("KEFU_TEST_CALENDAR_KNOWS", "").split(",") if y.strip()]
    if not years:
        return
    import holidays as oracle

    from kefu_cli.domain import official_days

    rest, makeup, known = official_days.official_data()
    for year in years:
        rest.update(dict.fromkeys(oracle.China(years=year), "节假日"))
        known.add(year)
    official_days._official = (rest, makeup, known)


# The last year of official data the tests are written against: the in-process calendar is cut
# there, so a chinese-calendar release that adds next year's notice changes no test (and 2027 stays
# "not yet published" for the tests of the provisional rule and of imported notices).
OFFICIAL_DATA_UNTIL = 2026


def _pin_the_official_data() -> None:
    from kefu_cli.domain import official_days

    rest, makeup, known = official_days.official_data()
    if max(known) < OFFICIAL_DATA_UNTIL:
        raise RuntimeError(f"the installed chinese-calendar ends before {OFFICIAL_DATA_UNTIL}: the tests need its data")
    cut = {y for y in known if y <= OFFICIAL_DATA_UNTIL}
    official_days._official = (
        {d: n for d, n in rest.items() if d.year in cut},
        {d: n for d, n in makeup.items() if d.year in cut},
        cut,
    )


_simulate_a_newer_calendar_release()
_pin_the_official_data()


@pytest.fixture(autouse=True)
def _fixed_clock_and_private_home(tmp_path_factory, monkeypatch):
    """Every test runs at FIXED_NOW, with a per-user data folder of its own: no test opens or
    creates the real per-user default database (~/.local/share/kefu/kefu.sqlite) or reads the real
    per-user settings (~/.config/kefu/config.json)."""
    from kefu_cli.services import clock

    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "share"))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))  # the per-user settings (kefu config)
    monkeypatch.setenv("APPDATA", str(home / "AppData" / "Roaming"))
    monkeypatch.delenv("KEFU_DB", raising=False)
    clock.set_now(FIXED_NOW)
    yield
    clock.set_now(None)
    from kefu_cli.store.engine import dispose_all

    dispose_all()  # each test's databases: their pooled connections closed (no descriptors pile up)


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


SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"


def run_cli(*args) -> tuple[int, str, str]:
    """`kefu ARGS…` in-process: (exit code, stdout, stderr)."""
    r = CliRunner().invoke(app, [*map(str, args)], catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo database (`kefu demo`: every step dated by --at), built once per test module."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    code, _, err = run_cli("demo", "--data", SAMPLE_DATA, "--to", path)
    assert code == 0, err
    return path


def copy_db(source: Path, tmp_path: Path) -> Path:
    """A consistent copy of a database (its last writes may still be in the WAL file)."""
    target = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close(), dst.close()
    return target


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


def _real_default_db():
    from pathlib import Path

    from kefu_cli.store import db as store_db

    return Path(store_db.default_db_path())  # read at import, before any fixture moves the data folder


_REAL_DEFAULT_DB = _real_default_db()
_REAL_DEFAULT_DB_EXISTED = _REAL_DEFAULT_DB.exists()


def pytest_sessionfinish(session, exitstatus):
    """No test may create the per-user default database of whoever runs the suite."""
    if not _REAL_DEFAULT_DB_EXISTED and _REAL_DEFAULT_DB.exists():
        print(f"\nFAILED: a test created the real per-user default database {_REAL_DEFAULT_DB}")
        session.exitstatus = 1
