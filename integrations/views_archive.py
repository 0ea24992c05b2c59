"""The project archive's pages: the download of a project's archive (its PM, staff admins), and
the page that starts a new project from an archive (whoever may start a project): a check first,
showing what would be created and every problem, then the import itself.

Between the check and the import the archive waits in the person's session, under its SHA-256,
which the confirm form carries: only the archive checked is imported, and it is checked again."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import View

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.errors import InvalidInput, NotAllowed
from common.pages import run_form
from integrations.archive import MAX_BYTES, export_archive
from integrations.archive_import import ArchiveReport, client_choices, client_get, import_archive
from integrations.forms import ArchiveImportForm
from integrations.permissions import can_import_archive
from projects.mixins import ProjectPageMixin

SESSION_KEY = "pending_archive"


class ArchiveExportView(StaffPageMixin, ProjectPageMixin, View):
    """GET: the project's archive as a JSON file (its PM and staff admins; a closed project too)."""

    request: AuthenticatedHttpRequest
    http_method_names = ["get"]

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            archive = export_archive(actor=request.user, project=self.project)
        except NotAllowed:
            raise PermissionDenied from None
        except InvalidInput as error:  # a project without a start date
            messages.error(request, str(error.message))
            return redirect("projects:detail", project_id=self.project.pk)
        response = HttpResponse(
            json.dumps(archive, ensure_ascii=False, indent=2), content_type="application/json"
        )
        filename = f"{slugify(self.project.code) or 'project'}-archive.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ArchiveImportView(StaffPageMixin, View):
    """GET: the form. POST: check the archive (nothing written) and show what it would create and
    every problem; POST with `confirm`: create the project, all of it or nothing."""

    request: AuthenticatedHttpRequest
    http_method_names = ["get", "post"]
    template_name = "integrations/archive_import.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        # Client people are sent to the portal by StaffPageMixin.
        if user.is_authenticated and not user.is_client_user and not can_import_archive(user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(
        self, form: ArchiveImportForm, report: ArchiveReport | None = None, status: int = 200
    ) -> HttpResponse:
        context = {"form": form, "report": report, "digest": self._digest()}
        return render(self.request, self.template_name, context, status=status)

    def _digest(self) -> str:
        return str(self.request.session.get(SESSION_KEY, {}).get("digest", ""))

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(ArchiveImportForm(clients=client_choices()))

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        confirm = bool(request.POST.get("confirm"))
        form = ArchiveImportForm(request.POST, request.FILES, clients=client_choices())
        pending = request.session.get(SESSION_KEY, {})
        if not request.FILES.get("file") and pending.get("digest") == request.POST.get("digest"):
            form.fields["file"].required = False

        def run(data: dict[str, Any]) -> tuple[ArchiveReport, bytes]:
            upload = data.get("file")
            content = upload.read(MAX_BYTES + 1) if upload else base64.b64decode(pending["content"])
            report = import_archive(
                actor=request.user,
                content=content,
                client=client_get(data["client"]),
                code=data["code"],
                name=data.get("name") or "",
                start_date=data.get("start_date"),
                dry_run=not confirm,
            )
            return report, content

        done = run_form(form, run)
        if done is None:
            return self._render(form, status=400)
        report, content = done.value
        if report.written and report.project is not None:
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                _("Project %(code)s created from the archive.") % {"code": report.project.code},
            )
            return redirect("projects:detail", project_id=report.project.pk)
        request.session[SESSION_KEY] = {
            "digest": hashlib.sha256(content).hexdigest(),
            "content": base64.b64encode(content).decode(),
        }
        return self._render(form, report, status=200 if report.is_valid else 400)
