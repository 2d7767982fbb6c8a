"""An import that runs in the background worker: a large file, checked and then written there."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One large file on its way in: checked by the worker, confirmed by the person, written by the worker.

    The file is kept only until it is written (or the check finds errors); the report stays so that
    the person can read the result later.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        CHECKED = "checked", _("Checked: waiting for your confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Not imported: the file has errors")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind of data"), max_length=32)
    options = models.JSONField(_("options"), default=dict, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(editable=False, default=b"")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)
