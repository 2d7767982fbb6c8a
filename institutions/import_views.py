"""The admin's import screen: upload, preview with row errors, confirm (SPEC §7).

A small file is checked and imported within the request. It is kept in the user's session between
preview and confirm, so a confirmation imports exactly the file that was previewed; it is checked again
when confirmed. A file larger than `IMPORT_BACKGROUND_BYTES` goes to the background worker
(`institutions.tasks`): its page shows how it goes and keeps the preview and the result.
"""

import base64
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importing import ImportReport, importers
from .models import ImportRun
from .tasks import apply_import, check_import

SESSION_KEY = "pending_imports"
RECENT_RUNS = 10
REFRESH_SECONDS = 3


def can_import(user) -> bool:
    """Staff with a scope import; each importer keeps them to their own institutions."""
    from .roles import scopes

    return user.is_active and (user.is_superuser or bool(scopes(user)))


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
        if len(data) > settings.IMPORT_BACKGROUND_BYTES:
            return start_in_background(request, kind, options, upload.name, data)
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
    runs = ImportRun.objects.filter(user=request.user).defer("data")[:RECENT_RUNS]
    return TemplateResponse(
        request,
        "institutions/admin/import.html",
        {
            "form": form,
            "page_title": _("Import data"),
            "runs": runs,
            "background_kb": settings.IMPORT_BACKGROUND_BYTES // 1024,
            **context,
        },
    )


def start_in_background(request, kind: str, options: dict, name: str, data: bytes):
    """A large file: the worker checks it, and the person follows it on the run's page."""
    run = ImportRun.objects.create(user=request.user, kind=kind, options=options, file_name=name, data=data)
    transaction.on_commit(lambda: check_import.enqueue(run.pk))
    return redirect("institutions_import_run", pk=run.pk)


def import_run_view(request, pk: int):
    """A background import: how it goes (the page reloads itself while the worker works), the preview
    with the button that confirms it, and afterwards the result, for as long as the person wants."""
    if not can_import(request.user):
        raise PermissionDenied
    run = get_object_or_404(ImportRun.objects.defer("data"), pk=pk)
    if run.user_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        with transaction.atomic():
            confirmed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.CHECKED).update(
                status=ImportRun.Status.IMPORTING, updated_at=timezone.now()
            )
            if confirmed:
                transaction.on_commit(lambda: apply_import.enqueue(run.pk))
        return redirect("institutions_import_run", pk=run.pk)
    return TemplateResponse(
        request,
        "institutions/admin/import_run.html",
        {
            "page_title": _("Import of %(name)s") % {"name": run.file_name},
            "run": run,
            "report": ImportReport.from_data(run.report) if run.report else None,
            "kind_label": importers()[run.kind].label if run.kind in importers() else run.kind,
            "refresh_seconds": REFRESH_SECONDS if run.is_working else None,
        },
    )
