"""Decontamination: a HumanEval docstring or 3 consecutive solution lines drop a document."""

from __future__ import annotations

import pytest
from maze_workshop.corpus import decontam

PROGRAM = '''from typing import List


def below_threshold_sum(values: List[int], limit: int) -> int:
    """ Return the sum of the values that are strictly below the given limit,
    ignoring the others entirely.
    >>> below_threshold_sum([1, 5, 2, 9], 5)
    3
    """
    total_below = 0
    for candidate_value in values:
        if candidate_value < limit:
            total_below += candidate_value
    return total_below
'''


@pytest.fixture()
def problems() -> decontam.Problems:
    probs = decontam.Problems()
    decontam.add_problem(probs, "999", PROGRAM)
    return probs


def test_docstring_rewrapped_and_reindented_is_found(problems: decontam.Problems) -> None:
    doc = ('class Tools:\n    def f(self, values, limit):\n'
           '        """Return the sum of the values that are strictly below the given limit,\n'
           '        ignoring the others entirely.\n        >>> below_threshold_sum([1, 5, 2, 9], 5)\n        3\n'
           '        """\n        return sum(v for v in values if v < limit)\n')
    assert decontam.contamination(doc, problems) == ("docstring", "999")


def test_three_solution_lines_are_found(problems: decontam.Problems) -> None:
    doc = ("def other(xs, lim):\n    # a comment\n    total_below = 0\n\n    for candidate_value in values:\n"
           "        if candidate_value < limit:\n            print('x')\n")
    assert decontam.contamination(doc, problems) == ("solution", "999")


def test_unrelated_code_and_two_lines_pass(problems: decontam.Problems) -> None:
    assert decontam.contamination("total_below = 0\nfor candidate_value in values:\n    pass\n", problems) is None
    assert decontam.contamination("def f(x):\n    return x + 1\n", problems) is None


def test_real_humaneval_programs_are_all_caught() -> None:
    try:
        data = decontam.find_data()
    except FileNotFoundError:
        pytest.skip("HumanEval-infilling data not here")
    probs = decontam.load_problems(data)
    programs = decontam._programs(data)
    assert probs.tasks == 164
    hits = sum(decontam.contamination(p, probs) is not None for p in programs.values())
    assert hits >= 160
