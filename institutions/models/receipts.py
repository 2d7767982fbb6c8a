"""Receipts of the entries phones send (SPEC §10): each entry carries an id the phone made; the answer to
an accepted entry is kept under it, so that sending it again changes nothing and answers as the first time."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryReceipt(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    status = models.PositiveSmallIntegerField()
    answer = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entry receipt")
        verbose_name_plural = _("entry receipts")

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"
