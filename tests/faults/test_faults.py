"""A short round of the fault-injection harness (`scripts/faults` runs hundreds): SIGKILL during
creation, migration, import and rating; every acknowledged rating survives, the file stays sound,
the next command works."""

from __future__ import annotations

import pytest

from .harness import SCENARIOS, run


@pytest.mark.slow
def test_killed_at_random_points_nothing_acknowledged_is_lost_and_the_next_command_works():
    outcomes = run(len(SCENARIOS) * 2, seed=26)
    assert {o.scenario for o in outcomes} == set(SCENARIOS)
    assert [o.problem for o in outcomes if o.problem] == []
    assert sum(o.acked for o in outcomes) > 0  # the rating scenario did rate, and was checked
