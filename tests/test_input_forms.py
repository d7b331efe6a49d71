"""Input as clerks type it: the Chinese labels exactly as help shows them, 今天/昨天/前天 with an
optional time (from the clock seam, never the wall clock), a date and time as one quoted value or
with T, case numbers with full-width hyphens or in lower case, and example times in messages that
fall on working days."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from typer.testing import CliRunner

from conftest import copy_db
from kefu_cli.cli.app import app
from kefu_cli.cli.help_examples import EXAMPLES
from kefu_cli.domain.codes import case_number
from kefu_cli.domain.errors import InputError
from kefu_cli.domain.timeutil import parse_date, parse_datetime
from kefu_cli.services import clock
from test_help import ALL, words

# "code 标签" in an option's help: phone 电话、fax 传真 … (a note in brackets after a label is not
# part of it: "complex 情况复杂(默认自收到投诉合计 30 个自然日)", "letter 信函(默认)").
PAIR = re.compile(r"(?<![\w.\-])([a-z][a-z_]*) ([^\x00-\x7f][^、,,;;|]*?)(?=、|;|;|,|,| \||$| 或)")
NOTE = re.compile(r"[((](?:[^))]*(?:默认|\s|\d)[^))]*[))]|[^))]*)$")


def _label_pairs():
    for path, cmd in ALL:
        key = " ".join(path)
        if hasattr(cmd, "list_commands") or key not in EXAMPLES:
            continue
        for param in cmd.params:
            pairs = PAIR.findall(getattr(param, "help", None) or "")
            for code, label in pairs if len(pairs) > 1 else ():  # a list of values, not one example
                label = NOTE.sub("", label).strip()
                if label and not label.startswith("或"):
                    yield pytest.param(key, param.opts[0], code, label, id=f"{key} {param.opts[0]} {label}")


LABELS = list(_label_pairs())


def _with(args: list[str], option: str, value: str) -> list[str]:
    """The example's words with `option` given `value` (in place of the example's own value)."""
    out, skip = [], False
    for word in args:
        if skip:
            skip = False
        elif word == option:
            skip = True
        else:
            out.append(word)
    return [*out, option, value]


def test_the_help_labels_are_found():
    assert len(LABELS) > 50
    found = {(p.values[0], p.values[1], p.values[3]) for p in LABELS}
    assert ("complaint reject", "--reason", "重复(处理中)") in found
    assert ("complaint add", "--channel", "电话") in found


@pytest.mark.parametrize(("path", "option", "code", "label"), LABELS)
def test_every_label_shown_in_help_is_accepted(path, option, code, label, demo, tmp_path, monkeypatch):
    """The command's example with the option given as help shows it (label) ends as with the code."""
    monkeypatch.chdir(tmp_path)  # a file an example writes (a notice) stays in the test's folder
    args = words(EXAMPLES[path][0])[1:]
    results = []
    for n, value in enumerate((code, label, label.replace("(", "(").replace(")", ")"))):
        folder = tmp_path / str(n)
        folder.mkdir()
        db = copy_db(demo, folder)
        r = CliRunner().invoke(app, ["--db", str(db), *_with(args, option, value)])
        assert f"'{value}' 无效" not in r.output and "无法识别" not in r.output, (value, r.output)
        results.append(r.exit_code)
    assert results[1] == results[2] == results[0], results


def test_a_shortened_label_must_be_unambiguous():
    from kefu_cli.domain import complaint as sm
    from kefu_cli.domain.codes import parse_code

    assert parse_code(sm.REJECT_REASONS, "重复(处理中)", "--reason") == "duplicate_open"
    assert parse_code(sm.REJECT_REASONS, "重复(已决定)", "--reason") == "duplicate_decided"
    assert parse_code(sm.REJECT_REASONS, "非本人或受托人", "--reason") == "not_consumer"
    with pytest.raises(InputError, match="可选"):
        parse_code(sm.REJECT_REASONS, "重复", "--reason")  # which one?


TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", dt.datetime(2026, 12, 1, 9, 0)),
        ("昨天", dt.datetime(2026, 11, 30, 9, 0)),
        ("前天", dt.datetime(2026, 11, 29, 9, 0)),
        ("今天 14:00", dt.datetime(2026, 12, 1, 14, 0)),
        ("昨天14:00", dt.datetime(2026, 11, 30, 14, 0)),
        ("昨天 9:05", dt.datetime(2026, 11, 30, 9, 5)),
        ("前天 16点30分", dt.datetime(2026, 11, 29, 16, 30)),
        ("昨天15点", dt.datetime(2026, 11, 30, 15, 0)),
        ("2026-11-21 09:30", dt.datetime(2026, 11, 21, 9, 30)),
        ("2026-11-21T09:30", dt.datetime(2026, 11, 21, 9, 30)),
    ],
)
def test_relative_days_and_one_value_date_times(text, expected):
    assert parse_datetime(text, "--at", today=TODAY) == expected


