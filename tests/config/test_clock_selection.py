"""Which tests run with the clock moved forward: those whose data can age (tests/clock.py)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import tests.conftest
from tests.clock import TESTS, has_fixed_dates


def module(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        "DUE = date(2030, 1, 7)\n",
        "AT = datetime(2030, 1, 7, 9, tzinfo=UTC)\n",
        'URL = "/reports/?day=2030-01-07"\n',
        "PERIOD = '2031Q2'\n",
        'call_command("seed_demo")\n',
    ],
)
def test_a_module_that_writes_a_date_out_can_age(tmp_path, text):
    assert has_fixed_dates(module(tmp_path, "test_a.py", text))


def test_a_module_whose_dates_come_from_the_clock_cannot(tmp_path):
    text = "due = timezone.localdate() + timedelta(days=3)\nyear = 2030 - 1\n"
    assert not has_fixed_dates(module(tmp_path, "test_b.py", text))


def test_a_helper_or_conftest_that_writes_a_date_out_makes_its_modules_age(tmp_path):
    assert has_fixed_dates(module(tmp_path, "test_c.py", "from tests.scorecards.world import x\n"))
    assert not has_fixed_dates(
        module(tmp_path, "test_d.py", "from tests.factories import UserFactory\n")
    )
    folder = tmp_path / "dated"
    folder.mkdir()
    module(folder, "conftest.py", 'START = "2030-01-07"\n')
    assert has_fixed_dates(module(folder, "test_e.py", "def test(): pass\n"))


def test_the_shared_conftest_does_not_make_every_module_age():
    assert not has_fixed_dates(TESTS / "conftest.py")
    assert not has_fixed_dates(TESTS / "forms" / "test_long_select.py")
    assert has_fixed_dates(TESTS / "scorecards" / "test_queries.py")


def test_with_the_clock_moved_only_the_ageing_modules_are_collected(monkeypatch):
    ageing, timeless = (
        TESTS / "scorecards" / "test_queries.py",
        TESTS / "forms" / "test_long_select.py",
    )
    items = [SimpleNamespace(path=ageing), SimpleNamespace(path=timeless)]
    left: list = []
    config = SimpleNamespace(
        hook=SimpleNamespace(pytest_deselected=lambda items: left.extend(items))
    )

    monkeypatch.setattr(tests.conftest, "OFFSET_DAYS", 0)
    tests.conftest.pytest_collection_modifyitems(config, items)
    assert [item.path for item in items] == [ageing, timeless]

    monkeypatch.setattr(tests.conftest, "OFFSET_DAYS", 366)
    tests.conftest.pytest_collection_modifyitems(config, items)
    assert [item.path for item in items] == [ageing]
    assert [item.path for item in left] == [timeless]
