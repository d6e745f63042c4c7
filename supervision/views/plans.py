"""The bureau's spot-check plans: create and change a draft, draw it (final and public), follow its checks,
complete it with the summary of results to publish. Every write is one call of supervision.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from accounts.roles import Role
from supervision.forms import CompleteForm, PlanForm
from supervision.models import CheckState, Plan, PlanState
from supervision.selectors import plan_checks, plans_for_bureau
from supervision.services import plan_complete, plan_create, plan_draw, plan_update


def _refused(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: beside its field when it names one, above the form if not."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@role_required(Role.BUREAU)
def plan_list(request):
    plans = plans_for_bureau().select_related("created_by")
    return render(request, "supervision/plan_list.html", {"plans": plans})


@role_required(Role.BUREAU)
def plan_new(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(
                by=request.user, inspectors=list(form.cleaned_data["inspectors"]), **form.service_fields()
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The draft plan is saved. Nothing is public before the draw."))
            return redirect("supervision:plan_detail", pk=plan.pk)
    return render(request, "supervision/plan_form.html", {"form": form, "plan": None})


@role_required(Role.BUREAU)
def plan_edit(request, pk):
    plan = get_object_or_404(Plan, pk=pk)
    if plan.state != PlanState.DRAFT:
        messages.error(request, _("A plan can be changed only before its draw."))
        return redirect("supervision:plan_detail", pk=plan.pk)
    initial = {
        **{
            name: getattr(plan, name)
            for name in PlanForm.base_fields
            if name != "inspectors" and hasattr(plan, name)
        },
        "inspectors": list(plan.inspectors.values_list("pk", flat=True)),
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_update(
                plan=plan,
                by=request.user,
                inspectors=list(form.cleaned_data["inspectors"]),
                **form.service_fields(),
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The draft plan is changed."))
            return redirect("supervision:plan_detail", pk=plan.pk)
    return render(request, "supervision/plan_form.html", {"form": form, "plan": plan})


@role_required(Role.BUREAU)
def plan_detail(request, pk):
    plan = get_object_or_404(Plan.objects.select_related("created_by", "drawn_by"), pk=pk)
    checks = list(plan_checks(plan)) if plan.is_public else []
    return render(
        request,
        "supervision/plan_detail.html",
        {
            "plan": plan,
            "checks": checks,
            "pool": plan.inspectors.order_by("username"),
            "population_size": len(plan.population),
            "can_complete": plan.state == PlanState.DRAWN
            and all(c.state == CheckState.COMPLETED for c in checks),
        },
    )


@role_required(Role.BUREAU)
def plan_draw_page(request, pk):
    """A page that says the draw is final and public, then the draw itself (POST). A draw that cannot be
    made (too few inspectors left after conflicts, nothing to draw from) saves nothing and says why."""
    plan = get_object_or_404(Plan, pk=pk)
    if plan.state != PlanState.DRAFT:
        messages.error(request, _("This plan was drawn already; a draw is never repeated."))
        return redirect("supervision:plan_detail", pk=plan.pk)
    if request.method == "POST":
        try:
            checks = plan_draw(plan=plan, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The draw is made: %(n)d checks. The plan is now public.") % {"n": len(checks)}
            )
            return redirect("supervision:plan_detail", pk=plan.pk)
    return render(request, "supervision/plan_draw.html", {"plan": plan})


@role_required(Role.BUREAU)
def plan_complete_page(request, pk):
    plan = get_object_or_404(Plan, pk=pk)
    if plan.state != PlanState.DRAWN:
        messages.error(request, _("Only a drawn plan can be completed."))
        return redirect("supervision:plan_detail", pk=plan.pk)
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_complete(plan=plan, by=request.user, summary=form.cleaned_data["summary"])
        except ValidationError as error:
            form.add_error("summary", error.messages)
        else:
            messages.success(request, _("The plan is completed and its results are published."))
            return redirect("supervision:plan_detail", pk=plan.pk)
    return render(request, "supervision/plan_complete.html", {"plan": plan, "form": form})
