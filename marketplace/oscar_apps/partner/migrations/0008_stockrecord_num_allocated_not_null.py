from django.db import migrations, models


def null_allocations_to_zero(apps, schema_editor):
    StockRecord = apps.get_model("partner", "StockRecord")
    StockRecord.objects.filter(num_allocated__isnull=True).update(num_allocated=0)


class Migration(migrations.Migration):
    """An unknown allocation is none: fill the NULLs, then forbid them."""

    dependencies = [
        ("partner", "0007_partneraddress_code"),
    ]

    operations = [
        migrations.RunPython(null_allocations_to_zero, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="stockrecord",
            name="num_allocated",
            field=models.IntegerField(default=0, verbose_name="Number allocated"),
        ),
    ]
