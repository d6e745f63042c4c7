"""The bureau's read-only list of assistance visits (the bureau is not admin staff): by state and the
employer's prefecture."""

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.permissions import role_required
from accounts.roles import Role
from people.models import Prefecture
from supervision.models import VisitState
from supervision.selectors_visits import visits_listed

PER_PAGE = 50


def chosen(request, name: str, choices) -> str:
    """The query parameter `name` if it is one of `choices`' values, else "" (no filter)."""
    value = request.GET.get(name, "")
    return value if value in {v for v, _label in choices} else ""


@role_required(Role.BUREAU)
def visit_list(request):
    state = chosen(request, "state", VisitState.choices)
    prefecture = chosen(request, "prefecture", Prefecture.choices)
    page = Paginator(visits_listed(state=state, prefecture=prefecture), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "supervision/bureau/visits.html",
        {
            "visits": page,
            "states": VisitState.choices,
            "prefectures": Prefecture.choices,
            "state": state,
            "prefecture": prefecture,
            "query": f"state={state}&prefecture={prefecture}&",
        },
    )
