"""The clock seam, as the services read it: kefu_cli/clock.py holds it (below every layer, so the
store's writer note reads the same clock)."""

from ..clock import CST, frozen, now, set_now, stamp, today  # noqa: F401 - the seam's names, read from here
