from django.conf import settings
from django.core.management.base import BaseCommand

from hubs.demo import seed_demo


class Command(BaseCommand):
    help = "Creates demo users, appointments and support agencies. Safe to run again."

    def handle(self, *args, **options):
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready. Logins (password: {settings.DEMO_PASSWORD}):"
        ))
        for email, role, where in logins:
            self.stdout.write(f"  {email:<28} {role:<14} {where}")
