"""The conformance coverage check: every IDL op needs a scenario step."""
import os
import sys

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
import run as conformance  # noqa: E402

SURFACE = os.path.join(ROOT, "gen", "surface.json")


def test_committed_scenarios_cover_every_op():
    assert conformance.coverage_errors(conformance.load_scenarios(), SURFACE) == []


def test_an_op_without_a_scenario_fails():
    scenarios = conformance.load_scenarios()
    for sc in scenarios:
        sc["steps"] = [st for st in sc["steps"] if st["op"] != "skills.star"]
    assert conformance.coverage_errors(scenarios, SURFACE) == [
        "op skills.star has no conformance scenario"]


def test_a_step_for_an_unknown_op_fails():
    scenarios = conformance.load_scenarios()
    scenarios[0]["steps"].append({"op": "bots.restart"})
    assert "scenario step calls bots.restart, which is not an op of the IDL" in \
        conformance.coverage_errors(scenarios, SURFACE)
