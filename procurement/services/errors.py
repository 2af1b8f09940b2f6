"""The procurement app's rule errors (see marketplace.errors.RuleViolation)."""

from django.core.exceptions import ValidationError

from marketplace.errors import RuleViolation


class ProcurementError(ValidationError, RuleViolation):
    """A rule stopped the action; the message says why."""


class QuotationExpired(ProcurementError):
    """The quote's validity has run out: the buyer asks for a fresh one."""


class QuotationOutdated(ProcurementError):
    """Prices or supply changed since the quote: the order would not carry the quoted amounts."""
