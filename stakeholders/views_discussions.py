"""The discussion thread of any registered item: the partial that the item's page includes
(staff and portal alike) and its htmx endpoint, which also works as a plain form post."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from config.errors import ApplicationError, add_form_error
from stakeholders.discussables import discussable_get, discussable_of
from stakeholders.forms_discussions import EntryForm
from stakeholders.models import Entry
from stakeholders.permissions_discussions import can_post_internal_note, can_post_reply
from stakeholders.selectors_discussions import entry_list_for
from stakeholders.services_discussions import entry_post

PARTIAL = "stakeholders/_thread.html"


def discussion_context(*, user: Any, target: Any, form: EntryForm | None = None) -> dict[str, Any]:
    """What the thread partial needs; item pages put it in their context as `discussion`."""
    may_note = can_post_internal_note(user, target)
    form = form or EntryForm()
    if not may_note:
        form.fields.pop("kind", None)
    return {
        "entries": list(entry_list_for(user=user, target=target)),
        "may_post": may_note or can_post_reply(user, target),
        "may_note": may_note,
        "form": form,
        "post_url": reverse(
            "stakeholders:thread",
            kwargs={"target": discussable_of(target).key, "object_id": target.pk},
        ),
    }


@login_required
def thread(request: HttpRequest, target: str, object_id: int) -> HttpResponse:
    """GET: the thread partial. POST: a new entry; htmx gets the refreshed partial (with the
    form's errors, as 200 because htmx does not swap error responses), a plain post is
    redirected back to the item's page."""
    discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
    form = None
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            try:
                entry_post(
                    actor=request.user,
                    target=obj,
                    body=form.cleaned_data["body"],
                    kind=form.cleaned_data.get("kind") or Entry.Kind.REPLY,
                )
            except ApplicationError as error:
                if error.http_status in (403, 404):
                    raise
                add_form_error(form, error)
            else:
                form = None
                if not request.htmx:
                    messages.success(request, _("Your message is posted."))
                    return redirect(discussable.url_for(request.user, obj) + "#discussion")
        if not request.htmx and form is not None:
            messages.error(request, _("The message could not be posted."))
            return redirect(discussable.url_for(request.user, obj) + "#discussion")
    context = {"discussion": discussion_context(user=request.user, target=obj, form=form)}
    return render(request, PARTIAL, context)
