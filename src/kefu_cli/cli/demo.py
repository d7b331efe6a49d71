"""`kefu demo`: a fresh demo database built from sample_data/, then the deadline report.

The demo is a script of ordinary kefu commands (sample_data/demo.kefu), run in-process one
after the other, so what it shows is exactly what a clerk's commands do.
"""

from __future__ import annotations

import io
import json
import shlex
import sqlite3
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from ..domain.errors import InputError

DEMO_AS_OF = "2026-11-20"
DEMO_MARK = "kefu-demo"
DEFAULT_FILE = "kefu-demo.sqlite"


@dataclass
class Step:
    line: int
    name: str | None
    args: list[str]


def find_sample_dir(given: str | None) -> Path:
    """--data, else ./sample_data, else the sample_data/ of the source tree kefu runs from."""
    candidates = [Path(given)] if given else [Path("sample_data"), Path(__file__).resolve().parents[3] / "sample_data"]
    for c in candidates:
        if (c / "demo.kefu").is_file():
            return c.resolve()
    where = given or "./sample_data"
    raise InputError(f"在 {where} 找不到演示脚本 demo.kefu: 请在项目目录下运行,或用 --data 指定 sample_data 目录")


def parse_script(text: str, data_dir: Path) -> list[Step]:
    steps = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name = None
        head, sep, rest = line.partition("=")
        if sep and head.strip().isidentifier() and " " not in head.strip():
            name, line = head.strip(), rest.strip()
        args = shlex.split(line.replace("{data}", data_dir.as_posix()))
        steps.append(Step(no, name, args))
    return steps


def _substitute(args: list[str], names: dict[str, list[str]], step: Step) -> list[str]:
    out = []
    for a in args:
        if a.startswith("$"):
            key, _, index = a[1:].partition(".")
            if key not in names:
                raise InputError(f"demo.kefu 第 {step.line} 行: 未定义的编号 ${key}")
            ids = names[key]
            i = int(index) if index else 0
            if i >= len(ids):
                raise InputError(f"demo.kefu 第 {step.line} 行: ${key} 只有 {len(ids)} 个编号")
            a = ids[i]
        out.append(a)
    return out


def _prepare_target(path: Path) -> None:
    """Remove an earlier demo database; never anything else."""
    if not path.exists():
        return
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        mark = con.execute("SELECT value FROM counter WHERE key = ?", (DEMO_MARK,)).fetchone()
        con.close()
    except sqlite3.Error:
        mark = None
    if not mark:
        raise InputError(f"{path} 已存在且不是演示数据库,为免覆盖真实数据,请用 --to 指定另一个文件")
    from ..store.db import resolve_url
    from ..store.schema import release

    release(resolve_url(str(path)))
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def run_script(db: str, data_dir: Path, verbose: bool = False) -> int:
    """Run sample_data/demo.kefu against `db` (a path or URL, created if missing); the number
    of commands run."""
    from ..render.output import message
    from ..store.db import resolve_url
    from ..store.schema import ensure_schema
    from .app import app as root_app
    from .common import state

    steps = parse_script((data_dir / "demo.kefu").read_text(encoding="utf-8"), data_dir)
    ensure_schema(resolve_url(db), create=True)  # the demo makes its own database, explicitly
    command = typer.main.get_command(root_app)
    names: dict[str, list[str]] = {}
    saved_db = state.db
    try:
        for step in steps:
            args = ["--db", db, *_substitute(step.args, names, step)]
            if step.name and "--json" not in args:
                args.append("--json")
            buf = io.StringIO()
            with redirect_stdout(buf):
                code = command.main(args=args, prog_name="kefu", standalone_mode=False)
            if code not in (None, 0):
                raise InputError(f"演示脚本第 {step.line} 行执行失败(退出码 {code}): kefu {' '.join(step.args)}")
            if step.name:
                doc = json.loads(buf.getvalue())
                names[step.name] = doc["ids"] if "ids" in doc else [doc["id"]]
            if verbose:
                message("kefu " + " ".join(shlex.quote(a) for a in args[2:]))
    finally:
        state.db = saved_db
    return len(steps)


def run_demo(data: str | None, to: str | None, verbose: bool) -> tuple[Path, int]:
    from ..store.db import resolve_url
    from ..store.engine import engine_for

    data_dir = find_sample_dir(data)
    target = Path(to or DEFAULT_FILE).resolve()
    _prepare_target(target)
    n = run_script(str(target), data_dir, verbose)
    with engine_for(resolve_url(str(target)), write=True).begin() as conn:
        conn.exec_driver_sql("INSERT INTO counter (key, value) VALUES (?, 1)", (DEMO_MARK,))
    return target, n


def notices_folder(target: Path) -> Path:
    """Where the demo writes its notices: beside the demo database, `<name>-告知书/`."""
    return target.with_name(f"{target.stem}-告知书")


def demo_notices(target: Path) -> list[dict]:
    """One written notice (告知书) of each type for the demo's cases, dated the report day
    (services/notices.py `demo_notices`); earlier demo notices in the folder are replaced."""
    import datetime as dt

    from ..services.notices import demo_notices as write

    return write(str(target), notices_folder(target), dt.date.fromisoformat(DEMO_AS_OF))


def demo(
    data: Annotated[str | None, typer.Option("--data", help="演示数据目录(含 demo.kefu),默认 ./sample_data")] = None,
    to: Annotated[str | None, typer.Option("--to", help=f"演示数据库文件,默认 ./{DEFAULT_FILE}(不会使用 --db)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="显示执行的每一条命令")] = False,
) -> None:
    """用 sample_data/ 建一个全新的演示数据库,然后打印时限报表。

    演示脚本 sample_data/demo.kefu 由普通的 kefu 命令组成(登记、受理、中止、延期、处理决定、
    导入、回访……),每条都带 --at,所以结果与运行日期无关。演示库另存为 kefu-demo.sqlite,
    不会碰到 --db / KEFU_DB 指向的正式数据库。
    """
    from ..render.output import print_lines
    from .app import app as root_app

    target, n = run_demo(data, to, verbose)
    notices = demo_notices(target)
    from ..domain.notices import label as notice_label

    sample = next((x for x in notices if x["type"] == "decision"), notices[0] if notices else None)
    print_lines(
        [
            f"演示数据库: {target}(执行了 sample_data/demo.kefu 中的 {n} 条命令)",
            f"演示告知书: {notices_folder(target)}({len(notices)} 份 Word 文件,每种告知书一份;"
            f"预览: kefu --db {target.name} notice {sample['case_id']} --type {notice_label(sample['type'])})"
            if sample
            else "演示告知书: 未生成",
            f"以下是 {DEMO_AS_OF} 的时限报表。继续体验: kefu --db {target.name} complaint list、"
            f"kefu --db {target.name} callback stats、kefu --db {target.name} report stats",
            f"监管通报口径(重大群体投诉、纠纷类型与险种): kefu --db {target.name} report regulator --quarter 2026Q4"
            " --company-type 寿险 --premium 6亿 --policies 40000 --insured 50000",
            "",
        ]
    )
    command = typer.main.get_command(root_app)
    code = command.main(
        args=["--db", str(target), "report", "deadlines", "--as-of", DEMO_AS_OF],
        prog_name="kefu",
        standalone_mode=False,
    )
    if code not in (None, 0):
        raise typer.Exit(code)
