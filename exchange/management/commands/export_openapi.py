from django.core.management.base import BaseCommand, CommandError

from exchange.openapi import SCHEMA_PATH, openapi_text


class Command(BaseCommand):
    help = "Write the exchange API's OpenAPI schema to docs/api/openapi.json (--check: say if it is stale)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail when the file differs; write nothing.")

    def handle(self, *args, **options):
        text = openapi_text()
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if options["check"]:
            if current != text:
                raise CommandError(f"{SCHEMA_PATH} is stale: run `manage.py export_openapi`.")
            self.stdout.write(f"{SCHEMA_PATH} is up to date.")
            return
        SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {SCHEMA_PATH}.")
