"""`kefu callback …`: callbacks (回访) and their attempts."""

from __future__ import annotations

import typer

app = typer.Typer(help="客户回访: 安排、记录每次回访、问题跟进与考核指标。", no_args_is_help=True)
