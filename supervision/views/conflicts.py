"""An inspector's declared conflicts of interest (利害关系): the list, a declaration by the employer's
unified social credit code, a withdrawal. Only one's own: another inspector's declaration is 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.roles import Role
from people.models import Employer
from people.validators import normalize_uscc
from supervision.forms import ConflictForm
from supervision.models import InspectorConflict
from supervision.selectors import conflicts_of
from supervision.services import conflict_declare, conflict_withdraw


@role_required(Role.INSPECTOR)
def conflict_list(request):
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        employer = Employer.objects.filter(uscc=normalize_uscc(form.cleaned_data["uscc"])).first()
        if employer is None:
            form.add_error("uscc", _("No employer has this unified social credit code."))
        else:
            try:
                conflict_declare(
                    inspector=request.user, employer=employer, note=form.cleaned_data["note"], by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("Your link with %(employer)s is declared: you will not be drawn to check it.")
                    % {"employer": employer.name},
                )
                return redirect("supervision:conflict_list")
    return render(
        request,
        "supervision/conflict_list.html",
        {"conflicts": conflicts_of(request.user).order_by("employer__name", "pk"), "form": form},
    )


@require_POST
@role_required(Role.INSPECTOR)
def conflict_withdraw_view(request, pk):
    conflict = get_object_or_404(
        InspectorConflict.objects.select_related("employer"), pk=pk, inspector=request.user
    )
    try:
        conflict_withdraw(conflict=conflict, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Your declaration about %(employer)s is withdrawn.") % {"employer": conflict.employer.name},
        )
    return redirect("supervision:conflict_list")
