"""Activities in the admin: association staff record the ones the association or an industry body ran,
import their attendance lists, and read every activity with its participants and confirmed hours.

Every write is a training service: `activity_record` for a new activity, `activity_change` for a change
(its dates, hours and subject are frozen once an entry is decided, and shown read-only then),
`attendance_import` for a list. An activity an employer's clerk recorded is read-only here (the clerk
owns it; its entries are decided in the participations list). Files are private: the attendance list is
served by a view that checks the permission and records the download.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from common.sheet_files import SheetLimits, SheetRefused, sheet_upload_throttled, throttled_message
from registry import sheet_store
from training import services
from training.attendance import (
    HEADERS,
    AttendanceRejected,
    attendance_check,
    attendance_import,
    attendance_template_xlsx,
)
from training.downloads import attendance_list_downloaded
from training.models import Activity, ParticipationState
from training.templatetags.training_hours import hours

from .filters import KIND, SUBJECT, titled
from .forms import ActivityAdminForm, AttendanceUploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# What a kept upload is bound to besides the activity and the user (registry/sheet_store.py): no batch's
# token, and no portal upload's, opens an attendance list kept here.
KEEP_SCOPE = "training.attendance"


class RecordedByFilter(admin.SimpleListFilter):
    title = _("recorded by")
    parameter_name = "recorded_by"

    def lookups(self, request, model_admin):
        return (
            ("association", _("The association (its own or an industry body's)")),
            ("employer", _("An employer")),
        )

    def queryset(self, request, queryset):
        if self.value() == "association":
            return queryset.filter(employer__isnull=True)
        if self.value() == "employer":
            return queryset.filter(employer__isnull=False)
        return queryset


@admin.register(Activity)
class ActivityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ActivityAdminForm
    change_form_template = "admin/training/activity/change_form.html"
    audited_by_service = True  # activity_record / activity_change write the audit events

    class Media:
        css = {"all": ["css/admin-training.css"]}

    list_display = (
        "title",
        "kind_display",
        "subject_display",
        "ends_on",
        "hours_shown",
        "recorded_by_display",
        "participant_count",
        "confirmed_hours",
    )
    list_filter = (RecordedByFilter, ("kind", titled(KIND)), ("subject", titled(SUBJECT)), "online")
    list_select_related = ("employer",)
    search_fields = ("title", "organiser")
    date_hierarchy = "ends_on"
    list_per_page = 50
    show_full_result_count = False
    fields = ActivityAdminForm.Meta.fields
    info_fields = (
        "recorded_by_display",
        "attendance_list_link",
        "participant_count",
        "confirmed_hours",
        "created_by",
        "created_at",
    )

    def get_queryset(self, request):
        confirmed = Q(participations__state=ParticipationState.CONFIRMED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_participants=Count("participations"),
                n_pending=Count(
                    "participations", filter=Q(participations__state=ParticipationState.RECORDED)
                ),
                hours_confirmed=Sum("participations__hours", filter=confirmed),
            )
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return (*[f for f in self.fields if f != "attendance_list" or self._editable(obj)], *self.info_fields)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not self._editable(obj) or not self.has_change_permission(request, obj):
            return tuple(f for f in self.get_fields(request, obj))
        return (*services.activity_frozen_fields(obj), *self.info_fields)

    @staticmethod
    def _editable(obj: Activity) -> bool:
        return obj.employer_id is None

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self._editable(obj):
            return False  # the employer's clerk owns it
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # entries point at it; a mistaken activity is corrected, not deleted

    # --- columns ------------------------------------------------------------------------------------
    @admin.display(description=KIND, ordering="kind")
    def kind_display(self, obj: Activity) -> str:
        return obj.get_kind_display()

    @admin.display(description=SUBJECT, ordering="subject")
    def subject_display(self, obj: Activity) -> str:
        return obj.get_subject_display()

    @admin.display(description=_("recorded by"), ordering="employer__name")
    def recorded_by_display(self, obj: Activity) -> str:
        return obj.employer.name if obj.employer_id else str(_("The association"))

    @admin.display(description=_("participants"), ordering="n_participants")
    def participant_count(self, obj: Activity) -> str:
        url = reverse("admin:training_participation_changelist") + f"?activity__id__exact={obj.pk}"
        label = str(obj.n_participants)
        if obj.n_pending:
            label = _("%(all)d (%(pending)d awaiting)") % {
                "all": obj.n_participants,
                "pending": obj.n_pending,
            }
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("confirmed hours"), ordering="hours_confirmed")
    def confirmed_hours(self, obj: Activity) -> str:
        return hours(obj.hours_confirmed or 0)

    @admin.display(description=_("hours"), ordering="hours")
    def hours_shown(self, obj: Activity) -> str:
        return hours(obj.hours)

    @admin.display(description=_("stored attendance list"))
    def attendance_list_link(self, obj: Activity) -> str:
        if not obj.attendance_list:
            return "—"
        url = reverse("admin:training_activity_attendance_list", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.attendance_list_name or _("download"))

    # --- saving through the services -------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("attendance_list") if "attendance_list" in form.changed_data else None
        if change:
            saved = services.activity_change(
                activity=obj, data=form.activity_data(), by=request.user, attendance_list=upload or None
            )
        else:
            saved = services.activity_record(
                data=form.activity_data(), by=request.user, employer=None, attendance_list=upload or None
            )
        obj.pk, obj.created_by, obj.created_at = saved.pk, saved.created_by, saved.created_at
        obj.attendance_list, obj.attendance_list_name = saved.attendance_list, saved.attendance_list_name

    def save_related(self, request, form, formsets, change):
        """Nothing related is edited here (and the service saved the activity)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self._may_import(request, obj):
            extra_context["import_url"] = reverse("admin:training_activity_attendance_import", args=[obj.pk])
        if obj is not None and services.activity_frozen_fields(obj) and self._editable(obj):
            extra_context["frozen_note"] = True
        return super().change_view(request, object_id, form_url, extra_context)

    # --- views -----------------------------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/attendance-list/",
                view(self.attendance_list_view),
                name="training_activity_attendance_list",
            ),
            path(
                "<int:object_id>/attendance/import/",
                view(self.attendance_import_view),
                name="training_activity_attendance_import",
            ),
            path(
                "<int:object_id>/attendance/confirm/",
                view(self.attendance_confirm_view),
                name="training_activity_attendance_confirm",
            ),
            path(
                "attendance/template/",
                view(self.attendance_template_view),
                name="training_activity_attendance_template",
            ),
            *super().get_urls(),
        ]

    def attendance_list_view(self, request: HttpRequest, object_id: int) -> FileResponse:
        """The stored attendance list, to staff who may see activities; the download is recorded."""
        activity = get_object_or_404(Activity, pk=object_id)
        if not self.has_view_or_change_permission(request, activity):
            raise PermissionDenied
        if not activity.attendance_list:
            raise Http404
        try:
            handle = activity.attendance_list.open("rb")
        except OSError:
            raise Http404 from None
        attendance_list_downloaded(activity=activity, by=request.user)
        name = (
            activity.attendance_list_name or f"attendance-{activity.pk}{activity.attendance_list.name[-4:]}"
        )
        return FileResponse(handle, as_attachment=True, filename=name)

    def _may_import(self, request: HttpRequest, activity: Activity) -> bool:
        return self._editable(activity) and request.user.has_perm("training.add_participation")

    def _import_page(self, request, activity, *, form=None, check=None, token=None, refused=None, status=200):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": activity,
            "title": _("Import the attendance list: %(activity)s") % {"activity": activity.title},
            "form": form or AttendanceUploadForm(),
            "check": check,
            "token": token,
            "refused": refused,
            "headers": HEADERS,
            "sheet_limits": SheetLimits.from_settings(),
            "change_url": reverse("admin:training_activity_change", args=[activity.pk]),
        }
        return TemplateResponse(
            request, "admin/training/activity/attendance_import.html", context, status=status
        )

    def _importable(self, request: HttpRequest, object_id: int) -> Activity:
        activity = get_object_or_404(Activity, pk=object_id)
        if not self._may_import(request, activity):
            raise PermissionDenied
        return activity

    def attendance_import_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Step 1: the upload, then every problem by row, or the rows to be saved. Saves nothing."""
        activity = self._importable(request, object_id)
        if request.method != "POST":
            return self._import_page(request, activity)
        form = AttendanceUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._import_page(request, activity, form=form)
        if sheet_upload_throttled(request):
            return self._import_page(request, activity, refused=throttled_message(), status=429)
        upload = form.cleaned_data["file"]
        try:
            check = attendance_check(activity=activity, file=upload)
        except SheetRefused as refused:
            return self._import_page(request, activity, refused=str(refused))
        token = None
        if check.ok:
            upload.seek(0)
            token = sheet_store.sheet_keep(
                upload.read(),
                name=upload.name or "",
                batch_id=activity.pk,
                user_id=request.user.pk,
                scope=KEEP_SCOPE,
            )
        return self._import_page(request, activity, check=check, token=token)

    def attendance_confirm_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Step 2: the kept file read and checked again, then every row saved, or none."""
        activity = self._importable(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:training_activity_attendance_import", args=[activity.pk])
            )
        token = request.POST.get("token", "")
        kept = sheet_store.sheet_take(token, batch_id=activity.pk, user_id=request.user.pk, scope=KEEP_SCOPE)
        if kept is None:
            return self._import_page(
                request,
                activity,
                refused=_(
                    "The checked file is no longer available (it expires after two hours). Upload it again."
                ),
            )
        data, name = kept
        try:
            created = attendance_import(activity=activity, file=ContentFile(data, name=name), by=request.user)
        except SheetRefused as refused:
            return self._import_page(request, activity, refused=str(refused))
        except AttendanceRejected as rejected:
            return self._import_page(request, activity, check=rejected.check)
        except ValidationError as error:
            return self._import_page(request, activity, refused=" ".join(error.messages))
        sheet_store.sheet_forget(token)
        self.message_user(
            request,
            _("%(count)d participants recorded; their hours await confirmation in the participations list.")
            % {"count": len(created)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:training_activity_change", args=[activity.pk]))

    def attendance_template_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("training.add_participation"):
            raise PermissionDenied
        response = HttpResponse(attendance_template_xlsx(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="attendance-list-template.xlsx"'
        return response
