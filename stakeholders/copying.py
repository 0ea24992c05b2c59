"""The RACI as a part of a project's plan (projects.copying).

A RACI cell names a person, and the people of the source project (its stakeholders, often the
client's, and its team) are not those of the new one. So the plan keeps each cell's row (a work
area, or a deliverable by its plan key) and letter, and instead of the person their role: the
source's project managers become the new project's PM (the person who starts it); every other
person becomes a stakeholder of the new register named after their role (the stakeholder's role
in the register, or the member's project role), for the PM to replace with the real person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from projects.copying import InvalidPlan, ShiftContext, items, text
from projects.models import Membership, Role
from stakeholders.models import RaciAssignment, RaciLetter

if TYPE_CHECKING:
    from projects.models import Project
    from stakeholders.models import Stakeholder

# When two cells of a row fall to the same person of the new project, the stronger letter stays.
_STRENGTH: dict[str, int] = {
    RaciLetter.ACCOUNTABLE: 4,
    RaciLetter.RESPONSIBLE: 3,
    RaciLetter.CONSULTED: 2,
    RaciLetter.INFORMED: 1,
}


def export_raci(project: Project) -> list[dict[str, Any]]:
    roles = dict(
        Membership.objects.filter(project=project).values_list("user_id", "role"),
    )
    cells = RaciAssignment.objects.filter(project=project).select_related("stakeholder")
    people: dict[tuple[str, int], str] = {}
    rows = []
    for cell in cells.order_by("work_area", "deliverable_id", "id"):
        if cell.stakeholder is not None:
            person = ("stakeholder", cell.stakeholder.pk)
            role = ""
            label = cell.stakeholder.role.strip()
        else:
            person = ("member", cell.user_id or 0)
            role = roles.get(cell.user_id or 0, "")
            label = ""
        key = people.setdefault(person, f"p{len(people) + 1}")
        rows.append(
            {
                "work_area": cell.work_area,
                "deliverable": f"d{cell.deliverable_id}" if cell.deliverable_id else None,
                "letter": cell.letter,
                "person": key,
                "member_role": role,
                "label": label,
            }
        )
    return rows


def _label(cell: dict[str, Any], number: int) -> str:
    role = text(cell, "member_role")
    if role:
        return str(Role(role).label) if role in Role.values else role
    return text(cell, "label").strip() or _("Stakeholder %(number)d") % {"number": number}


def import_raci(project: Project, data: object, context: ShiftContext) -> None:
    from stakeholders.services.register import raci_assign, stakeholder_create

    deliverables = context.created.get("deliverables", {})
    stand_ins: dict[str, Stakeholder] = {}
    names: set[str] = set()
    # (row, person) -> letter, the strongest of the cells that fall together.
    letters: dict[tuple[tuple[str, str | None], str], str] = {}
    for cell in items(data):
        letter = text(cell, "letter")
        if letter not in _STRENGTH:
            raise InvalidPlan()
        row = (text(cell, "work_area"), cell.get("deliverable"))
        if row[1] is not None and row[1] not in deliverables:
            raise InvalidPlan()
        person = "pm" if cell.get("member_role") == Role.PM else text(cell, "person")
        if person != "pm" and person not in stand_ins:
            name = base = _label(cell, len(stand_ins) + 1)
            count = 1
            while name in names:
                count += 1
                name = f"{base} {count}"
            names.add(name)
            stand_ins[person] = stakeholder_create(
                actor=context.actor, project=project, name=name, role=base
            )
        previous = letters.get((row, person))
        if previous is None or _STRENGTH[letter] > _STRENGTH[previous]:
            letters[(row, person)] = letter
    # Each row's A first: raci_assign wants the row to have its A before the other letters.
    for (row, person), letter in sorted(
        letters.items(), key=lambda entry: entry[1] != RaciLetter.ACCOUNTABLE
    ):
        work_area, deliverable_key = row
        raci_assign(
            actor=context.actor,
            project=project,
            letter=letter,
            work_area=work_area,
            deliverable=deliverables[deliverable_key] if deliverable_key else None,
            stakeholder=stand_ins.get(person),
            user=context.actor if person == "pm" else None,
        )


def register() -> None:
    from projects.copying import register_plan_part

    register_plan_part("raci", export_raci, import_raci)
