"""Every hostile case of tests/hostile.py ends in clean processing or a one-line named error for its files only.

The good document beside each case is always written, the tables always
validate, nothing from outside the input folder reaches them. Cases marked
``big`` (seconds each) run under the ``big`` marker; CI runs them too.
"""

from __future__ import annotations

import pytest

from pipeline.engines import Limits
from tests.hostile import CASES, run_case

LIMITS = Limits(seconds=30, memory=2**30)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[pytest.mark.big] if c.big else [])
                                  for c in CASES])
def test_hostile_case_is_handled(case, tmp_path, toolkit):
    outcome = run_case(case, tmp_path, toolkit, LIMITS)
    assert outcome.problems == [], outcome.summary()
