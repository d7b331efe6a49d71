"""`report stats` counts as it reads (migration 0016): today's complaint figures, both durations
and the on-time counts read their rows in the order of an index — no sort, no look-up per row —
so a million cases take one pass each. Guards the SQL text against drifting from the indexes'
expressions (a drift would still answer right, only slowly)."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def plans(kefu, monkeypatch):
    from kefu_cli.services import deadline_query, stats
    from kefu_cli.services.report_source import _lite, report_source, sql_rows

    seen: list[tuple[str, list[str]]] = []

    def explained(src, sql, params):
        rows = src.conn.execute("EXPLAIN QUERY PLAN " + sql, {k: _lite(v) for k, v in params.items()}).fetchall()
        seen.append((sql, [r[-1] for r in rows]))
        return sql_rows(src, sql, params)

    monkeypatch.setattr(stats, "sql_rows", explained)
    monkeypatch.setattr(deadline_query, "sql_rows", explained)
    kefu.ok("complaint", "add", "--received", "2026-11-20T09:30", "--channel", "电话", "--category", "理赔",
            "--name", "张三", "--phone", "13912340001", "--at", "2026-11-20T09:30")  # fmt: skip
    with report_source(kefu.db) as src:
        report = stats.stats_report(src, dt.date(2026, 1, 1), dt.date(2026, 11, 30), dt.date(2026, 12, 1))
    assert report["complaints"]["total"] == 1
    return seen


def _plan(seen, start: str) -> list[str]:
    return next(plan for sql, plan in seen if sql.startswith(start))


def test_the_complaint_figures_read_the_month_index_in_order(plans):
    plan = _plan(plans, "SELECT substr(received_at, 1, 7), category")
    assert any("ix_complaint_month" in p for p in plan) and not any("TEMP B-TREE" in p for p in plan), plan


def test_both_durations_read_the_days_index_in_order(plans):
    plan = _plan(plans, "SELECT date(received_at), date(coalesce(")
    assert any("ix_complaint_days" in p for p in plan) and not any("TEMP B-TREE" in p for p in plan), plan


def test_the_on_time_counts_read_the_covering_due_index_in_order(plans):
    plan = _plan(plans, "SELECT status, due, kind, breached")
    assert any("COVERING INDEX ix_deadline_open_due" in p for p in plan), plan
    assert not any("TEMP B-TREE" in p for p in plan), plan
