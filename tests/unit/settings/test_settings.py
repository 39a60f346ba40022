"""settings.py: every ANTHOLOGY_* switch read in one place, the flags over the environment, all in --help."""

from __future__ import annotations

import re

import pytest

from anthology import settings
from book_helpers import REPO, copy_fixture, run_cli


def test_the_environment_is_read_one_way():
    found = settings.from_environment({"ANTHOLOGY_JOBS": "3", "ANTHOLOGY_CACHE": "OFF", "ANTHOLOGY_CACHE_MB": "12.5",
                                       "ANTHOLOGY_DEBUG": "1", "ANTHOLOGY_UNITS": "no", "ANTHOLOGY_TRACE_UNITS": "1",
                                       "ANTHOLOGY_ACE": "off", "ANTHOLOGY_WEASY_OFF": "pngdata, Parsed"})
    assert found == settings.Settings(jobs=3, cache=False, cache_mb=12.5, debug=True, units=False,
                                      trace_units=True, ace="off", weasy_off=frozenset({"pngdata", "parsed"}))


def test_values_not_understood_are_the_defaults():
    assert settings.from_environment({"ANTHOLOGY_JOBS": "0", "ANTHOLOGY_CACHE_MB": "lots"}) == settings.Settings()
    assert settings.from_environment({"ANTHOLOGY_JOBS": "-2", "ANTHOLOGY_CACHE": "yes"}).jobs is None


def test_a_flag_wins_over_its_variable():
    class Args:
        jobs, no_cache, debug = 2, True, True

    found = settings.read(Args(), {"ANTHOLOGY_JOBS": "7", "ANTHOLOGY_CACHE": "on"})
    assert (found.jobs, found.cache, found.debug) == (2, False, True)
    assert settings.read(None, {"ANTHOLOGY_JOBS": "7"}).jobs == 7


def test_the_settings_in_use_are_current_only_inside_the_block(monkeypatch):
    monkeypatch.setenv("ANTHOLOGY_JOBS", "5")
    with settings.using(settings.Settings(jobs=1)):
        assert settings.current().jobs == 1
    assert settings.current().jobs == 5


def test_every_switch_the_package_reads_is_in_help_and_in_the_reference(capsys):
    """A new ANTHOLOGY_* variable must be declared in settings.SWITCHES, which --help and the docs list."""
    used = set()
    for path in (REPO / "anthology").rglob("*.py"):
        used |= set(re.findall(r"ANTHOLOGY_[A-Z_]+", path.read_text(encoding="utf-8")))
    declared = {switch.variable for switch in settings.SWITCHES}
    assert used <= declared | {"ANTHOLOGY_"}, used - declared
    run_cli("--help")
    main_help = capsys.readouterr().out
    run_cli("build", "--help")
    build_help = capsys.readouterr().out
    reference = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    for switch in settings.SWITCHES:
        assert switch.variable in main_help and switch.variable in reference
        if switch.flag:
            assert switch.flag in build_help and switch.flag in reference


def test_no_cache_leaves_the_cache_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    manifest = copy_fixture("minimal", tmp_path / "book")
    assert run_cli("check", manifest, "--no-cache").code == 0
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.json"))
    assert run_cli("check", manifest).code == 0
    assert any(p.is_file() for p in (tmp_path / "cache").rglob("*"))


def test_debug_shows_the_traceback_of_an_internal_error(tmp_path, monkeypatch):
    from anthology import build

    def broken(manifest):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(build, "check", broken)
    monkeypatch.setattr(build, "checked_before", lambda manifest: None)
    manifest = copy_fixture("minimal", tmp_path / "book")
    run = run_cli("check", manifest)
    assert run.code == 3 and "simulated bug" in run.err and "--debug" in run.err
    with pytest.raises(RuntimeError, match="simulated bug"):
        run_cli("check", manifest, "--debug")


def test_jobs_must_be_a_positive_number(tmp_path, capsys):
    manifest = copy_fixture("minimal", tmp_path / "book")
    run = run_cli("build", manifest, "--jobs", "0")
    assert run.code == 2 and "invalid number of jobs '0'" in capsys.readouterr().err
