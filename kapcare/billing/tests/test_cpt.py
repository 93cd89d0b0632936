"""Table tests of the CPT proposal and of the check of a clinician's codes."""

import pytest

from kapcare.billing.cpt import CptProposal, check_codes, propose_cpt, psychotherapy_code


@pytest.mark.parametrize(
    ("minutes", "code"),
    [
        (0, None),
        (15, None),
        (16, "90832"),
        (37, "90832"),
        (38, "90834"),
        (52, "90834"),
        (53, "90837"),
        (60, "90837"),
        (180, "90837"),
    ],
)
def test_psychotherapy_code_by_minutes(minutes: int, code: str | None) -> None:
    assert psychotherapy_code(minutes) == code


def test_negative_minutes_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        psychotherapy_code(-1)


@pytest.mark.parametrize(
    ("kind", "minutes", "complexity", "codes"),
    [
        ("consultation", 90, False, ("90791",)),
        ("consultation", 10, False, ("90791",)),
        ("consultation", None, True, ("90791", "90785")),
        ("preparation", 50, False, ("90834",)),
        ("preparation", 55, True, ("90837", "90785")),
        ("integration", 53, False, ("90837",)),
        ("integration", 30, False, ("90832",)),
        ("therapy", 38, False, ("90834",)),
        ("therapy", 15, True, ()),
        ("therapy", None, False, ()),
        ("medicine", 180, False, ()),
        ("medicine", 180, True, ()),
    ],
)
def test_proposal_by_kind_minutes_and_complexity(
    kind: str, minutes: int | None, complexity: bool, codes: tuple[str, ...]
) -> None:
    proposal = propose_cpt(kind, minutes, interactive_complexity=complexity)
    assert proposal.codes == codes
    assert proposal.explanation
    assert all(line.units == 1 for line in proposal.lines)


def test_medicine_session_explains_the_monitoring_codes() -> None:
    assert "0820T" in propose_cpt("medicine", 120).explanation


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="group"):
        propose_cpt("group", 60)


PROPOSAL_90834 = CptProposal(lines=propose_cpt("therapy", 45).lines, explanation="")


@pytest.mark.parametrize(
    ("chosen", "reason", "fields"),
    [
        (["90834"], "", []),
        (["90837"], "", ["cpt_reason"]),
        (["90837"], "Session ran to 55 minutes; the booking was shorter.", []),
        ([], "No billable service: client left after 10 minutes.", []),
        ([], "", ["cpt_reason"]),
        (["99999"], "x", ["cpt_codes"]),
        (["90834", "90834"], "", ["cpt_codes", "cpt_reason"]),
        (["90785"], "x", ["cpt_codes"]),
        (["90834", "90785"], "interpreter present", []),
        (["90839", "90840"], "crisis", []),
        (["90834", "90840"], "crisis", ["cpt_codes"]),
        (["90839", "90785"], "crisis", ["cpt_codes"]),
        (["90834", "90837"], "x", ["cpt_codes"]),
        (["90791", "90834"], "x", ["cpt_codes"]),
    ],
)
def test_check_codes(chosen: list[str], reason: str, fields: list[str]) -> None:
    assert [f for f, _ in check_codes(chosen, PROPOSAL_90834, reason)] == fields


def test_order_of_codes_does_not_count_as_a_change() -> None:
    proposal = propose_cpt("therapy", 45, interactive_complexity=True)
    assert check_codes(["90785", "90834"], proposal, "") == []
