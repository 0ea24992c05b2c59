"""The dashboard's figure cells, written by a tag, read as the templates wrote them."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from feedback.templatetags.satisfaction import figures_cells, score

# The cells as the dashboard's included templates wrote them (line breaks aside).
TEMPLATE = Template(
    "{% load formatting %}"
    '<td class="text-end" data-col="nps">{% if row.nps is None %}'
    '<span class="text-body-secondary">–</span>{% else %}{{ row.nps }}{% endif %}</td>\n'
    '<td class="text-end small text-body-secondary">'
    "{{ row.promoters }} / {{ row.passives }} / {{ row.detractors }}</td>\n"
    '<td class="text-end" data-col="csat">{% if row.csat is None %}'
    '<span class="text-body-secondary">–</span>{% else %}{{ row.csat }}{% endif %}'
    '{% if row.csat_mean is not None %} <span class="small text-body-secondary">'
    "({{ row.csat_mean }})</span>{% endif %}</td>\n"
    '<td class="text-end" data-col="rate">{% if row.response_rate is None %}'
    '<span class="text-body-secondary">–</span>{% else %}{{ row.response_rate|percent:1 }}'
    '{% endif %} <span class="small text-body-secondary">{{ row.answered }}/{{ row.invited }}'
    "</span></td>\n"
    '<td class="text-end">{{ row.responses }}</td>\n'
)

ROWS = [
    {
        "nps": 25.0,
        "promoters": 4,
        "passives": 2,
        "detractors": 2,
        "csat": 57.1,
        "csat_mean": 3.43,
        "response_rate": 80.0,
        "answered": 8,
        "invited": 10,
        "responses": 1234,
    },
    {
        "nps": None,
        "promoters": 0,
        "passives": 0,
        "detractors": 0,
        "csat": None,
        "csat_mean": None,
        "response_rate": None,
        "answered": 0,
        "invited": 0,
        "responses": 0,
    },
    {
        "nps": -12.5,
        "promoters": 1,
        "passives": 0,
        "detractors": 3,
        "csat": 100.0,
        "csat_mean": 5.0,
        "response_rate": 33.3,
        "answered": 1,
        "invited": 3,
        "responses": 4,
    },
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("row", ROWS)
def test_the_cells_are_those_the_templates_wrote(row, language):
    with translation.override(language):
        assert figures_cells(row) == TEMPLATE.render(Context({"row": row}))


def test_a_missing_score_is_a_muted_dash_and_a_score_is_escaped_text():
    assert score(None) == '<span class="text-body-secondary">–</span>'
    assert score(25.0) == "25.0"
    assert score("<b>") == "&lt;b&gt;"


# The dashboard's loops over its three tables, as they were before figures_rows wrote them.
LOOPS = {
    "client": Template(
        '{% load satisfaction %}{% for row in rows %}<tr data-testid="client-row"><td><a '
        "href=\"?{% for key, value in query.items %}{% if key != 'client' %}{{ key }}="
        '{{ value|urlencode }}&amp;{% endif %}{% endfor %}client={{ row.client_id }}">'
        "{{ row.campaign__project__client__name }}</a></td>{% figures_cells row %}</tr>"
        "{% endfor %}"
    ),
    "project": Template(
        '{% load satisfaction %}{% for row in rows %}<tr data-testid="project-row"><td><a '
        "href=\"{% url 'feedback:project_responses' row.campaign__project_id %}\">"
        '{{ row.campaign__project__name }}</a><div class="small text-body-secondary">'
        "{{ row.campaign__project__client__name }}</div></td>{% figures_cells row %}</tr>"
        "{% endfor %}"
    ),
    "pm": Template(
        '{% load satisfaction %}{% for row in rows %}<tr data-testid="pm-row"><td>'
        "{{ row.campaign__project__memberships__user__display_name }}</td>"
        "{% figures_cells row %}</tr>{% endfor %}"
    ),
}

NAMED = [
    {
        **row,
        "client_id": 7 + number,
        "campaign__project_id": 1530 + number,
        "campaign__project__name": f'Portal <"{number}"> & more',
        "campaign__project__client__name": f"客户 & Co <{number}>",
        "campaign__project__memberships__user__display_name": f"Ann O'Neil <{number}>",
    }
    for number, row in enumerate(ROWS)
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("kind", ["client", "project", "pm"])
@pytest.mark.parametrize(
    "query",
    [{}, {"client": "7", "pm": "12", "from": "2027-01-01", "q": 'a b&c<"d">/é'}],
)
def test_the_rows_are_those_the_loops_wrote(kind, query, language):
    from feedback.templatetags.satisfaction import figures_rows

    with translation.override(language):
        written = figures_rows(NAMED, kind, query)
        assert written == LOOPS[kind].render(Context({"rows": NAMED, "query": query}))
    assert written.count(f'data-testid="{kind}-row"') == len(NAMED)
    assert '<"' not in written
    assert figures_rows([], kind, query) == ""
