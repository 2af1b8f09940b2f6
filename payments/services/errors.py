"""What the payments services raise: rule errors (`RuleViolation`, shown to the user) and plain failures."""

from __future__ import annotations

from marketplace.errors import RuleViolation


class StockUnavailable(RuleViolation):
    """The basket asks for more than is left; `problems` names each item that ran out."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class PaymentNotCompleted(Exception):
    pass


class OrderNotPlaceable(RuleViolation):
    """The paid basket cannot become an order at the amount charged (the payment is refunded)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RefundError(RuleViolation):
    pass


class WebhookRejected(Exception):
    """A webhook delivery that is not a correctly signed, well-formed Stripe event (answer 400)."""
