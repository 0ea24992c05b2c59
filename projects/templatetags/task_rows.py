"""{% load task_rows %}{% task_rows page.object_list project statuses team may_edit %}: the rows
of the task list (projects/tasks.html), written in Python. A page of a hundred tasks, each with
its status and assignee lists, was most of the task list's time in the template engine. The
rows are the markup of projects/_task_row.html, which still renders the one row a quick edit
sends back, value for value (tests/projects/test_task_rows.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common.markup import address_around_id, escaped
from common.templatetags.formatting import day, number, percent

register = template.Library()


def _csrf_input(context: template.Context) -> str:
    """`{% csrf_token %}`'s markup."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105  (Django's word for no token)
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(token)}">'


def _day(value: Any) -> str:
    return escaped(day(value)) or "—"


@register.simple_tag(takes_context=True)
def task_rows(
    context: template.Context,
    tasks: Iterable[Any],
    project: Any,
    statuses: Sequence[tuple[str, Any]],
    team: Sequence[tuple[int, str]],
    may_edit: bool,
) -> SafeString:
    """A row per task (task_rows_in's, marked by mark_editable), as
    `{% include "projects/_task_row.html" %}` in a loop writes them (each ends with a line
    break)."""
    edit_before, edit_after = address_around_id("projects:task_quick_edit", project.pk)
    view_before, view_after = address_around_id("projects:task", project.pk)
    # The words `{% translate %}` writes, as it writes them (not escaped: they are ours).
    status_word, assignee_word = gettext("Status"), gettext("Assignee")
    # `{% translate "% complete" %}` looks up "%% complete", then writes "%" for "%%".
    percent_word = gettext("%% complete").replace("%%", "%")
    done_by_client, clients_task = gettext("Done by the client"), gettext("Client's task")
    client_task = (
        ' <span class="badge text-bg-warning" data-testid="client-task" '
        f'title="{done_by_client}">'
        '<i class="bi bi-person-badge" aria-hidden="true"></i> '
        f"{clients_task}</span>"
    )
    visible_to_client, client, save_word = (
        gettext("Visible to client"),
        gettext("Client"),
        gettext("Save"),
    )
    visible = f' <span class="badge text-bg-info" title="{visible_to_client}">{client}</span>'
    save = (
        f"{_csrf_input(context)}"
        '<button type="submit" class="btn btn-sm btn-outline-secondary">'
        f"{save_word}</button></form>"
    )
    status_options = [(value, escaped(value), escaped(label)) for value, label in statuses]
    team_options = [(user_id, str(user_id), escaped(name)) for user_id, name in team]
    badge_class = {
        "done": "text-bg-success",
        "blocked": "text-bg-danger",
        "in_progress": "text-bg-primary",
    }
    parts: list[str] = []
    add = parts.append
    for task in tasks:
        pk = str(task.pk)
        may_update = getattr(task, "may_update", False)
        edit_url = f"{edit_before}{pk}{edit_after}"
        add(f'<tr id="task-{pk}" data-testid="task-row"')
        if may_update:
            add(
                f' hx-post="{edit_url}" hx-trigger="change" hx-include="this" '
                'hx-target="this" hx-swap="outerHTML"'
            )
        add(
            '>\n  <td class="text-body-secondary font-monospace small" data-testid="wbs">'
            f"{escaped(task.wbs)}</td>\n"
            f'  <td style="padding-left: {escaped(getattr(task, "depth", 0) or 0)}.5rem" '
            f'class="task-name"><a href="{view_before}{pk}{view_after}">{escaped(task.name)}</a>'
        )
        if task.owner_side == "client":
            add(client_task)
        elif task.visibility == "client":
            add(visible)
        if task.repeat:
            repeat = escaped(task.get_repeat_display())
            add(
                ' <i class="bi bi-arrow-repeat text-body-secondary" data-testid="task-repeats" '
                f'title="{repeat}"></i><span class="visually-hidden">{repeat}</span>'
            )
        add("\n    </td>\n  <td>")
        if may_update:
            add(
                f'\n    <label class="visually-hidden" for="task-{pk}-status">{status_word}</label>'
                f'\n    <select class="form-select form-select-sm" id="task-{pk}-status" '
                f'name="status" form="task-{pk}-form">\n      '
            )
            for value, value_text, label in status_options:
                selected = " selected" if value == task.status else ""
                add(f'<option value="{value_text}"{selected}>{label}</option>')
            add("\n    </select>\n    ")
        else:
            add(
                f'<span class="badge {badge_class.get(task.status, "text-bg-secondary")}" '
                f'data-testid="task-status">{escaped(task.get_status_display())}</span>\n'
            )
        add("</td>\n  <td>")
        if may_update:
            add(
                f'\n    <label class="visually-hidden" for="task-{pk}-percent">'
                f"{percent_word}</label>"
                '\n    <input class="form-control form-control-sm task-percent" type="number" '
                f'min="0" max="100" step="1" id="task-{pk}-percent" name="percent_complete" '
                f'value="{escaped(task.percent_complete)}" form="task-{pk}-form">\n    '
            )
        else:
            add(escaped(percent(task.percent_complete)))
        add("</td>\n  <td>")
        assignee = task.assignee
        if may_edit:
            add(
                f'\n    <label class="visually-hidden" for="task-{pk}-assignee">{assignee_word}'
                f'</label>\n    <select class="form-select form-select-sm" id="task-{pk}-assignee"'
                f' name="assignee" form="task-{pk}-form">\n      <option value="">—</option>'
                "\n      "
            )
            if getattr(task, "assignee_left", False):
                add(
                    f'<option value="{escaped(task.assignee_id)}" selected>'
                    f"{escaped(assignee.display_name)}</option>"
                )
            add("\n      ")
            for user_id, value_text, name in team_options:
                selected = " selected" if user_id == task.assignee_id else ""
                add(f'<option value="{value_text}"{selected}>{name}</option>')
            add("\n    </select>\n    ")
        else:
            add(escaped(assignee.display_name if assignee is not None else "") or "—")
        add(
            f'</td>\n  <td class="small text-nowrap">{_day(task.start_date)} – '
            f"{_day(task.due_date)}</td>\n"
            f'  <td class="small text-end">{escaped(number(task.estimate_hours))}</td>\n'
            '  <td class="text-end">'
        )
        if may_update:
            add(f'<form id="task-{pk}-form" method="post" action="{edit_url}">{save}')
        add("</td>\n</tr>\n")
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)
