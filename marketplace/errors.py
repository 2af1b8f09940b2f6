"""One base for "a business rule said no", which views turn into a message for the user.

Every app's rule errors (a workflow step that is not allowed, a quote that expired, a
cancellation that comes too late, an offer without stock, …) derive from ``RuleViolation``.
A view catches ``RuleViolation`` and shows ``rule_message(exc)``; anything else is a bug or an
outage and is left to Django's error handling (500, logged), never hidden behind a message.

Errors that are also form errors derive from ``django.core.exceptions.ValidationError`` first
and ``RuleViolation`` second, so a form's ``add_error`` still takes them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


class RuleViolation(Exception):
    """A rule of the marketplace refused the change; its text is for the user and nothing was saved."""


def rule_message(exc: BaseException) -> str:
    """The user-facing text of a rule error (a ValidationError's messages joined)."""
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return str(exc)


def rule_violation_message(request, exc: BaseException, prefix: str | None = None) -> None:
    """Show ``exc`` to the user as an error message (``prefix``: e.g. "Not cancelled:")."""
    text = rule_message(exc)
    messages.error(request, f"{prefix} {text}" if prefix else text)
