"""The bureau's read-only list of feedback (the bureau is not admin staff): by state, topic and the
employer's prefecture. A public submitter's name and contact are shown masked."""

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.permissions import role_required
from accounts.roles import Role
from people.models import Prefecture
from supervision.models import FeedbackState, FeedbackTopic
from supervision.selectors_visits import feedback_listed

from .visits import PER_PAGE, chosen


@role_required(Role.BUREAU)
def feedback_list(request):
    state = chosen(request, "state", FeedbackState.choices)
    topic = chosen(request, "topic", FeedbackTopic.choices)
    prefecture = chosen(request, "prefecture", Prefecture.choices)
    rows = feedback_listed(state=state, topic=topic, prefecture=prefecture)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/bureau/feedback.html",
        {
            "rows": page,
            "states": FeedbackState.choices,
            "topics": FeedbackTopic.choices,
            "prefectures": Prefecture.choices,
            "state": state,
            "topic": topic,
            "prefecture": prefecture,
            "query": f"state={state}&topic={topic}&prefecture={prefecture}&",
        },
    )
