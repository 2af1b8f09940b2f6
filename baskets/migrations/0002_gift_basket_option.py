"""The Oscar Option whose value ties basket and order lines to their gift-basket group."""

from django.db import migrations


def create_option(apps, schema_editor):
    Option = apps.get_model("catalogue", "Option")
    Option.objects.get_or_create(code="gift-basket", defaults={"name": "Gavekurv", "type": "text"})


class Migration(migrations.Migration):
    dependencies = [
        ("giftbaskets", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_option, migrations.RunPython.noop),
    ]
