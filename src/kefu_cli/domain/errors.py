"""Errors a user can cause or meet. The CLI turns each into one sentence and an exit code."""

from .calendar import CalendarRangeError
from .timeutil import InputError


class RuleError(InputError):
    """A transition or action the rules forbid (exit code 2, nothing changed)."""


class NotFoundError(InputError):
    """A case number that does not exist (exit code 2)."""


__all__ = ["CalendarRangeError", "InputError", "NotFoundError", "RuleError"]
