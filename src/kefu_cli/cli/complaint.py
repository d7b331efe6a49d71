"""`kefu complaint …`: complaints from registration to decision."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="投诉: 登记、补充材料、受理/不予受理/转办/合并、延期、中止、处理决定、撤回。", no_args_is_help=True
)
