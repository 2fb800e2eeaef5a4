from django.core.management.base import BaseCommand

from kernel.demo import run_builders


class Command(BaseCommand):
    help = "Create the demo organisation and its data, app by app; only what is missing."

    def handle(self, *args, **options) -> None:
        demo = run_builders()
        for line in demo.report:
            self.stdout.write(line)
