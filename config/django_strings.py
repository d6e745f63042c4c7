"""Django's own strings that its Chinese catalogue leaves in English: the admin index's table captions for
screen readers (templates of django.contrib.admin, app_list.html). They are listed here only so that
`makemessages` keeps them in our catalogue, which Django reads before its own (LOCALE_PATHS); nothing
imports this module."""

from django.utils.translation import gettext_noop

ADMIN_INDEX_CAPTIONS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
