"""The reads a clerk opens most run without the ORM on a current SQLite file (plain sqlite3 SQL,
services/report_source.py) and print exactly what the unit-of-work path prints: every case of the
demo database, text, --all and --json, both ways."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from kefu_cli.domain.notices import NoticeType
from kefu_cli.store import quick
from test_latency_imports import probe


def _both(monkeypatch, demo, *args) -> tuple[tuple, tuple]:
    fast = run_cli("--db", demo, *args)
    with monkeypatch.context() as m:
        m.setattr(quick, "_open", lambda db: None)  # no plain sqlite3: the unit of work reads
        slow = run_cli("--db", demo, *args)
    return fast, slow


# a later day than today (the test clock's 2026-12-01) is read the quick way too
LATER = ["--as-of", "2026-12-10", "--json"]
SHOWS = [("complaint", [["--all"], LATER]), ("callback", [["--all"], LATER]), ("claim", [["--all"], LATER])]


@pytest.mark.parametrize(("group", "more"), SHOWS)
def test_show_reads_the_same_without_the_orm(demo, monkeypatch, group, more):
    code, out, err = run_cli("--db", demo, group, "list", "--all", "--json")
    assert code == 0, err
    ids = [i["id"] for i in json.loads(out)["items"]]
    assert ids
    for case_id in ids:
        for extra in ([], ["--json"], *more):
            fast, slow = _both(monkeypatch, demo, group, "show", case_id, *extra)
            assert fast == slow, (case_id, extra)
    # an unknown number: the same sentence, exit 2
    fast, slow = _both(monkeypatch, demo, group, "show", "XX-1")
    assert fast == slow and fast[0] == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["complaint", "show", "TS-20261103-0001", "--json"],
        ["callback", "show", "HF-20261116-0006", "--json"],
        ["callback", "list", "--next", "--json"],
        ["claim", "show", "BA-20261116-0001", "--json"],
        ["request", "list", "--json"],
        ["handler", "list", "--json"],
    ],
)
def test_the_quick_reads_import_no_database_stack(demo, argv):
    r = probe("--db", str(demo), *argv)
    assert r["code"] == 0
    assert r["heavy"] == [], f"kefu {' '.join(argv)} imported {r['heavy']}"


@pytest.mark.parametrize(
    "filters",
    [
        [],
        ["--next"],
        ["--all"],
        ["--status", "open"],
        ["--status", "回访成功"],
        ["--kind", "新契约"],
        ["--branch", "朝阳支公司", "--handler", "李娜"],
        ["--name", "王"],
        ["--name", "%"],
        ["--phone", "0001"],
        ["--phone", "13800000001"],
        ["--policy", "P2026"],
        ["--due-from", "2026-11-18", "--due-to", "2026-11-25"],
        ["--due-from", "2026-11-25", "--due-to", "2026-11-18"],
        ["--handler", "李"],
        ["--next", "--unmask"],
        ["--overdue"],
        ["--overdue", "--next", "--handler", "张敏"],
        ["--limit", "3"],
    ],
)
def test_callback_list_reads_the_same_without_the_orm(demo, monkeypatch, filters):
    for extra in ([], ["--json"]):
        fast, slow = _both(monkeypatch, demo, "callback", "list", *filters, *extra)
        assert fast == slow, (filters, extra)


def test_the_claim_columns_are_the_models():
    from kefu_cli.services.claim_read import COLUMNS
    from kefu_cli.store.claim_models import Claim

    assert tuple(Claim.model_fields) == COLUMNS


@pytest.mark.parametrize(
    "filters",
    [
        [],
        ["--all"],
        ["--type", "退保"],
        ["--status", "open", "--reason", "经济困难"],
        ["--branch", "朝阳支公司", "--handler", "王强"],
        ["--from", "2026-11-20", "--to", "2026-11-20"],
        ["--from", "2026-11-21", "--to", "2026-11-20"],
        ["--policy", "P2023"],
        ["--name", "马"],
        ["--limit", "1"],
        ["--handler", "李"],
        ["--type", "nope"],
    ],
)
def test_request_list_reads_the_same_without_the_orm(demo, monkeypatch, filters):
    for extra in ([], ["--json"], ["--csv"]):
        fast, slow = _both(monkeypatch, demo, "request", "list", *filters, *extra)
        assert fast == slow, (filters, extra)


def test_the_request_columns_are_the_models():
    from kefu_cli.services.request_read import COLUMNS
    from kefu_cli.store.claim_models import ServiceRequest

    assert tuple(ServiceRequest.model_fields) == COLUMNS


@pytest.mark.parametrize("filters", [[], ["--all"], ["--branch", "朝阳支公司"], ["--branch", "朝阳"]])
def test_handler_list_reads_the_same_without_the_orm(demo, monkeypatch, filters):
    for extra in ([], ["--json"]):
        fast, slow = _both(monkeypatch, demo, "handler", "list", *filters, *extra)
        assert fast == slow, (filters, extra)


NOTICE_TYPES = [t.value for t in NoticeType]


def test_notice_preview_reads_the_same_without_the_orm(demo, monkeypatch):
    """Every notice type of every demo complaint, previewed both ways: the same letter, the same
    refusal (a notice that does not fit the case), the same exit code."""
    code, out, err = run_cli("--db", demo, "complaint", "list", "--all", "--json")
    assert code == 0, err
    ids = [i["id"] for i in json.loads(out)["items"]]
    previews = 0
    for case_id in ids:
        for kind in NOTICE_TYPES:
            extra = ["--materials", "身份证复印件"] if kind == "supplement" else []
            for more in ([], ["--json"]):
                fast, slow = _both(monkeypatch, demo, "notice", case_id, "--type", kind, *extra, *more)
                assert fast == slow, (case_id, kind, more)
                previews += fast[0] == 0
    assert previews >= 10  # letters were written, not only refusals
    for argv in (["notice", "XX-1", "--type", "受理"], ["notice", "ts－20261119－0001", "--type", "补正"]):
        fast, slow = _both(monkeypatch, demo, *argv)
        assert fast == slow and fast[0] == 2


def test_notice_preview_imports_no_database_stack(demo):
    r = probe("--db", str(demo), "notice", "TS-20260918-0001", "--type", "decision")
    assert r["code"] == 0, r["out"]
    assert "处理决定告知书" in r["out"]
    assert r["heavy"] == [], f"kefu notice imported {r['heavy']}"
