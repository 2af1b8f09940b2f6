from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo vendors, catalogue and logins. Safe to run again: it only adds what is missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even under production settings (creates a superuser whose password is public).",
        )

    def handle(self, *args, **options):
        # The demo superuser's password is in the README: never create it by accident.
        if settings.MARKETPLACE_PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "seed_demo refuses to run under production settings: it creates logins whose "
                "passwords are public. Pass --allow-production if you really mean it."
            )
        logins = demo_seed()
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Logins:"))
        for role, email, password in logins:
            self.stdout.write(f"  {role:<45} {email:<38} {password}")