def test_relative_days_as_dates_and_their_limits():
    assert parse_date("今天", "--as-of", today=TODAY) == TODAY
    assert parse_date("前天", "--as-of", today=TODAY) == dt.date(2026, 11, 29)
    with pytest.raises(InputError, match="不含时间"):
        parse_date("昨天 14:00", "--as-of", today=TODAY)
    with pytest.raises(InputError, match="不存在"):
        parse_datetime("昨天 25:00", "--at", today=TODAY)
    with pytest.raises(InputError, match="具体日期"):  # a file's cell: no clock to count from
        parse_date("昨天", "第 2 行的日期")


def test_relative_days_count_from_the_clock_seam(kefu):
    clock.set_now(dt.datetime(2026, 11, 20, 16, 0))  # a Friday
    out = kefu.ok("workday", "add", "今天", "1", "--json")
    assert out["start"] == "2026-11-20" and out["due"] == "2026-11-23"
    added = kefu.ok("complaint", "add", "--channel", "电话", "--category", "理赔", "--name", "张三",
                    "--phone", "13812345678", "--received", "昨天 14:00", "--json")  # fmt: skip
    assert added["received_at"].startswith("2026-11-19T14:00")
    view = kefu.ok("complaint", "accept", added["id"], "--at", "今天9:30", "--json")
    assert view["status"] == "accepted"


def test_a_date_and_time_in_one_quoted_value_or_with_t(kefu):
    for n, when in enumerate(("2026-11-21 09:30", "2026-11-21T09:30", "2026/11/21 9:30", "2026-11-21T09:30:00+08:00")):
        added = kefu.ok("complaint", "add", "--channel", "phone", "--category", "claims", "--name", f"张{n}",
                        "--phone", f"1381234567{n}", "--received", when, "--json")  # fmt: skip
        assert added["received_at"].startswith("2026-11-21T09:30"), when


@pytest.mark.parametrize(
    "typed", ["ts－20261119－0001", "ts-20261119-0001", " TS—20261119–0001 ", "ＴＳ－２０２６１１１９－０００１"]
)
def test_case_numbers_as_typed(typed, demo, tmp_path):
    assert case_number(typed) == "TS-20261119-0001"
    r = CliRunner().invoke(app, ["--db", str(copy_db(demo, tmp_path)), "complaint", "show", typed])
    assert r.exit_code == 0 and "TS-20261119-0001" in r.stdout


def test_the_example_time_in_a_message_is_a_working_day(kefu):
    """At 2026-12-31 (Thursday; 2027 not yet published) the suggested time is not 2027-01-01."""
    cb = kefu.ok("callback", "add", "--kind", "satisfaction", "--name", "李明", "--phone", "13900112233",
                 "--due", "2026-12-20", "--json")["id"]  # fmt: skip
    clock.set_now(dt.datetime(2026, 12, 31, 10, 0))
    r = kefu("callback", "reschedule", cb, "--to", "2026-12-30", "--reason", "客户要求")
    assert r.code == 2 and "例如 --to 2027-01-04T10:00" in r.err
    clock.set_now(dt.datetime(2026, 12, 5, 10, 0))  # a Saturday
    r = kefu("callback", "reschedule", cb, "--to", "2026-12-04", "--reason", "客户要求")
    assert r.code == 2 and "例如 --to 2026-12-07T10:00" in r.err


def test_an_unquoted_date_and_time_says_how_to_give_them(kefu):
    r = kefu("workday", "check", "2026-11-21", "09:30")
    assert r.code == 2
    assert "多余的参数: 09:30。日期和时间之间有空格时请加引号,例如 --at '2026-11-21 09:30'" in r.err
    assert "加引号" not in kefu("workday", "check", "2026-11-21", "x").err


def test_a_case_number_given_to_an_option_is_read_as_typed_too(demo, tmp_path):
    db = copy_db(demo, tmp_path)
    r = CliRunner().invoke(
        app, ["--db", str(db), "complaint", "merge", "TS-20261119-0001", "--into", "ts－20261105－0001"]
    )
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["--db", str(db), "complaint", "show", "TS-20261119-0001", "--json"])
    assert '"TS-20261105-0001"' in r.stdout
