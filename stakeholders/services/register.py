"""Writes of the register, the communication plan and the RACI. Each service authorises its
actor through stakeholders.permissions and raises common.errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import InvalidInput, NotAllowed, NotFound
from common.revisions import lock_and_check
from projects.models import Deliverable, Membership, Project, Visibility
from projects.permissions import can_view_project
from stakeholders.models import Attitude, CommunicationItem, RaciAssignment, RaciLetter, Stakeholder
from stakeholders.permissions import can_edit_register

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User


def require_allowed(allowed: bool, user: User, project: Project) -> None:
    """Not found for whoever cannot see the project; not allowed unless `allowed`."""
    if not can_view_project(user, project):
        raise NotFound
    if not allowed:
        raise NotAllowed


def require_member(project: Project, user: User | None, field: str) -> None:
    """`user` (if given) must be a member of the project, on either side."""
    if user is not None and not Membership.objects.filter(project=project, user=user).exists():
        raise InvalidInput(_("This person is not a member of the project."), field=field)


def _score(value: int, field: str) -> int:
    if not 1 <= value <= 5:
        raise InvalidInput(_("Give a score from 1 to 5."), field=field)
    return value


def stakeholder_create(
    *,
    actor: User,
    project: Project,
    name: str,
    organisation: str = "",
    role: str = "",
    contact: str = "",
    influence: int = 3,
    interest: int = 3,
    attitude: str = Attitude.NEUTRAL,
    engagement_strategy: str = "",
    user: User | None = None,
    visibility: str = Visibility.INTERNAL,
) -> Stakeholder:
    """The PM adds someone to the register (internal unless said otherwise)."""
    require_allowed(can_edit_register(actor, project), actor, project)
    if not name.strip():
        raise InvalidInput(_("Give a name."), field="name")
    require_member(project, user, "user")
    return Stakeholder.objects.create(
        project=project,
        name=name.strip(),
        organisation=organisation,
        role=role,
        contact=contact,
        influence=_score(influence, "influence"),
        interest=_score(interest, "interest"),
        attitude=attitude,
        engagement_strategy=engagement_strategy,
        user=user,
        visibility=visibility,
    )


@transaction.atomic
def stakeholder_update(
    *, actor: User, stakeholder: Stakeholder, revision: int | None = None, **fields: object
) -> Stakeholder:
    """The PM changes an entry of the register; only the named fields change. With `revision`,
    EditConflict if someone saved the entry since that revision."""
    require_allowed(can_edit_register(actor, stakeholder.project), actor, stakeholder.project)
    stakeholder = lock_and_check(stakeholder, revision)
    editable = {
        "name",
        "organisation",
        "role",
        "contact",
        "influence",
        "interest",
        "attitude",
        "engagement_strategy",
        "visibility",
    }
    for name, value in fields.items():
        if name not in editable:
            raise InvalidInput(_("This field cannot be changed."), field=name)
        if name in {"influence", "interest"}:
            _score(int(value), name)  # type: ignore[call-overload]
        setattr(stakeholder, name, value)
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_delete(*, actor: User, stakeholder: Stakeholder) -> None:
    """The PM removes someone from the register, with their RACI letters and their place among
    the communication plan's recipients. Refused while they hold the A of a row that has other
    letters: the row would be left without anyone accountable."""
    project = stakeholder.project
    require_allowed(can_edit_register(actor, project), actor, project)
    for held in RaciAssignment.objects.filter(
        stakeholder=stakeholder, letter=RaciLetter.ACCOUNTABLE
    ):
        others = RaciAssignment.objects.filter(
            project=project, work_area=held.work_area, deliverable=held.deliverable
        ).exclude(stakeholder=stakeholder)
        if others.exists():
            raise InvalidInput(
                _("%(name)s is accountable for %(row)s: give the A to someone else first.")
                % {"name": stakeholder.name, "row": held.row_label},
                field="stakeholder",
            )
    RaciAssignment.objects.filter(stakeholder=stakeholder).delete()
    stakeholder.delete()


@transaction.atomic
def communication_item_create(
    *,
    actor: User,
    project: Project,
    what: str,
    recipients: Iterable[Stakeholder] = (),
    sender: User | None = None,
    channel: str = "",
    frequency: str = "",
    visibility: str = Visibility.CLIENT,
) -> CommunicationItem:
    """The PM adds a line to the communication plan."""
    require_allowed(can_edit_register(actor, project), actor, project)
    if not what.strip():
        raise InvalidInput(_("Say what is communicated."), field="what")
    require_member(project, sender, "sender")
    recipients = list(recipients)
    if any(stakeholder.project_id != project.pk for stakeholder in recipients):
        raise InvalidInput(_("A recipient is not in this project's register."), field="recipients")
    item = CommunicationItem.objects.create(
        project=project,
        what=what.strip(),
        sender=sender,
        channel=channel,
        frequency=frequency,
        visibility=visibility,
    )
    item.recipients.set(recipients)
    return item


@transaction.atomic
def communication_item_update(
    *,
    actor: User,
    item: CommunicationItem,
    what: str,
    recipients: Iterable[Stakeholder] = (),
    sender: User | None = None,
    channel: str = "",
    frequency: str = "",
    visibility: str | None = None,
    revision: int | None = None,
) -> CommunicationItem:
    """The PM changes a line of the communication plan (every field at once, as the form has
    them). With `revision`, EditConflict if someone saved the line since that revision."""
    project = item.project
    require_allowed(can_edit_register(actor, project), actor, project)
    if not what.strip():
        raise InvalidInput(_("Say what is communicated."), field="what")
    require_member(project, sender, "sender")
    recipients = list(recipients)
    if any(stakeholder.project_id != project.pk for stakeholder in recipients):
        raise InvalidInput(_("A recipient is not in this project's register."), field="recipients")
    if visibility is not None and visibility not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    item = lock_and_check(item, revision)
    item.what = what.strip()
    item.sender = sender
    item.channel = channel
    item.frequency = frequency
    if visibility is not None:
        item.visibility = visibility
    item.save()
    item.recipients.set(recipients)
    return item


def communication_item_delete(*, actor: User, item: CommunicationItem) -> None:
    require_allowed(can_edit_register(actor, item.project), actor, item.project)
    item.delete()


@transaction.atomic
def raci_assign(
    *,
    actor: User,
    project: Project,
    letter: str,
    work_area: str = "",
    deliverable: Deliverable | None = None,
    stakeholder: Stakeholder | None = None,
    user: User | None = None,
) -> RaciAssignment:
    """The PM puts a letter in a cell of the RACI. A row has exactly one A: giving the A to
    someone moves it (the former A becomes R). The person's earlier letter on the row is replaced.
    Rows are locked while the A moves, so two PMs cannot leave two As."""
    require_allowed(can_edit_register(actor, project), actor, project)
    if letter not in RaciLetter.values:
        raise InvalidInput(_("Choose R, A, C or I."), field="letter")
    work_area = work_area.strip()
    if bool(work_area) == (deliverable is not None):
        raise InvalidInput(_("Give either a work area or a deliverable."), field="work_area")
    if deliverable is not None and deliverable.project_id != project.pk:
        raise InvalidInput(_("The deliverable is not in this project."), field="deliverable")
    if (stakeholder is None) == (user is None):
        raise InvalidInput(_("Give either a stakeholder or a member."), field="stakeholder")
    if stakeholder is not None and stakeholder.project_id != project.pk:
        raise InvalidInput(_("The stakeholder is not in this register."), field="stakeholder")
    require_member(project, user, "user")
    # Lock the project row: the one-A rule spans several rows of the matrix.
    Project.objects.select_for_update().filter(pk=project.pk).get()
    row = RaciAssignment.objects.filter(
        project=project, work_area=work_area, deliverable=deliverable
    )
    row.filter(stakeholder=stakeholder, user=user).delete()
    if letter == RaciLetter.ACCOUNTABLE:
        row.filter(letter=RaciLetter.ACCOUNTABLE).update(letter=RaciLetter.RESPONSIBLE)
    elif not row.filter(letter=RaciLetter.ACCOUNTABLE).exists():
        raise InvalidInput(
            _("Each row needs exactly one A: name who is accountable first."), field="letter"
        )
    return RaciAssignment.objects.create(
        project=project,
        work_area=work_area,
        deliverable=deliverable,
        stakeholder=stakeholder,
        user=user,
        letter=letter,
    )


def raci_unassign(*, actor: User, assignment: RaciAssignment) -> None:
    """The PM clears a cell. The A of a row with other letters cannot be cleared (move it)."""
    project = assignment.project
    require_allowed(can_edit_register(actor, project), actor, project)
    if assignment.letter == RaciLetter.ACCOUNTABLE and (
        RaciAssignment.objects.filter(
            project=project, work_area=assignment.work_area, deliverable=assignment.deliverable
        )
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise InvalidInput(_("Give the A to someone else first."), field="letter")
    assignment.delete()
