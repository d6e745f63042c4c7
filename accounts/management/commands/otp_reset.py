from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.two_factor import two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator and recovery codes (a lost phone) when no superuser can sign in to do "
        "it in the admin; recorded in the audit trail as the system's act."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No account with that username."))
        removed = two_factor_reset(user=user)
        self.stdout.write(
            _("%(username)s: %(count)d two-factor devices removed; they set it up again at the next sign-in.")
            % {"username": user.get_username(), "count": removed}
        )
