"""GIN index for the storefront's Danish full-text search (PostgreSQL only).

Built from the same SearchVector the search selector uses, so the expression
matches and PostgreSQL can use the index. SQLite (`make run`) has no GIN
indexes and searches with icontains instead.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "catalogue_product_search_da"


def _index():
    return GinIndex(SearchVector("title", "description", config="danish"), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("catalogue", "Product"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("catalogue", "Product"), _index())


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0032_category_exclude_from_menu_category_long_description"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
