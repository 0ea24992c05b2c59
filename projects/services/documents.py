"""Project documents: versioned files with a visibility.

The team (PM and team members) uploads documents and new versions of them; the PM decides which
ones the client sees and deletes them. Client admins and customer representatives upload
documents too, through the same service and the same checks: theirs are always client-visible
(the team sees them as well), they add versions to their side's documents only, and the PMs are
told; they delete nothing (the PM may). A file's type is detected from its content
(projects.filetypes), never trusted from its name; programs are refused. Files are stored under
DOCUMENTS_ROOT and only served by the permission-checked download views.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from projects import filetypes
from projects.models import (
    AcceptanceRound,
    Deliverable,
    Document,
    DocumentVersion,
    Milestone,
    Project,
    Visibility,
)
from projects.permissions import (
    can_add_document_version,
    can_manage_documents,
    can_upload_document,
    can_upload_team_document,
)
from projects.selectors.documents import document_visible_to_client
from projects.services.deliverables import deliverable_submit
from projects.services.notify import notify_pms

if TYPE_CHECKING:
    from django.core.files import File

    from accounts.models import User


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed the checks: its bytes, detected type and the name it keeps."""

    content: bytes
    file_type: filetypes.FileType
    name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def document_check_file(*, file: File[Any]) -> CheckedFile:
    """Refuse a file that is too large, empty, a program, or of a type not on the list; say why
    in words the person understands (the limit and the file's size)."""
    limit = settings.RAPPORT_MAX_UPLOAD_BYTES
    size = file.size or 0
    if size > limit:
        raise InvalidInput(
            _("%(name)s is %(size)s; files may be at most %(limit)s.")
            % {
                "name": file.name,
                "size": filesizeformat(size),
                "limit": filesizeformat(limit),
            },
            field="file",
        )
    file.seek(0)
    content = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    if len(content) > limit:  # a declared size is only a claim
        raise InvalidInput(
            _("%(name)s is %(size)s; files may be at most %(limit)s.")
            % {
                "name": file.name,
                "size": filesizeformat(len(content)),
                "limit": filesizeformat(limit),
            },
            field="file",
        )
    name = str(file.name or "")
    file_type = filetypes.detect(content, name=name)
    return CheckedFile(
        content=content, file_type=file_type, name=filetypes.name_for(name, file_type)
    )


def _clean_title(title: str, fallback: str) -> str:
    title = (title or "").strip() or fallback
    if len(title) > 200:
        raise InvalidInput(
            _("The title is too long: at most %(max)d characters, not %(length)d.")
            % {"max": 200, "length": len(title)},
            field="title",
        )
    return title


def _check_links(
    *,
    project: Project,
    milestone: Milestone | None,
    deliverable: Deliverable | None,
    visibility: str,
) -> Milestone | None:
    if visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    if milestone is not None and milestone.project_id != project.pk:
        raise InvalidInput(_("Unknown milestone."), field="milestone")
    if deliverable is not None:
        if deliverable.project_id != project.pk:
            raise InvalidInput(_("Unknown deliverable."), field="deliverable")
        if milestone is not None and deliverable.milestone_id != milestone.pk:
            raise InvalidInput(
                _("The deliverable belongs to another milestone."), field="deliverable"
            )
        milestone = deliverable.milestone
    if visibility == Visibility.CLIENT and (
        (milestone is not None and milestone.visibility != Visibility.CLIENT)
        or (deliverable is not None and deliverable.visibility != Visibility.CLIENT)
    ):
        raise InvalidInput(
            _("A document of an internal milestone or deliverable stays internal."),
            field="visibility",
        )
    return milestone


def _store_version(
    *,
    actor: User,
    document: Document,
    checked: CheckedFile,
    note: str,
    acceptance_round: AcceptanceRound | None,
) -> DocumentVersion:
    document.current_version += 1
    document.save(update_fields=["current_version"])
    version = DocumentVersion(
        document=document,
        number=document.current_version,
        original_name=checked.name,
        size=len(checked.content),
        content_type=checked.file_type.content_type,
        sha256=checked.sha256,
        uploaded_by=actor,
        note=(note or "").strip(),
        acceptance_round=acceptance_round,
    )
    version.file.save(checked.name, ContentFile(checked.content), save=True)
    return version


@transaction.atomic
def document_upload(
    *,
    actor: User,
    project: Project,
    file: File[Any],
    document: Document | None = None,
    title: str = "",
    milestone: Milestone | None = None,
    deliverable: Deliverable | None = None,
    visibility: str | None = None,
    note: str = "",
    acceptance_round: AcceptanceRound | None = None,
) -> DocumentVersion:
    """Upload a new document (version 1), or with `document` a new version of it (its title,
    links and visibility stay as they are).

    The PM and team members upload documents (internal unless `visibility` says otherwise) and
    new versions of any. A client admin or customer representative uploads client-visible
    documents (their default; internal is refused), about client-visible milestones and
    deliverables only, and new versions of their side's documents only; the project's PMs are
    told in the app.

    Raises NotAllowed for anyone else and for a client adding a version to a provider document,
    NotFound for a document the client may not see, InvalidInput for a file that is refused
    (nothing is stored then) or links the uploader may not use. Returns the new version.
    """
    is_team = can_upload_team_document(actor, project)
    if not is_team and not can_upload_document(actor, project):
        raise NotAllowed()
    if visibility is None:
        visibility = Visibility.INTERNAL if is_team else Visibility.CLIENT
    if not is_team:
        _check_client_upload(
            visibility=visibility,
            milestone=milestone,
            deliverable=deliverable,
            acceptance_round=acceptance_round,
        )
    if acceptance_round is not None and acceptance_round.decision:
        raise InvalidTransition(
            _("The client has decided on this submission: its files are kept as they were.")
        )
    if document is not None:
        document = _document_to_version(actor=actor, project=project, document=document)
    checked = document_check_file(file=file)
    if document is None:
        milestone = _check_links(
            project=project, milestone=milestone, deliverable=deliverable, visibility=visibility
        )
        document = Document.objects.create(
            project=project,
            milestone=milestone,
            deliverable=deliverable,
            title=_clean_title(title, fallback=checked.name),
            visibility=visibility,
            created_by=actor,
        )
    version = _store_version(
        actor=actor,
        document=document,
        checked=checked,
        note=note,
        acceptance_round=acceptance_round,
    )
    if not is_team:
        _tell_pms_of_client_upload(version, by=actor)
    return version


