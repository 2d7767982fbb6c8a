"""The admin's import screen: upload, preview with row errors, confirm (SPEC §7).

The uploaded file is kept in the user's session between preview and confirm, so a confirmation
imports exactly the file that was previewed; it is checked again when confirmed.
"""

import base64
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importing import importers

SESSION_KEY = "pending_imports"


def can_import(user) -> bool:
    # Provincial staff import for everyone; per-institution roles arrive with the roles issue.
    return user.is_active and user.is_superuser


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of data"))
    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        registry = importers()
        self.fields["kind"].choices = [(kind, cls.label) for kind, cls in registry.items()]
        for importer_class in registry.values():
            for name, field in importer_class.option_fields().items():
                self.fields.setdefault(name, field)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.")
                % {"size": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload

    def importer_options(self) -> dict:
        importer_class = importers()[self.cleaned_data["kind"]]
        return {name: self.cleaned_data.get(name) for name in importer_class.option_names()}


def import_view(request):
    if not can_import(request.user):
        raise PermissionDenied
    pending = request.session.get(SESSION_KEY, {})

    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token", "")
        job = pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        if job is None:
            messages.error(request, _("This preview has expired. Upload the file again."))
            return redirect("institutions_import")
        importer = importers()[job["kind"]](user=request.user, **job["options"])
        report = importer.run(base64.b64decode(job["data"]))
        if report.ok:
            messages.success(
                request,
                _("Imported %(name)s: %(summary)s.") % {"name": job["name"], "summary": report.summary()},
            )
            return redirect("institutions_import")
        form = ImportForm(initial={"kind": job["kind"]})
        return render_page(request, form, report=report, file_name=job["name"])

    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render_page(request, form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        kind = form.cleaned_data["kind"]
        options = form.importer_options()
        report = importers()[kind](user=request.user, **options).run(data, dry_run=True)
        token = ""
        if report.ok:
            token = secrets.token_urlsafe(16)
            pending = {
                token: {
                    "kind": kind,
                    "options": options,
                    "name": upload.name,
                    "data": base64.b64encode(data).decode("ascii"),
                }
            }
            request.session[SESSION_KEY] = pending
        return render_page(request, form, report=report, token=token, file_name=upload.name)

    return render_page(request, ImportForm())


def render_page(request, form, **context):
    return TemplateResponse(
        request,
        "institutions/admin/import.html",
        {"form": form, "page_title": _("Import data"), **context},
    )
