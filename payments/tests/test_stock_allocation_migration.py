"""Stock records saved before num_allocated became NOT NULL get an allocation of 0, not NULL."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .conftest import product_in_stock

BEFORE = [("partner", "0007_partneraddress_code")]


def _migrate(targets=None):
    """Migrate to `targets`, or back to the latest state of every app (later tests need it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_null_allocations_become_zero_and_null_is_refused_afterwards():
    product = product_in_stock(stock=5)
    _migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE partner_stockrecord SET num_allocated = NULL WHERE product_id = %s", [product.pk]
        )

    _migrate()

    with connection.cursor() as cursor:
        cursor.execute("SELECT num_allocated FROM partner_stockrecord WHERE product_id = %s", [product.pk])
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT is_nullable FROM information_schema.columns "
            "WHERE table_name = 'partner_stockrecord' AND column_name = 'num_allocated'"
        )
        assert cursor.fetchone() == ("NO",)
