"""The per-user settings (`kefu config set clerk 李娜`): who is typing, their branch, their database.

A small JSON file in the per-user config folder ($XDG_CONFIG_HOME/kefu/config.json, on Windows
%APPDATA%\\kefu\\config.json). Read without the database stack: `default_clerk` and the default
database read it on every command.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

# key -> (Chinese name, example, what it is the default of)
KEYS: dict[str, tuple[str, str, str]] = {
    "clerk": ("操作人", "李娜", "--clerk 的默认值(记录每一步的人)"),
    "branch": ("机构", "朝阳支公司", "登记时 --branch 的默认值"),
    "db": ("数据库", "~/kefu/kefu.sqlite", "--db 的默认值(未给 --db、也未设 KEFU_DB 时)"),
}


def config_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "kefu"


def config_path() -> Path:
    return config_dir() / "config.json"


def read() -> dict[str, str]:
    """The settings; {} when there is no file or it cannot be read (a broken file is no reason to
    refuse every command: `kefu config list` says so)."""
    try:
        data = json.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in KEYS and isinstance(v, str) and v}


def get(key: str) -> str | None:
    return read().get(key)


def write(values: dict[str, str]) -> Path:
    """Write the settings (a key whose value is empty is dropped), atomically."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps({k: v for k, v in sorted(values.items()) if v}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    os.replace(tmp, path)
    return path


def clerk_and_source(clerk: str | None = None) -> tuple[str, str]:
    """Who is typing and where that came from: --clerk, else KEFU_CLERK, else the per-user setting
    (`kefu config set clerk 李娜`), else the operating-system user."""
    if clerk:
        return clerk, "--clerk"
    if os.environ.get("KEFU_CLERK"):
        return os.environ["KEFU_CLERK"], "KEFU_CLERK"
    configured = get("clerk")
    if configured:
        return configured, "config"
    try:
        return getpass.getuser(), "os"
    except Exception:  # noqa: BLE001 - no user name on some Windows/CI setups
        return "unknown", "os"


def default_clerk() -> str:
    """KEFU_CLERK, else the per-user setting, else the operating-system user."""
    return clerk_and_source()[0]
