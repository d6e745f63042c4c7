"""python manage.py rotate_field_keys [--check]

After putting a new key first in REGISTRY_FIELD_ENCRYPTION_KEYS (keeping the old ones after it), or after
changing REGISTRY_BLIND_INDEX_KEY: re-encrypt every value under the first key and recompute every blind
index. Then the old encryption keys can be removed. `--check` changes nothing and exits with status 1 when
something is still under an old key or an old index (so a deployment can tell when removal is safe).
"""

from django.core.management.base import BaseCommand, CommandError

from pii.rotation import protected_models, rotate


class Command(BaseCommand):
    help = "Re-encrypt personal data under the first configured key and recompute the blind indexes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; fail if anything is still under an old key."
        )

    def handle(self, *args, check: bool = False, **options):
        pending = 0
        for model in protected_models():
            done = rotate(model, dry_run=check)
            pending += done.changes
            verb = "to re-encrypt" if check else "re-encrypted"
            index_verb = "to recompute" if check else "recomputed"
            self.stdout.write(
                f"{done.model}: {done.rows} rows; {verb}: {dict(done.reencrypted) or 0}; "
                f"index {index_verb}: {dict(done.reindexed) or 0}"
            )
        if check and pending:
            raise CommandError(f"{pending} values are still under an old key or index")
        if check:
            self.stdout.write("Everything is under the first key: the older keys may be removed.")
