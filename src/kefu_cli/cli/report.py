"""`kefu report …`: deadline report and analysis."""

from __future__ import annotations

import typer

app = typer.Typer(help="报表: 时限报表(逾期/今日到期/即将到期)与投诉处理分析。", no_args_is_help=True)
