"""The JSON entry endpoints behind the offline entry app (SPEC §10): what they share.

An entry is a JSON object with a client-made `id` (a UUID) and `base`, the version of the record the phone
started from (null: it saw none). The person must be logged in (the admin's session) and send the CSRF
token (`X-CSRFToken`), as the admin's screens do. Under the lock of the row the entry is about, an `id`
already answered gets the same answer again and changes nothing; a `base` that is not the record's
version now answers 409 with the server's figures, so that the phone shows both and the person chooses.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from django.db import transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .models import EntryReceipt


class EntryError(Exception):
    """An entry answered without being applied: `status` with `body` (400 field messages, 403, 404, 409)."""

    def __init__(self, status: int, body: dict):
        super().__init__(status)
        self.status = status
        self.body = body


def form_data(data: dict) -> dict:
    """The JSON entry as a form's data: numbers as text, null as empty."""
    return {name: "" if value is None else str(value) for name, value in data.items()}


def field_errors(errors: dict) -> EntryError:
    return EntryError(
        400, {"errors": {field: [str(message) for message in messages] for field, messages in errors.items()}}
    )


def entry_endpoint(kind: str, apply: Callable[[object, dict, uuid.UUID], tuple[int, dict]]):
    """A view for `POST` of one JSON entry; `apply(request, data, entry_id)` locks the row the entry is
    about, calls `replay(...)`, and returns the answer (status, body) or raises `EntryError`."""

    @never_cache
    @require_POST
    def view(request):
        if not request.user.is_authenticated or not request.user.is_active:
            return JsonResponse({"errors": {"__all__": [_("Log in first.")]}}, status=403)
        try:
            data = json.loads(request.body or b"")
        except ValueError:
            return JsonResponse({"errors": {"__all__": [_("The body must be a JSON object.")]}}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"errors": {"__all__": [_("The body must be a JSON object.")]}}, status=400)
        try:
            entry_id = uuid.UUID(str(data.get("id", "")))
        except ValueError:
            return JsonResponse({"errors": {"id": [_("Give the entry's id, a UUID.")]}}, status=400)
        try:
            with transaction.atomic():
                status, body = apply(request, data, entry_id)
                EntryReceipt.objects.create(
                    id=entry_id, user=request.user, kind=kind, status=status, answer=body
                )
        except Replay as replay:
            status, body = replay.status, replay.body
        except EntryError as error:
            status, body = error.status, error.body
        return JsonResponse(body, status=status)

    return view


class Replay(Exception):
    def __init__(self, receipt: EntryReceipt):
        super().__init__(receipt.pk)
        self.status, self.body = receipt.status, receipt.answer


def replay(request, entry_id: uuid.UUID, kind: str) -> None:
    """Call with the entry's row locked: an id answered before is answered again (raises `Replay`); an id
    of another person's or another kind's entry is refused."""
    receipt = EntryReceipt.objects.filter(pk=entry_id).first()
    if receipt is None:
        return
    if receipt.user_id != request.user.pk or receipt.kind != kind:
        raise EntryError(400, {"errors": {"id": [_("This id belongs to another entry: make a new one.")]}})
    raise Replay(receipt)
