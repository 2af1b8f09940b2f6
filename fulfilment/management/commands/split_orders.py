"""Split orders by hand: every pending order, or one by its number."""

from django.core.management.base import BaseCommand, CommandError
from oscar.core.loading import get_model

from fulfilment import services

Order = get_model("order", "Order")


class Command(BaseCommand):
    help = "Split placed orders into vendor orders (all not yet split, or --order NUMBER)."

    def add_arguments(self, parser):
        parser.add_argument("--order", dest="number", help="Split only the order with this number.")

    def handle(self, *args, number=None, **options):
        if number:
            order = Order.objects.filter(number=number).first()
            if order is None:
                raise CommandError(f"No order with number {number}")
            vendor_orders = services.order_split(order_id=order.pk)
            self.stdout.write(f"Order {number}: {len(vendor_orders)} vendor orders")
            return
        done, failed = services.orders_split_pending()
        self.stdout.write(f"Split {len(done)} orders" + (f": {', '.join(done)}" if done else ""))
        if failed:
            raise CommandError(f"Could not split: {', '.join(failed)}")
