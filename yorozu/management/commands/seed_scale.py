from django.core.management.base import BaseCommand, CommandError

from yorozu.scale.seed import AlreadySeeded, Sizes, seed_scale


# National-scale data for `make bench` (docs/performance.md): like seed_demo it reads every
# app, so it sits up here in the project layer.
class Command(BaseCommand):
    help = ("Loads ten fiscal years of the whole network into a freshly migrated database: "
            "staff at all 47 hubs, clients, cases, sessions, referrals and satisfaction "
            "answers. Deterministic for a seed; COPY on PostgreSQL.")

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=5_000_000,
                            help="sessions in all (clients and cases follow in proportion)")
        parser.add_argument("--years", type=int, default=10, help="fiscal years, to this one")
        parser.add_argument("--seed", type=int, default=2017)

    def handle(self, *args, sessions, years, seed, **options):
        if sessions < 1000 or years < 1:
            raise CommandError("Give at least 1,000 sessions and one fiscal year.")
        sizes = Sizes.for_sessions(sessions, years=years)
        self.stdout.write(f"Loading {sizes.sessions:,} sessions, {sizes.cases:,} cases, "
                          f"{sizes.clients:,} clients, {sizes.coordinators:,} coordinators "
                          f"over {years} fiscal years (seed {seed}).")
        try:
            result = seed_scale(sizes=sizes, seed=seed, report=self.stdout.write)
        except AlreadySeeded as error:
            raise CommandError(str(error)) from error
        for label, count in result["rows"].items():
            self.stdout.write(f"  {label:<40} {count:>12,}")
        self.stdout.write(self.style.SUCCESS(f"Loaded in {result['seconds']:,} s."))
