"""Admin searches by resident ID number that never put the number in a URL.

The changelists that search people (by name, full or masked ID number) get a search box that POSTs (with
CSRF) to `<changelist>/search/`. The server answers with a redirect to the changelist whose query string
carries, instead of a full ID number, its blind index (`qd`, people.models.person.resident_id_digest): a
keyed digest that is useless without the server's key. Names and everything else stay in `q` as before, so
bookmarks, filters, paging and exports of a search keep working. A GET with a full ID number in `q` (an
old bookmark, a hand-typed URL) is redirected the same way, so the number at least leaves the address bar.

Any 18-character token shaped like an ID number counts as one (a mistyped number is as personal as the
right one), except a unified social credit code that is no valid ID number: an employer's code is public.
An employer whose code also happens to be a valid ID number is found by its name instead.
"""

import re
from urllib.parse import urlencode

from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from people.models.person import masked_resident_id_digest, resident_id_digest
from people.validators import normalize_resident_id, uscc_check_character, validate_resident_id

ID_DIGEST_VAR = "qd"
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_MASKED_ID = re.compile(r"^([0-9]{4})\*+([0-9]{3}[0-9X])$")
_DIGEST = re.compile(r"^[A-Za-z0-9_-]{43}$")
MAX_TERM = 200


def is_sensitive_number(code: str) -> bool:
    """Whether an 18-character token is (or may be) a resident ID number, decided without the database
    (the number must not travel to it in clear either): a valid ID number always is, whatever else it
    might be; a valid credit code that is no valid ID number is public; anything else ID-shaped is taken
    for a mistyped ID number."""
    if not _ID_SHAPE.fullmatch(code):
        return False
    try:
        validate_resident_id(code)
    except ValidationError:
        return uscc_check_character(code[:17]) != code[17]
    return True


def split_search_term(term: str) -> tuple[str | None, str]:
    """(the first token shaped like a full resident ID number, normalised; the other tokens)."""
    number, rest = None, []
    for token in (term or "").split():
        code = normalize_resident_id(token)
        if is_sensitive_number(code):
            number = number or code  # a second number is dropped, never echoed into a URL
        else:
            rest.append(token)
    return number, " ".join(rest)


class IdDigestChangeList(ChangeList):
    """The changelist reads `qd` in the search, never as a field filter."""

    def get_filters_params(self, params=None):
        result = super().get_filters_params(params)
        result.pop(ID_DIGEST_VAR, None)
        return result


class IdNumberSearchMixin:
    """For a ModelAdmin whose rows belong to a person reached by `id_search_path` ("" for Person)."""

    id_search_path = "person__"

    # --- the URL a search lands on ------------------------------------------------------------------
    def get_changelist(self, request, **kwargs):
        return IdDigestChangeList

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        search = path(
            "search/",
            self.admin_site.admin_view(require_POST(self.id_search_view)),
            name="{}_{}_search".format(*info),
        )
        return [search, *super().get_urls()]

    def id_search_url(self) -> str:
        """Where the changelist's search box posts (templates/admin/search_form.html)."""
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_search")

    def _landing(self, params: dict[str, str], term: str) -> str:
        number, rest = split_search_term(term)
        params = {k: v for k, v in params.items() if k not in (SEARCH_VAR, ID_DIGEST_VAR, PAGE_VAR)}
        if number is not None:
            params[ID_DIGEST_VAR] = resident_id_digest(number)
        if rest:
            params[SEARCH_VAR] = rest
        changelist = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )
        return changelist + ("?" + urlencode(params) if params else "")

    def id_search_view(self, request: HttpRequest) -> HttpResponseRedirect:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.POST.get(SEARCH_VAR, "")[:MAX_TERM].strip()
        params = {k: v[:MAX_TERM] for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return HttpResponseRedirect(self._landing(params, term))

    def changelist_view(self, request, extra_context=None):
        term = request.GET.get(SEARCH_VAR, "")
        if request.method == "GET" and term and split_search_term(term[:MAX_TERM])[0] is not None:
            return HttpResponseRedirect(self._landing(request.GET.dict(), term[:MAX_TERM]))
        return super().changelist_view(request, extra_context)

    # --- the search itself ------------------------------------------------------------------------------
    def filter_by_id_number(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, str]:
        """Apply `qd` and any full or masked ID number in the term; return the rest of the term."""
        digest = request.GET.get(ID_DIGEST_VAR, "")
        if digest:
            if not _DIGEST.fullmatch(digest):
                return queryset.none(), ""
            queryset = queryset.filter(**{f"{self.id_search_path}id_digest": digest})
        number, rest = split_search_term(search_term)
        if number is not None:  # the autocomplete's GET, or a caller that passed the number itself
            queryset = queryset.filter(**{f"{self.id_search_path}id_digest": resident_id_digest(number)})
        words = []
        for token in rest.split():
            if match := _MASKED_ID.fullmatch(token.upper()):
                masked = masked_resident_id_digest(*match.groups())
                queryset = queryset.filter(**{f"{self.id_search_path}id_masked_digest": masked})
            else:
                words.append(token)
        return queryset, " ".join(words)

    def get_search_results(self, request, queryset, search_term):
        queryset, rest = self.filter_by_id_number(request, queryset, search_term)
        return super().get_search_results(request, queryset, rest)