def _check_client_upload(
    *,
    visibility: str,
    milestone: Milestone | None,
    deliverable: Deliverable | None,
    acceptance_round: AcceptanceRound | None,
) -> None:
    """What the client side may not ask for: an internal document, a link to an item they do
    not see (named like a missing one), a file of a deliverable's submission."""
    if acceptance_round is not None:
        raise NotAllowed()
    if visibility != Visibility.CLIENT:
        raise InvalidInput(
            _(
                "A document you upload is shared with the team and your colleagues; it cannot be "
                "internal."
            ),
            field="visibility",
        )
    if milestone is not None and milestone.visibility != Visibility.CLIENT:
        raise InvalidInput(_("Unknown milestone."), field="milestone")
    if deliverable is not None and not deliverable.is_client_visible:
        raise InvalidInput(_("Unknown deliverable."), field="deliverable")


def _document_to_version(*, actor: User, project: Project, document: Document) -> Document:
    """The document, locked for its next version number, if `actor` may add a version to it."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("created_by")
        .get(pk=document.pk)
    )
    if document.project_id != project.pk:
        raise InvalidInput(_("Unknown document."), field="document")
    document.project = project
    if not can_add_document_version(actor, document):
        raise NotAllowed()
    if (
        not can_upload_team_document(actor, project)
        and not Document.objects.filter(document_visible_to_client(), pk=document.pk).exists()
    ):
        raise NotFound()
    return document


def _tell_pms_of_client_upload(version: DocumentVersion, *, by: User) -> None:
    document = version.document

    def title() -> str:
        if version.number == 1:
            message = _("%(person)s uploaded a document: %(title)s")
            return message % {"person": by.display_name, "title": document.title}
        message = _("%(person)s uploaded version %(number)d of %(title)s")
        return message % {
            "person": by.display_name,
            "number": version.number,
            "title": document.title,
        }

    notify_pms(
        document.project_id,
        title=title,
        body=version.note,
        url=reverse("projects:documents", kwargs={"project_id": document.project_id}),
    )


@transaction.atomic
def document_set_visibility(*, actor: User, document: Document, visibility: str) -> Document:
    """The PM decides whether the client sees a document (and all its versions). A document sent
    to the client with a deliverable's submission is the record of what the client was asked to
    accept, and one the client uploaded is theirs: both stay visible to them (raises
    InvalidTransition)."""
    if not can_manage_documents(actor, document.project):
        raise NotAllowed()
    if visibility != Visibility.CLIENT and document.is_from_client:
        raise InvalidTransition(
            _("The client uploaded this document; it stays visible to them."),
            field="visibility",
        )
    if (
        visibility != Visibility.CLIENT
        and DocumentVersion.objects.filter(
            document=document, acceptance_round__isnull=False
        ).exists()
    ):
        raise InvalidTransition(
            _("This document was sent to the client for acceptance; it stays visible to them."),
            field="visibility",
        )
    _check_links(
        project=document.project,
        milestone=document.milestone,
        deliverable=document.deliverable,
        visibility=visibility,
    )
    document.visibility = visibility
    document.save(update_fields=["visibility"])
    return document


@transaction.atomic
def document_delete(*, actor: User, document: Document) -> None:
    """The PM deletes a document: every version and its stored file (the files once the
    transaction has committed). Nothing is kept: a document uploaded by mistake must be gone.
    The client side deletes nothing, not even its own uploads: the team may already rely on a
    file the client shared, so the client asks the PM, who deletes it.

    A document sent to the client with a deliverable's submission is the record of what the
    client was asked to accept: it cannot be deleted (raises InvalidTransition); the PM may make
    a later version instead.
    """
    if not can_manage_documents(actor, document.project):
        raise NotAllowed()
    versions = DocumentVersion.objects.filter(document=document)
    if versions.filter(acceptance_round__isnull=False).exists():
        raise InvalidTransition(
            _("This document was sent to the client for acceptance; it is kept as the record.")
        )
    names = [name for name in versions.values_list("file", flat=True) if name]
    storage = DocumentVersion._meta.get_field("file").storage
    document.delete()

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def deliverable_submit_with_files(
    *, actor: User, deliverable: Deliverable, note: str = "", files: Iterable[File[Any]] = ()
) -> AcceptanceRound:
    """Submit the deliverable for acceptance (projects.services.deliverables.deliverable_submit)
    with files attached: each becomes a client-visible document of the deliverable, linked to the
    round. Every file is checked before anything is written: one refused file refuses the
    submission, and nothing changes."""
    files = list(files)
    if files and not can_upload_team_document(actor, deliverable.project):
        raise NotAllowed()
    for file in files:
        document_check_file(file=file)
    acceptance_round = deliverable_submit(actor=actor, deliverable=deliverable, note=note)
    for file in files:
        document_upload(
            actor=actor,
            project=deliverable.project,
            file=file,
            deliverable=deliverable,
            visibility=Visibility.CLIENT,
            acceptance_round=acceptance_round,
        )
    return acceptance_round
