"""Every app's rule errors share one base, so a view can turn any of them into a message."""

from decimal import Decimal

import pytest

from baskets.services import GiftBasketError
from fulfilment.services import CancellationError, DeclineError, WorkflowError
from fulfilment.substitution import SubstitutionError
from marketplace.errors import RuleViolation, rule_message
from marketplace.money import five_ore_round, ore_round
from payments.services import OrderNotPlaceable, RefundError, StockUnavailable
from procurement.recipients import RecipientFileError
from procurement.services import ProcurementError, QuotationExpired
from supply.services import CapacityExhausted
from supply.sourcing import SourcingError
from vendors.services import ImportFileError, OfferError, VendorStateError


@pytest.mark.parametrize(
    "error",
    [
        GiftBasketError,
        CancellationError,
        DeclineError,
        WorkflowError,
        SubstitutionError,
        OrderNotPlaceable,
        RefundError,
        StockUnavailable,
        RecipientFileError,
        ProcurementError,
        QuotationExpired,
        CapacityExhausted,
        SourcingError,
        ImportFileError,
        OfferError,
        VendorStateError,
    ],
)
def test_every_rule_error_is_a_rule_violation(error):
    assert issubclass(error, RuleViolation)


def test_rule_message_reads_plain_and_validation_errors():
    assert rule_message(WorkflowError("Already packed.")) == "Already packed."
    assert rule_message(ProcurementError(["The quote expired.", "Ask for a new one."])) == (
        "The quote expired. Ask for a new one."
    )


def test_five_ore_rounding_is_half_up():
    assert five_ore_round(Decimal("49.924")) == Decimal("49.90")
    assert five_ore_round(Decimal("49.925")) == Decimal("49.95")
    assert ore_round(Decimal("0.005")) == Decimal("0.01")
