"""The PM's import of milestones, tasks, requirements and risks from CSV or Excel: a dry run that
shows every row's errors, and an import that writes every row or none."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from integrations import import_reading, imports
from integrations.imports import import_file
from projects.closure import ProjectClosed, closed_project_writes_allowed
from projects.models import Membership, Milestone, Phase, Task, TaskDependency
from projects.services.milestones import milestone_create
from risks.models import Risk
from stakeholders.models import Requirement
from tests.helpers import count_queries, logged_in

pytestmark = pytest.mark.django_db

SOON = (timezone.localdate() + timedelta(days=30)).isoformat()
LATER = (timezone.localdate() + timedelta(days=60)).isoformat()


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8-sig") -> bytes:
    return "\n".join(delimiter.join(cells) for cells in rows).encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "items.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def count_of(kind: str, project) -> int:
    model = {
        "milestones": Milestone,
        "tasks": Task,
        "requirements": Requirement,
        "risks": Risk,
    }[kind]
    return model.objects.filter(project=project).count()


def rows_of(kind: str, pm) -> list[list[str]]:
    """A header and two good rows of each kind."""
    return {
        "milestones": [
            ["name", "due_date", "description", "visibility"],
            ["Pilot", SOON, "First site", "client"],
            ["Go-live", LATER, "", "Internal"],
        ],
        "tasks": [
            ["name", "due_date", "start_date", "assignee", "estimate_hours", "status"],
            ["Design", SOON, SOON, pm.email, "12.5", "todo"],
            ["Build", LATER, SOON, "", "", "In progress"],
        ],
        "requirements": [
            ["title", "priority", "description", "visibility"],
            ["Export figures", "must", "Monthly", "client"],
            ["Single sign-on", "Could have", "", ""],
        ],
        "risks": [
            ["title", "category", "probability", "impact", "owner", "strategy", "next_review_date"],
            ["Supplier late", "schedule", "3", "4", pm.email, "mitigate", SOON],
            ["Key person leaves", "Resource", "", "", "", "", ""],
        ],
    }[kind]


KINDS = ["milestones", "tasks", "requirements", "risks"]


def run(actor, project, kind: str, content: bytes, *, dry_run: bool = False):
    return import_file(
        actor=actor, project=project, kind=kind, content=content, filename="", dry_run=dry_run
    )


# --- The service ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_csv_file_of_each_kind_is_checked_then_imported(pm, project, kind):
    content = csv_bytes(rows_of(kind, pm))

    checked = run(pm, project, kind, content, dry_run=True)
    assert [row.errors for row in checked.rows] == [[], []]
    assert checked.written is False
    assert count_of(kind, project) == 0

    done = run(pm, project, kind, content)
    assert done.written is True
    assert count_of(kind, project) == 2
    assert all(row.created_id for row in done.rows)


@pytest.mark.parametrize("kind", KINDS)
def test_an_excel_file_of_each_kind_imports_with_real_dates_and_numbers(pm, project, kind):
    rows: list[list[object]] = [list(cells) for cells in rows_of(kind, pm)]
    for cells in rows[1:]:
        for index, value in enumerate(cells):
            if value in (SOON, LATER):
                cells[index] = datetime.fromisoformat(value)  # an Excel date cell
            elif value.isdigit():
                cells[index] = int(value)
    done = run(pm, project, kind, xlsx_bytes(rows))
    assert [row.errors for row in done.rows] == [[], []]
    assert count_of(kind, project) == 2


def test_imported_values_are_those_of_the_file(pm, project):
    milestone = milestone_create(actor=pm, project=project, name="Pilot", due_date=date(2031, 1, 6))
    content = xlsx_bytes(
        [
            ["name", "milestone", "assignee", "start_date", "due_date", "estimate_hours"],
            [
                "Design",
                "pilot",
                pm.email.upper(),
                datetime.fromisoformat("2031-01-02"),
                "2031-01-05",
                7.5,
            ],
        ]
    )
    run(pm, project, "tasks", content)
    task = Task.objects.get(project=project)
    assert (task.name, task.milestone, task.assignee) == ("Design", milestone, pm)
    assert (task.start_date, task.due_date) == (date(2031, 1, 2), date(2031, 1, 5))
    assert str(task.estimate_hours) == "7.50"
    assert task.visibility == "internal"


def test_one_bad_row_writes_nothing_and_names_its_row_and_column(pm, project):
    content = csv_bytes(
        [
            ["name", "due_date"],
            ["Pilot", SOON],
            ["Go-live", "31/03/2031"],
            ["Handover", LATER],
        ]
    )
    report = run(pm, project, "milestones", content)
    assert report.written is False
    assert [(row.number, [(e.column, e.message) for e in row.errors]) for row in report.rows] == [
        (2, []),
        (3, [("due_date", "Enter a date as YYYY-MM-DD, such as 2027-03-31.")]),
        (4, []),
    ]
    assert all(row.created_id is None for row in report.rows)
    assert not Milestone.objects.filter(project=project).exists()


def test_a_services_refusal_is_reported_on_its_column(pm, project):
    content = csv_bytes(
        [["name", "start_date", "due_date"], ["Design", LATER, SOON], ["Build", SOON, LATER]]
    )
    report = run(pm, project, "tasks", content)
    assert [(e.column, e.message) for e in report.rows[0].errors] == [
        ("due_date", "The due date cannot be before the start.")
    ]
    assert report.rows[1].errors == []
    assert not Task.objects.filter(project=project).exists()


def test_every_error_of_every_row_is_reported(pm, project, rep):
    content = csv_bytes(
        [
            ["title", "category", "probability", "owner", "visibility"],
            ["", "weather", "9", "nobody@example.test", "secret"],
        ]
    )
    report = run(pm, project, "risks", content, dry_run=True)
    assert [error.column for error in report.rows[0].errors] == [
        "title",
        "category",
        "probability",
        "owner",
        "visibility",
    ]


def test_a_row_longer_than_the_header_is_reported(pm, project):
    content = csv_bytes([["name", "due_date"], ["Pilot", SOON, "a note"]])
    report = run(pm, project, "milestones", content)
    assert [(e.column, e.header, e.message) for e in report.rows[0].errors] == [
        ("", "", "This row has more cells than the header names columns.")
    ]
    assert not Milestone.objects.filter(project=project).exists()


def test_predecessors_name_rows_of_the_same_file(pm, project):
    content = csv_bytes(
        [
            ["name", "predecessors"],
            ["Design", ""],
            ["Build", "2"],
            ["Test", "2; 3"],
        ]
    )
    run(pm, project, "tasks", content)
    links = set(
        TaskDependency.objects.filter(successor__project=project).values_list(
            "predecessor__name", "successor__name"
        )
    )
    assert links == {("Design", "Build"), ("Design", "Test"), ("Build", "Test")}


def test_a_cycle_of_predecessors_writes_nothing(pm, project):
    content = csv_bytes([["name", "predecessors"], ["Design", "3"], ["Build", "2"], ["Test", "9"]])
    report = run(pm, project, "tasks", content)
    assert report.rows[2].errors[0].message == "Row 9 holds no task in this file."
    assert [row.number for row in report.failed_rows] == [3, 4]
    assert "→" in report.rows[1].errors[0].message
    assert not Task.objects.filter(project=project).exists()


def test_chinese_headers_and_choice_labels_are_accepted(pm, project):
    content = csv_bytes(
        [
            ["名称", "截止日期", "状态", "可见性"],
            ["设计评审", SOON, "进行中", "客户可见"],
        ],
        encoding="gb18030",
    )
    report = run(pm, project, "tasks", content)
    assert report.written, report.rows[0].errors
    task = Task.objects.get(project=project)
    assert (task.name, task.status, task.visibility) == ("设计评审", "in_progress", "client")


def test_semicolons_and_a_byte_order_mark_are_read(pm, project):
    content = csv_bytes([["Name", "Due date"], ["Pilot", SOON]], delimiter=";")
    assert content.startswith("\ufeff".encode())
    report = run(pm, project, "milestones", content)
    assert report.written


def test_formula_looking_text_is_kept_as_text(pm, project):
    formula = '=HYPERLINK("http://evil.test","Click")'
    content = csv_bytes(
        [["title", "description"], [f'"{formula.replace(chr(34), 2 * chr(34))}"', "+1+2"]]
    )
    run(pm, project, "requirements", content)
    requirement = Requirement.objects.get(project=project)
    assert (requirement.title, requirement.description) == (formula, "+1+2")


def test_unknown_missing_and_repeated_columns_refuse_the_file(pm, project):
    content = csv_bytes([["due_date", "colour", "description", "描述"], [SOON, "red", "", ""]])
    with pytest.raises(imports.InvalidInput) as refused:
        run(pm, project, "milestones", content, dry_run=True)
    message = str(refused.value.message)
    assert refused.value.field == "file"
    assert "Unknown columns: colour." in message
    assert "Columns given twice: 描述." in message
    assert "Required columns missing: name." in message


def test_a_file_over_the_limits_is_refused(pm, project, monkeypatch):
    monkeypatch.setattr(import_reading, "MAX_ROWS", 2)
    rows = [["name", "due_date"]] + [[f"M{number}", SOON] for number in range(3)]
    with pytest.raises(imports.InvalidInput, match="more than 2 rows"):
        run(pm, project, "milestones", csv_bytes(rows), dry_run=True)
    too_big = b"name,due_date\n" + b"x" * import_reading.MAX_BYTES
    with pytest.raises(imports.InvalidInput, match="larger than 2 MB"):
        run(pm, project, "milestones", too_big, dry_run=True)
    with pytest.raises(imports.InvalidInput, match="Excel workbook"):
        run(pm, project, "milestones", b"PK\x03\x04junk", dry_run=True)


def test_only_the_pm_imports_and_not_into_a_closed_project(pm, teammate, am, project):
    content = csv_bytes(rows_of("milestones", pm))
    for person in (teammate, am):
        with pytest.raises(imports.NotAllowed):
            run(person, project, "milestones", content, dry_run=True)
    close(project)
    with pytest.raises(ProjectClosed):
        run(pm, project, "milestones", content)
    assert not Milestone.objects.filter(project=project).exists()


def close(project) -> None:
    with closed_project_writes_allowed():
        project.phase = Phase.CLOSED
        project.save(update_fields=["phase", "updated_at"])


# --- The pages --------------------------------------------------------------------------------


def page(name: str, project, **kwargs) -> str:
    return reverse(f"integrations:{name}", kwargs={"project_id": project.pk, **kwargs})


def test_the_page_previews_then_imports_every_row(pm, project):
    client = logged_in(pm)
    assert client.get(page("import", project)).status_code == 200
    content = csv_bytes(rows_of("tasks", pm))

    preview = client.post(
        page("import_preview", project), {"kind": "tasks", "file": upload(content)}
    )
    assert preview.status_code == 200
    assert "Import 2 rows" in preview.content.decode()
    assert not Task.objects.filter(project=project).exists()

    token = preview.context["confirm_form"].initial["preview"]
    done = client.post(page("import_confirm", project), {"preview": token})
    assert done.status_code == 302
    assert done["Location"] == reverse("projects:tasks", kwargs={"project_id": project.pk})
    assert sorted(Task.objects.filter(project=project).values_list("name", flat=True)) == [
        "Build",
        "Design",
    ]
    # The same preview cannot be imported twice.
    client.post(page("import_confirm", project), {"preview": token})
    assert Task.objects.filter(project=project).count() == 2


def test_the_preview_of_a_file_with_a_bad_row_names_it_and_offers_no_import(pm, project):
    content = csv_bytes([["name", "due_date"], ["Pilot", SOON], ["Go-live", "next week"]])
    response = logged_in(pm).post(
        page("import_preview", project), {"kind": "milestones", "file": upload(content)}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Row 3, due_date: Enter a date as YYYY-MM-DD" in text
    assert "1 of 2 rows has errors" in text
    assert 'data-testid="import-confirm"' not in text
    assert not Milestone.objects.filter(project=project).exists()


def test_a_change_since_the_preview_writes_nothing_and_shows_the_new_preview(pm, teammate, project):
    client = logged_in(pm)
    content = csv_bytes([["name", "assignee"], ["Design", teammate.email], ["Build", pm.email]])
    preview = client.post(
        page("import_preview", project), {"kind": "tasks", "file": upload(content)}
    )
    assert preview.status_code == 200
    Membership.objects.filter(project=project, user=teammate).delete()

    response = client.post(
        page("import_confirm", project),
        {"preview": preview.context["confirm_form"].initial["preview"]},
    )
    assert response.status_code == 400
    assert "Row 2, assignee: No member of this project" in response.content.decode()
    assert not Task.objects.filter(project=project).exists()


def test_a_tampered_or_foreign_preview_imports_nothing(pm, project):
    client = logged_in(pm)
    client.post(
        page("import_preview", project),
        {"kind": "milestones", "file": upload(csv_bytes(rows_of("milestones", pm)))},
    )
    response = client.post(page("import_confirm", project), {"preview": "forged:token"})
    assert response.status_code == 302
    assert response["Location"] == page("import", project)
    assert not Milestone.objects.filter(project=project).exists()


def test_a_preview_older_than_an_hour_is_not_imported(pm, project):
    client = logged_in(pm)
    content = csv_bytes(rows_of("milestones", pm))
    preview = client.post(
        page("import_preview", project), {"kind": "milestones", "file": upload(content)}
    )
    token = preview.context["confirm_form"].initial["preview"]
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.post(page("import_confirm", project), {"preview": token})
    assert response.status_code == 302
    assert response["Location"] == page("import", project)
    assert not Milestone.objects.filter(project=project).exists()


def test_a_chinese_pm_sees_the_page_and_errors_in_chinese(pm, project):
    pm.language = "zh-hans"
    pm.save(update_fields=["language"])
    client = logged_in(pm)
    content = csv_bytes([["名称", "开始日期", "截止日期"], ["设计", LATER, SOON]])
    response = client.post(
        page("import_preview", project), {"kind": "tasks", "file": upload(content)}
    )
    assert response.status_code == 400
    assert "截止日期不能早于开始日期。" in response.content.decode()
    template = client.get(page("import_template", project, kind="tasks", extension="csv"))
    assert template.content.decode("utf-8-sig").startswith("名称,描述,里程碑")


@pytest.mark.parametrize(
    ("person", "expected"),
    [("am", 403), ("teammate", 403), ("outsider", 404), ("rep", "/portal/"), ("staff_admin", 403)],
)
def test_only_the_pm_opens_the_import(request, project, person, expected):
    user = request.getfixturevalue(person)
    client = logged_in(user)
    content = csv_bytes([["name", "due_date"], ["Pilot", SOON]])
    for response in (
        client.get(page("import", project)),
        client.get(page("import_template", project, kind="tasks", extension="xlsx")),
        client.post(
            page("import_preview", project), {"kind": "milestones", "file": upload(content)}
        ),
    ):
        if isinstance(expected, int):
            assert response.status_code == expected
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(expected)
    assert not Milestone.objects.filter(project=project).exists()


def test_a_closed_project_refuses_the_import(pm, project):
    client = logged_in(pm)
    close(project)
    assert 'data-testid="import-closed"' in client.get(page("import", project)).content.decode()
    content = csv_bytes(rows_of("milestones", pm))
    response = client.post(
        page("import_preview", project), {"kind": "milestones", "file": upload(content)}
    )
    assert response.status_code == 409
    api = client.post(
        f"/api/v1/projects/{project.pk}/imports/",
        {"kind": "milestones", "file": upload(content), "dry_run": "false"},
    )
    assert api.status_code == 409
    assert not Milestone.objects.filter(project=project).exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_template_imports_as_it_is(pm, project, kind, extension, language):
    milestone_create(actor=pm, project=project, name="Pilot", due_date=date(2031, 1, 6))
    pm.language = language
    pm.save(update_fields=["language"])
    client = logged_in(pm)
    template = client.get(page("import_template", project, kind=kind, extension=extension))
    assert template.status_code == 200
    response = client.post(
        f"/api/v1/projects/{project.pk}/imports/",
        {
            "kind": kind,
            "file": upload(template.content, f"template.{extension}"),
            "dry_run": "false",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["error_count"] == 0
    assert count_of(kind, project) == (2 if kind == "milestones" else 1)


def test_the_excel_template_describes_each_column(pm, project):
    response = logged_in(pm).get(page("import_template", project, kind="risks", extension="xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    columns = workbook.worksheets[1]
    keys = [row[0] for row in columns.iter_rows(min_row=2, max_row=15, values_only=True)]
    assert keys[:3] == ["title", "description", "category"]
    assert isinstance(workbook.worksheets[0]["M2"].value, datetime)  # next_review_date


# --- The API ----------------------------------------------------------------------------------


def api_post(user, project, kind: str, content: bytes, *, dry_run: bool, name: str = "a.csv"):
    return logged_in(user).post(
        f"/api/v1/projects/{project.pk}/imports/",
        {"kind": kind, "file": upload(content, name), "dry_run": "true" if dry_run else "false"},
    )


def test_the_api_dry_run_answers_every_row_and_writes_nothing(pm, project):
    content = csv_bytes([["name", "due_date"], ["Pilot", SOON], ["Go-live", "soon"]])
    response = api_post(pm, project, "milestones", content, dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert (body["row_count"], body["error_count"], body["written"]) == (2, 1, False)
    assert body["rows"][1]["row"] == 3
    assert body["rows"][1]["values"] == {"name": "Go-live", "due_date": "soon"}
    assert body["rows"][1]["errors"] == [
        {
            "column": "due_date",
            "header": "due_date",
            "message": "Enter a date as YYYY-MM-DD, such as 2027-03-31.",
        }
    ]
    assert not Milestone.objects.filter(project=project).exists()


def test_the_api_import_writes_every_row_or_answers_400_with_nothing_written(pm, project):
    bad = csv_bytes([["title", "priority"], ["Export", "must"], ["SSO", "urgent"]])
    refused = api_post(pm, project, "requirements", bad, dry_run=False)
    assert refused.status_code == 400
    assert refused.json()["rows"][1]["errors"][0]["column"] == "priority"
    assert not Requirement.objects.filter(project=project).exists()

    good = csv_bytes([["title", "priority"], ["Export", "must"], ["SSO", "could"]])
    done = api_post(pm, project, "requirements", good, dry_run=False)
    assert done.status_code == 201
    ids = [row["id"] for row in done.json()["rows"]]
    assert sorted(ids) == sorted(
        Requirement.objects.filter(project=project).values_list("pk", flat=True)
    )


def test_the_api_refuses_other_roles_and_a_bad_file(pm, teammate, outsider, project):
    content = csv_bytes(rows_of("milestones", pm))
    assert api_post(teammate, project, "milestones", content, dry_run=True).status_code == 403
    assert api_post(outsider, project, "milestones", content, dry_run=True).status_code == 404
    unreadable = api_post(pm, project, "milestones", b"\xff\xfe\x00junk\x81", dry_run=True)
    assert unreadable.status_code == 400
    assert list(unreadable.json()) == ["file", "code"]


def test_the_plan_links_the_import_for_the_pm_only(pm, teammate, project):
    plan = reverse("projects:plan", kwargs={"project_id": project.pk})
    assert page("import", project) in logged_in(pm).get(plan).content.decode()
    assert page("import", project) not in logged_in(teammate).get(plan).content.decode()


def test_the_import_page_and_a_template_read_as_many_queries_with_more_milestones(pm, project):
    client = logged_in(pm)
    urls = [
        page("import", project),
        page("import_template", project, kind="tasks", extension="xlsx"),
    ]
    milestone_create(actor=pm, project=project, name="M0", due_date=date(2031, 1, 6))
    before = [count_queries(client, url, warm=True) for url in urls]
    for number in range(1, 6):
        milestone_create(actor=pm, project=project, name=f"M{number}", due_date=date(2031, 1, 6))
    assert [count_queries(client, url, warm=True) for url in urls] == before
