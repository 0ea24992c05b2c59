"""The discussion thread of any registered item: the partial that the item's page includes
(staff and portal alike) and its htmx endpoint, which also works as a plain form post."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from common.errors import ApplicationError, NotFound, add_form_error
from common.pages import run_action
from discussions.forms import AttachmentForm, EntryForm
from discussions.models import Attachment, Entry
from discussions.permissions import (
    can_post_entry,
    can_post_internal_note,
    can_post_reply,
)
from discussions.registry import discussable_get, discussable_of
from discussions.selectors import (
    attachment_get_for,
    entry_list_for,
    item_attachments_for,
    item_discussion_of,
)
from discussions.services import attachment_remove, attachments_add, entry_post
from projects.downloads import stored_file_response
from projects.permissions import (
    can_submit_feedback,
    can_view_internal_items,
    is_pm,
    is_staff_member,
)

PARTIAL = "discussions/_thread.html"


def discussion_context(
    *, user: Any, target: Any, form: EntryForm | None = None, seen: bool = False
) -> dict[str, Any]:
    """What the thread partial needs, as its `discussion` (the discussion_thread tag's too).
    With `seen`, the caller has already checked that `user` may see `target`: the entries and
    their files are then read in one query and the item is not read again."""
    if seen:
        project = discussable_of(target).get_project(target)
        may_note = bool(is_staff_member(user, project))
        may_post = may_note or bool(can_submit_feedback(user, project))
        entries = item_discussion_of(
            target=target, internal=bool(can_view_internal_items(user, project))
        ).entries
    else:
        may_note = can_post_internal_note(user, target)
        may_post = may_note or can_post_reply(user, target)
        entries = list(entry_list_for(user=user, target=target))
        for entry in entries:
            entry.files = entry.attachments.all()  # type: ignore[attr-defined]
    form = form or EntryForm()
    if not may_note:
        form.fields.pop("kind", None)
    return {
        "entries": entries,
        "may_post": may_post,
        "may_note": may_note,
        "form": form,
        "post_url": reverse(
            "discussions:thread",
            kwargs={"target": discussable_of(target).key, "object_id": target.pk},
        ),
    }


@login_required
def thread(request: AuthenticatedHttpRequest, target: str, object_id: int) -> HttpResponse:
    """GET: the thread partial. POST: a new entry; htmx gets the refreshed partial (with the
    form's errors, as 200 because htmx does not swap error responses), a plain post is
    redirected back to the item's page."""
    discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
    form = None
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                entry_post(
                    actor=request.user,
                    target=obj,
                    body=form.cleaned_data["body"],
                    kind=form.cleaned_data.get("kind") or Entry.Kind.REPLY,
                    files=form.cleaned_data["files"],
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
            # The reason a service gave (a closed project, say) goes with the message.
            reasons = [str(reason) for reason in form.non_field_errors()]
            messages.error(
                request, " ".join([str(_("The message could not be posted.")), *reasons])
            )
            return redirect(discussable.url_for(request.user, obj) + "#discussion")
    context = {
        "discussion": discussion_context(user=request.user, target=obj, form=form, seen=True)
    }
    return render(request, PARTIAL, context)


def attachments_context(
    *, user: Any, target: Any, form: AttachmentForm | None = None, seen: bool = False
) -> dict:
    """What the item's attachments partial needs, as its `attachments` (the
    discussion_attachments tag's). With `seen`, the caller has already checked that `user` may
    see `target`, which is not read again."""
    project = discussable_of(target).get_project(target)
    pm = is_pm(user, project)
    files: Iterable[Attachment]
    if seen:
        files = item_discussion_of(
            target=target, internal=bool(can_view_internal_items(user, project))
        ).files
        may_add = bool(can_submit_feedback(user, project) or is_staff_member(user, project))
    else:
        files = item_attachments_for(user=user, target=target)
        may_add = can_post_entry(user, target)
    return {
        "files": [(attachment, pm or attachment.uploaded_by_id == user.pk) for attachment in files],
        "may_add": may_add,
        "form": form or AttachmentForm(),
        "post_url": reverse(
            "discussions:attachments",
            kwargs={"target": discussable_of(target).key, "object_id": target.pk},
        ),
    }


@login_required
@require_POST
def attachments_add_view(
    request: AuthenticatedHttpRequest, target: str, object_id: int
) -> HttpResponse:
    """Files for the item itself; back to the item's page with a message either way."""
    discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
    if not can_post_entry(request.user, obj):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("files", [])))
    else:
        try:
            added = attachments_add(
                actor=request.user, target=obj, files=form.cleaned_data["files"]
            )
        except ApplicationError as error:
            if error.http_status in (403, 404):
                raise
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                ngettext("%(count)d file attached.", "%(count)d files attached.", len(added))
                % {"count": len(added)},
            )
    return redirect(discussable.url_for(request.user, obj) + "#attachments")


@login_required
@require_safe
def attachment_download(request: AuthenticatedHttpRequest, attachment_id: int) -> FileResponse:
    """The file, if the person may see it (404 alike for a missing and a hidden one)."""
    attachment = attachment_get_for(user=request.user, attachment_id=attachment_id)
    return stored_file_response(
        attachment.file,
        name=attachment.original_name,
        size=attachment.size,
        content_type=attachment.media_type,
        inline=request.GET.get("inline") == "1",
    )


@login_required
@require_POST
def attachment_delete(request: AuthenticatedHttpRequest, attachment_id: int) -> HttpResponse:
    """Remove a file (its uploader or a PM); back to the item's page."""
    attachment = attachment_get_for(user=request.user, attachment_id=attachment_id)
    target = attachment.thread.target
    if target is None:
        raise NotFound()
    run_action(
        request,
        lambda: attachment_remove(actor=request.user, attachment=attachment),
        success=_("The file is removed."),
    )
    return redirect(discussable_of(target).url_for(request.user, target) + "#attachments")
