"""Documents: the project's Documents tab and the permission-checked downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.mixins import StaffPageMixin
from common.errors import NotFound
from common.pages import run_action, run_form
from projects.downloads import document_download_response
from projects.forms import DocumentUploadForm, DocumentVersionForm
from projects.mixins import ProjectPageMixin
from projects.models import Visibility
from projects.permissions import can_manage_documents, can_upload_document
from projects.selectors import (
    deliverable_list_for,
    document_get_for,
    document_list_for,
    document_version_get,
    milestone_list_for,
)
from projects.services.documents import (
    document_delete,
    document_set_visibility,
    document_upload,
)


def _as_int(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return 0


class ProjectDocumentsView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """Every document of the project with its versions; the team uploads documents and new
    versions, the PM sets what the client sees and deletes."""

    template_name = "projects/documents.html"

    def _upload_form(self, *args: Any, **kwargs: Any) -> DocumentUploadForm:
        user, project = self.request.user, self.project
        return DocumentUploadForm(
            *args,
            milestones=list(
                milestone_list_for(user=user, project=project)
                .prefetch_related(None)
                .values_list("pk", "name")
            ),
            deliverables=list(
                deliverable_list_for(user=user, project=project).values_list("pk", "name")
            ),
            **kwargs,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        may_upload = can_upload_document(user, self.project)
        context.update(
            documents=document_list_for(user=user, project=self.project),
            may_upload=may_upload,
            may_manage=can_manage_documents(user, self.project),
            upload_form=kwargs.get("upload_form") or (self._upload_form() if may_upload else None),
            version_form=DocumentVersionForm(),
            failed_version_form=kwargs.get("version_form"),
            failed_document_id=kwargs.get("document_id"),
            visibility=Visibility,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "upload")
        needed = can_manage_documents if action in ("visibility", "delete") else can_upload_document
        if not needed(request.user, self.project):
            raise PermissionDenied
        if action == "upload":
            return self._upload(request)
        document = document_get_for(
            user=request.user,
            project=self.project,
            document_id=_as_int(request.POST.get("document")),
        )
        if action == "version":
            form = DocumentVersionForm(request.POST, request.FILES)
            done = run_form(
                form,
                lambda data: document_upload(
                    actor=request.user,
                    project=self.project,
                    document=document,
                    file=data["file"],
                    note=data["note"],
                ),
            )
            if done:
                messages.success(
                    request,
                    _("Version %(number)d of %(title)s uploaded.")
                    % {"number": done.value.number, "title": document.title},
                )
                return redirect("projects:documents", project_id=self.project.pk)
            return self.render_to_response(
                self.get_context_data(version_form=form, document_id=document.pk), status=400
            )
        if action == "visibility":
            run_action(
                request,
                lambda: document_set_visibility(
                    actor=request.user,
                    document=document,
                    visibility=request.POST.get("visibility", ""),
                ),
                success=_("Visibility changed."),
            )
        elif action == "delete":
            run_action(
                request,
                lambda: document_delete(actor=request.user, document=document),
                success=_("Document deleted."),
            )
        else:
            raise NotFound()
        return redirect("projects:documents", project_id=self.project.pk)

    def _upload(self, request: HttpRequest) -> HttpResponse:
        form = self._upload_form(request.POST, request.FILES)
        if run_form(
            form,
            lambda values: document_upload(
                actor=request.user,
                project=self.project,
                file=values["file"],
                title=values["title"],
                milestone=_pick(milestone_list_for, request, self.project, values["milestone"]),
                deliverable=_pick(
                    deliverable_list_for, request, self.project, values["deliverable"]
                ),
                visibility=values["visibility"],
                note=values["note"],
            ),
        ):
            messages.success(request, _("Document uploaded."))
            return redirect("projects:documents", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(upload_form=form), status=400)


def _pick(selector: Any, request: HttpRequest, project: Any, pk: int | None) -> Any:
    """The milestone or deliverable `pk` among those the user may see (None for none chosen)."""
    if pk is None:
        return None
    item = selector(user=request.user, project=project).filter(pk=pk).first()
    if item is None:
        raise NotFound()
    return item


class DocumentDownloadMixin(ProjectPageMixin):
    """Serves a version of a document the user may see (the current one, or ?version=N); a
    missing document, version or one the user may not see is a 404 alike."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        document = document_get_for(
            user=request.user, project=self.project, document_id=kwargs["document_id"]
        )
        number = None
        if "version" in request.GET:
            number = _as_int(request.GET["version"])
            if number < 1:
                raise NotFound()
        version = document_version_get(document=document, number=number)
        return document_download_response(version, inline=request.GET.get("inline") == "1")


class DocumentDownloadView(StaffPageMixin, DocumentDownloadMixin, View):
    pass
