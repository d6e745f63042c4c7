"""Panels that apps above `people` add to staff's pages of a record (an employer, a person, a
registration certificate): the extension point, like registry/advisories.py.

`people` and `registry` sit below the apps that know more about a record (supervision's spot-check
findings and measures), so they cannot import them (.importlinter). Instead such an app registers a
provider in its AppConfig.ready() (`register_record_panel`); the admin's change page of a record asks
`record_panels(obj, user)` and prints each fragment under the form. A provider answers "" for a record it
has nothing to say about, or for a user who may not read what it would show.
"""

from collections.abc import Callable

from django.db.models import Model
from django.utils.safestring import SafeString

from accounts.models import User

# provider(record, user) -> an HTML fragment (already escaped, e.g. from render_to_string), or "".
RecordPanelProvider = Callable[[Model, User], SafeString | str]

_PROVIDERS: dict[str, RecordPanelProvider] = {}


def register_record_panel(name: str, provider: RecordPanelProvider) -> None:
    """Register (or replace, under the same name) a provider: idempotent, so ready() may run twice."""
    _PROVIDERS[name] = provider


def record_panels(record: Model, user: User) -> list[SafeString | str]:
    """The fragments every provider has for `record` as `user` may see it, in registration order."""
    panels = (provider(record, user) for provider in _PROVIDERS.values())
    return [panel for panel in panels if panel]
