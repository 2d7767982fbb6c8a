"""Who may see and change the records kept per institution: attendance, visit counts, service records.

Provincial staff (and superusers) hold the models' Django permissions and act on every record. An
institution's editors and an area's officers hold none of them: what they may do comes from their staff
scope (`roles.institutions_for`), and only for the records of those institutions. The Wagtail admin asks
the permission policy below for every listing, edit, delete, history, usage, chooser and bulk action, so
a record outside a person's scope is neither listed nor reachable by its address.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django import forms
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views

from core.spreadsheets import safe_cell

from .roles import has_institution_scope, institutions_for, is_provincial

# What scoped staff may do with their institutions' records; adding, deleting and the rest are the
# province's. (Attendance and door counts are added on the entry screens, which know the session or day.)
SCOPED_ACTIONS = frozenset({"change", "view"})
LISTED_ACTIONS = ["add", "change", "delete", "view"]


class InstitutionRecordPolicy(ModelPermissionPolicy):
    """Model permissions for provincial staff; the staff scope's institutions for everyone else.

    `institution_path` leads from the record to its institution (`institution`, `session__institution`).
    """

    def __init__(self, model, institution_path: str = "institution", addable: bool = True):
        super().__init__(model)
        self.institution_path = institution_path
        self.addable = addable

    def model_wide(self, user, action: str) -> bool:
        return super().user_has_permission(user, action) and is_provincial(user)

    def user_has_permission(self, user, action):
        if action == "add" and not self.addable:
            return False
        if self.model_wide(user, action):
            return True
        return action in SCOPED_ACTIONS and has_institution_scope(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def institution_id(self, instance) -> int | None:
        target = instance
        for part in self.institution_path.split("__")[:-1]:
            target = getattr(target, part, None)
        return getattr(target, f"{self.institution_path.split('__')[-1]}_id", None)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if self.model_wide(user, action):
            return True
        institution_id = self.institution_id(instance)
        return institution_id is not None and institutions_for(user).filter(pk=institution_id).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        actions = list(actions)
        records = self.model._default_manager.all()
        if any(self.model_wide(user, action) for action in actions):
            return records
        if not self.user_has_any_permission(user, actions):
            return records.none()
        return self.in_scope(records, user)

    def in_scope(self, records: models.QuerySet, user) -> models.QuerySet:
        return records.filter(**{f"{self.institution_path}__in": institutions_for(user).values("pk")})


class InScopeObjectMixin:
    """For the admin views of one record (edit, delete, history, usage, inspect, chosen): a record outside
    the person's scope answers 404, as the entry screens do, so its address reveals nothing."""

    scope_actions: Iterable[str] = LISTED_ACTIONS

    def dispatch(self, request, *args, **kwargs):
        record = getattr(self, "object", None)
        if record is not None and record.pk is not None:
            policy = policy_registry.get_by_type(type(record))
            if not policy.user_has_any_permission_for_instance(request.user, self.scope_actions, record):
                raise Http404
        return super().dispatch(request, *args, **kwargs)


def stored_version(record: models.Model) -> str:
    """A fingerprint of a record's stored values: it changes whenever anyone saves a change to it."""
    row = type(record)._default_manager.filter(pk=record.pk).values().first()
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()[:32]


class InstitutionRecordForm(WagtailAdminModelForm):
    """The snippet form of a record: its institution can only be one the person acts for, and a save
    from a form opened before someone else's save is refused with the record's new values, not applied
    over them (the form keeps what was typed; saving it again keeps it, knowingly)."""

    record_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("institution")
        if field is not None and self.for_user is not None:
            field.queryset = institutions_for(self.for_user).order_by("sort_key")
        if self.instance.pk is not None:
            self.initial["record_version"] = stored_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        sent = self.data.get(self.add_prefix("record_version"), "")
        if self.instance.pk is not None and sent:
            current = stored_version(self.instance)
            if sent != current:
                stored = type(self.instance)._default_manager.get(pk=self.instance.pk)
                self.data = self.data.copy()
                self.data[self.add_prefix("record_version")] = current
                raise forms.ValidationError(
                    _(
                        "Someone else changed this record after you opened it; it now reads “%(record)s”. "
                        "Nothing was saved. Your values are still in the form: save again to keep them."
                    )
                    % {"record": stored},
                    code="stale",
                )
        return cleaned


def in_scope(view_class: type) -> type:
    return type(view_class.__name__, (InScopeObjectMixin, view_class), {})


class ScopedChooseMixin:
    """The snippet chooser offers only records in the person's scope."""

    def get_object_list(self):
        policy = policy_registry.get_by_type(self.model_class)
        return policy.instances_user_has_any_permission_for(self.request.user, LISTED_ACTIONS)


class ScopedChosenMixin:
    def get_object(self, pk):
        record = super().get_object(pk)
        policy = policy_registry.get_by_type(self.model_class)
        if not policy.user_has_any_permission_for_instance(self.request.user, LISTED_ACTIONS, record):
            raise Http404
        return record


class ScopedChosenMultipleMixin:
    def get_objects(self, pks):
        policy = policy_registry.get_by_type(self.model_class)
        return super().get_objects(pks) & policy.instances_user_has_any_permission_for(
            self.request.user, LISTED_ACTIONS
        )


class InstitutionRecordChooserViewSet(chooser_views.SnippetChooserViewSet):
    choose_view_class = type("ChooseView", (ScopedChooseMixin, chooser_views.ChooseView), {})
    choose_results_view_class = type(
        "ChooseResultsView", (ScopedChooseMixin, chooser_views.ChooseResultsView), {}
    )
    chosen_view_class = type("SnippetChosenView", (ScopedChosenMixin, chooser_views.SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "SnippetChosenMultipleView", (ScopedChosenMultipleMixin, chooser_views.SnippetChosenMultipleView), {}
    )


class RecordIndexView(snippet_views.IndexView):
    """The listing, and its CSV export with text that looks like a formula kept as text (a note "=1+1")."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: safe_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )


class InstitutionRecordViewSet(snippet_views.SnippetViewSet):
    """A snippet viewset of per-institution records, every view of it limited to the person's scope.

    The model's permission policy must be an `InstitutionRecordPolicy` (`register_permission_policy`).
    """

    index_view_class = RecordIndexView
    edit_template_name = "wagtailsnippets/snippets/record_edit.html"
    edit_view_class = in_scope(snippet_views.EditView)
    delete_view_class = in_scope(snippet_views.DeleteView)
    usage_view_class = in_scope(snippet_views.UsageView)
    history_view_class = in_scope(snippet_views.HistoryView)
    inspect_view_class = in_scope(snippet_views.InspectView)
    chooser_viewset_class = InstitutionRecordChooserViewSet

    def get_queryset(self, request):
        policy = policy_registry.get_by_type(self.model)
        return policy.instances_user_has_any_permission_for(request.user, LISTED_ACTIONS)

    def get_edit_handler(self):
        return ObjectList(self.model.panels, base_form_class=InstitutionRecordForm).bind_to_model(self.model)
