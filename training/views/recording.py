"""Portal: recording an activity, then its participants by form; changing or withdrawing an entry while it
awaits confirmation. Every write is one call of training.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.roles import Role
from people.models import Person
from training import services
from training.forms import ActivityForm, EntryChangeForm, ParticipantsForm
from training.models import Participation, ParticipationState

from .common import own_activity, own_employer, own_entry


@role_required(Role.ENTERPRISE)
def activity_add(request):
    employer = own_employer(request)
    form = ActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.activity_record(
                data=services.ActivityData(
                    title=data["title"],
                    kind=data["kind"],
                    organiser=data["organiser"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    hours=data["hours"],
                    subject=data["subject"],
                    online=data["online"],
                    place=data["place"],
                ),
                by=request.user,
                employer=employer,
                attendance_list=data.get("attendance_list"),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("The activity “%(title)s” is recorded. Now record who took part.")
                % {"title": activity.title},
            )
            return redirect("training:participants_add", pk=activity.pk)
    return render(request, "training/portal/activity_add.html", {"employer": employer, "form": form})


def _staff_rows(employer, activity):
    """(person, certificate) of each holder of the employer on the activity's last day not yet recorded in
    it, by name. Three queries whatever the number of holders."""
    staff = services.staff_on(employer=employer, on=activity.ends_on)
    recorded = set(
        Participation.objects.filter(activity=activity, person__in=list(staff)).values_list(
            "person_id", flat=True
        )
    )
    people = Person.objects.filter(pk__in=[pk for pk in staff if pk not in recorded]).order_by("name", "pk")
    return [(person, staff[person.pk]) for person in people], len(recorded)


@role_required(Role.ENTERPRISE)
def participants_add(request, pk):
    """Tick the holders who took part, with their hours (the activity's by default) and certificate of
    attendance. All or none are recorded; each problem is shown beside its row."""
    employer, activity = own_activity(request, pk, recorded_by_us=True)
    staff, already = _staff_rows(employer, activity)
    form = ParticipantsForm(request.POST or None, request.FILES or None, activity=activity, staff=staff)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        entries = [services.Entry(person=p, hours=h, evidence=f) for p, h, f in chosen]
        problems = services.entry_problems(activity=activity, entries=entries, employer=employer)
        for index, message in problems:
            form.add_row_error(chosen[index][0].pk, message)
        if not problems:
            try:
                services.participations_record(
                    activity=activity, entries=entries, by=request.user, employer=employer
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _(
                        "%(count)s participants' hours are recorded; "
                        "they await the association's confirmation."
                    )
                    % {"count": len(entries)},
                )
                return redirect("training:activity_detail", pk=activity.pk)
    return render(
        request,
        "training/portal/participants_add.html",
        {"employer": employer, "activity": activity, "form": form, "already": already},
    )


@role_required(Role.ENTERPRISE)
def entry_change(request, pk):
    """Change the hours of an entry awaiting confirmation; a decided one is shown read-only."""
    employer, entry = own_entry(request, pk)
    editable = entry.state == ParticipationState.RECORDED
    form = EntryChangeForm(request.POST or None, initial={"hours": format(entry.hours.normalize(), "f")})
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.participation_change(
                participation=entry, by=request.user, employer=employer, hours=form.cleaned_data["hours"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error("hours", error.message_dict.get("hours", error.messages))
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("%(name)s's hours are changed to %(hours)s.")
                % {"name": entry.person.name, "hours": form.cleaned_data["hours"]},
            )
            return redirect("training:activity_detail", pk=entry.activity_id)
    return render(
        request,
        "training/portal/entry_change.html",
        {"employer": employer, "entry": entry, "form": form, "editable": editable},
    )


@require_POST
@role_required(Role.ENTERPRISE)
def entry_withdraw(request, pk):
    employer, entry = own_entry(request, pk)
    try:
        services.participation_withdraw(participation=entry, by=request.user, employer=employer)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("training:entry_change", pk=entry.pk)
    messages.success(
        request,
        _("%(name)s's hours in “%(title)s” are withdrawn.")
        % {"name": entry.person.name, "title": entry.activity.title},
    )
    return redirect("training:activity_detail", pk=entry.activity_id)
