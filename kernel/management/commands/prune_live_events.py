from datetime import timedelta

from django.core.management.base import BaseCommand

from kernel.live import prune


class Command(BaseCommand):
    help = (
        "Delete old live events: older than --max-age-hours, and all but the last "
        "--keep per channel (defaults: LIVE_KEEP_SECONDS and LIVE_KEEP_PER_CHANNEL)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--keep", type=int, default=None)
        parser.add_argument("--max-age-hours", type=float, default=None)

    def handle(self, *args, keep: int | None, max_age_hours: float | None, **options) -> None:
        max_age = None if max_age_hours is None else timedelta(hours=max_age_hours)
        deleted = prune(keep_per_channel=keep, max_age=max_age)
        self.stdout.write(f"Deleted {deleted} live events.")
