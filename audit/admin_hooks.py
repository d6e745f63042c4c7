"""One hook for everything edited in the admin: each addition, change and deletion is an AuditEvent.

The admin already calls `log_addition` / `log_change` for every save (the change form, list_editable, and
actions that call them) and `delete_model` / `delete_queryset` for every deletion; `AuditedAdminMixin`
records an AuditEvent there, in the same transaction as the change. The detail names the fields that
changed (their names, never their values: a person's fields are personal data) and the inline rows
added, changed or deleted; a deletion lists what was deleted with it.

An admin whose writes all go through services that record their own events (the working-day calendar)
sets `audited_by_service = True`, and an admin that called such a service for one save calls
`audit_recorded_by_service(request)` so the hook does not record the same act twice. A test
(tests/audit/test_admin_hook.py) fails when a registered admin lacks the mixin.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import models, router, transaction
from django.http import HttpRequest

from audit.models import Action
from audit.services import audit_log

_PENDING = "_audit_change_detail"
_SKIP = "_audit_recorded_by_service"


def audit_recorded_by_service(request: HttpRequest) -> None:
    """The service just called recorded this save itself: the admin's next log call writes no event."""
    setattr(request, _SKIP, True)


def _related(formsets: Any) -> list[dict[str, Any]]:
    related = []
    for formset in formsets or []:
        label = formset.model._meta.label_lower
        related += [{"model": label, "operation": "added"} for _obj in formset.new_objects]
        related += [
            {"model": label, "operation": "changed", "fields": sorted(fields)}
            for _obj, fields in formset.changed_objects
        ]
        related += [{"model": label, "operation": "deleted"} for _obj in formset.deleted_objects]
    return related


class AuditedAdminMixin:
    """Put first in a ModelAdmin's bases: `class XAdmin(AuditedAdminMixin, admin.ModelAdmin)`."""

    #: The action recorded for additions and changes (deletions are always Action.DELETED).
    audit_action: Action = Action.RECORD_CHANGED
    #: True when every write of this admin goes through services that record their own events.
    audited_by_service: bool = False

    # --- additions and changes -------------------------------------------------------------------------
    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)  # type: ignore[misc]
        detail: dict[str, Any] = {"operation": "added" if add else "changed"}
        if form.changed_data:
            detail["fields"] = list(form.changed_data)
        if related := _related(formsets):
            detail["related"] = related
        setattr(request, _PENDING, detail)
        return message

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        self._audit_save(request, obj, "added", message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        self._audit_save(request, obj, "changed", message)
        return entry

    def _audit_save(self, request: HttpRequest, obj: models.Model, operation: str, message: Any) -> None:
        detail = request.__dict__.pop(_PENDING, None)
        if request.__dict__.pop(_SKIP, False) or self.audited_by_service:
            return
        if detail is None:  # a log call of the admin's own (an action), not after a form
            detail = {"operation": operation}
            if isinstance(message, str) and message:
                detail["note"] = message
        with transaction.atomic(using=router.db_for_write(type(obj))):
            audit_log(action=self.audit_action, request=request, target=obj, detail=detail)

    # --- inline rows deleted on a parent's page ----------------------------------------------------------
    def save_formset(self, request, form, formset, change):
        doomed = [copy.copy(f.instance) for f in getattr(formset, "deleted_forms", []) if f.instance.pk]
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        if not self.audited_by_service:
            for obj in doomed:
                audit_log(action=Action.DELETED, request=request, target=obj, detail={"operation": "deleted"})

    # --- deletions ------------------------------------------------------------------------------------
    def delete_model(self, request, obj):
        """Delete `obj` and record it, in one transaction; the event lists what was deleted with it."""
        with transaction.atomic(using=router.db_for_write(type(obj))):
            target = copy.copy(obj)  # deleting clears obj.pk
            _total, per_model = obj.delete()
            audit_log(
                action=Action.DELETED,
                request=request,
                target=target,
                detail=self._deletion_detail(per_model, type(obj), selected=1),
            )

    def delete_queryset(self, request, queryset):
        """The "delete selected" action: one event per selected record, in the deletion's transaction."""
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            targets = list(queryset)
            _total, per_model = queryset.delete()
            detail = self._deletion_detail(per_model, queryset.model, selected=len(targets))
            for target in targets:
                audit_log(action=Action.DELETED, request=request, target=target, detail=detail)

    @staticmethod
    def _deletion_detail(per_model: dict[str, int], model: type[models.Model], *, selected: int) -> dict:
        own = model._meta.label
        cascade = {
            label.lower(): count - (selected if label == own else 0)
            for label, count in per_model.items()
            if count - (selected if label == own else 0) > 0
        }
        detail: dict[str, Any] = {"operation": "deleted"}
        if cascade:
            detail["cascade"] = cascade
        if selected > 1:
            detail["selected"] = selected
        return detail


class AuditedImportMixin:
    """A django-import-export admin whose confirmed imports are recorded: one event per file, with the
    counts of rows added, updated and left unchanged, in the import's transaction (none if it saved
    nothing). `audit_import_target(request, form)` names the record the import belongs to, if any (else
    the event names the model imported into)."""

    audit_action: Action = Action.RECORD_CHANGED

    def audit_import_target(self, request, form) -> models.Model | None:
        return None

    def process_dataset(self, dataset, form, request, **kwargs):
        from import_export.results import RowResult

        with transaction.atomic():
            result = super().process_dataset(dataset, form, request, **kwargs)  # type: ignore[misc]
            if not (result.has_errors() or result.has_validation_errors()):
                totals = result.totals
                audit_log(
                    action=self.audit_action,
                    request=request,
                    target=self.audit_import_target(request, form) or self.model,
                    detail={
                        "operation": "imported",
                        "new_rows": totals.get(RowResult.IMPORT_TYPE_NEW, 0),
                        "updated_rows": totals.get(RowResult.IMPORT_TYPE_UPDATE, 0),
                        "unchanged_rows": totals.get(RowResult.IMPORT_TYPE_SKIP, 0),
                    },
                )
        return result
