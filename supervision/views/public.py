"""The public page of spot checks (一公开): plans from their draw on, and their results once completed.

No sign-in. Nothing personal is printed: no names of people, no ID numbers, no inspectors. Employers are
named (their names are public); assessments and applications drawn are only counted. A draft is 404.
"""

from collections import Counter

from django.shortcuts import get_object_or_404, render

from supervision.models import CheckResult, PlanKind, PlanState
from supervision.selectors import plan_checks, plans_public


def public_list(request):
    return render(request, "supervision/public_list.html", {"plans": plans_public()})


def public_detail(request, pk):
    plan = get_object_or_404(plans_public(), pk=pk)
    completed = plan.state == PlanState.COMPLETED
    employers = plan.kind == PlanKind.EMPLOYERS
    checks = list(plan_checks(plan)) if employers or completed else []
    results = Counter(c.result for c in checks) if completed else Counter()
    return render(
        request,
        "supervision/public_detail.html",
        {
            "plan": plan,
            "population_size": len(plan.population),
            "employers": employers,
            "completed": completed,
            "checks": checks if employers else [],
            "no_problem": results[CheckResult.NO_PROBLEM],
            "problems": results[CheckResult.PROBLEMS],
        },
    )
