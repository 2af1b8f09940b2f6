from django.core.management.base import BaseCommand

from marketplace.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo vendors, catalogue and logins. Safe to run again: it only adds what is missing."

    def handle(self, *args, **options):
        logins = demo_seed()
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Logins:"))
        for role, email, password in logins:
            self.stdout.write(f"  {role:<45} {email:<38} {password}")
