"""Each built-in instrument: its data, worked examples from its scoring rules, every band edge.

The examples are built from the published scoring rules cited in each
instrument's ``source`` (no response data from the papers is reproduced).
"""

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from kapcare.measures.definitions import Instrument
from kapcare.measures.registry import builtin_instruments
from kapcare.measures.scoring import Answer, AnswerError, classify_change
from kapcare.measures.tests.helpers import spread


def instrument(code: str) -> Instrument:
    return builtin_instruments()[code]


# ---------------------------------------------------------------- the data


def test_the_shipped_instruments() -> None:
    assert {code: i.item_count for code, i in builtin_instruments().items()} == {
        "ASQ": 5,
        "DES-II": 28,
        "ECR-RS": 9,
        "GAD-7": 7,
        "ITQ": 18,
        "PCL-5": 20,
        "PHQ-9": 9,
        "SUD": 1,
        "VOC": 1,
    }


@pytest.mark.parametrize("code", sorted(builtin_instruments()))
def test_each_is_a_valid_fhir_r4_questionnaire_with_text_source_and_licence(code: str) -> None:
    found = instrument(code)
    resource = Questionnaire.model_validate(dict(found.questionnaire))
    assert resource.status == "active"
    assert resource.title == found.name
    assert all(item.text for item in found.scoring.items)
    assert len(found.source) > 40
    assert found.licence
    assert found.builtin


@pytest.mark.parametrize(
    ("code", "panel", "total", "items"),
    [
        (
            "PHQ-9",
            "44249-1",
            "44261-6",
            [
                "44250-9",
                "44255-8",
                "44259-0",
                "44254-1",
                "44251-7",
                "44258-2",
                "44252-5",
                "44253-3",
                "44260-8",
            ],
        ),
        (
            "GAD-7",
            "69737-5",
            "70274-6",
            ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"],
        ),
    ],
)
def test_loinc_codes(code: str, panel: str, total: str, items: list[str]) -> None:
    found = instrument(code)
    assert found.questionnaire["code"] == [{"system": "http://loinc.org", "code": panel}]
    assert found.scoring.total is not None
    assert found.scoring.total.coding == ("http://loinc.org", total)
    scored = [i for i in found.questionnaire["item"] if i["type"] == "choice"]
    assert [i["code"][0]["code"] for i in scored] == items
    answer_codes = [o["valueCoding"]["code"] for o in scored[0]["answerOption"]]
    assert answer_codes == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


@pytest.mark.parametrize(
    ("code", "parameters", "cutoff"),
    [("PHQ-9", (5.98, 0.89), 10.0), ("GAD-7", (4.46, 0.92), 8.0), ("PCL-5", (8.08, 0.82), 33.0)],
)
def test_reliable_change_parameters_carry_their_sources(
    code: str, parameters: tuple[float, float], cutoff: float
) -> None:
    change = instrument(code).change
    assert change is not None
    assert (change.parameters.sd, change.parameters.reliability) == parameters
    assert change.parameters.clinical_cutoff == cutoff
    assert change.sd_source.startswith("Not a published SD.")
    assert change.reliability_source
    assert change.clinical_cutoff_source


@pytest.mark.parametrize("code", ["DES-II", "ECR-RS", "ITQ", "ASQ", "SUD", "VOC"])
def test_instruments_without_reliable_change_say_why(code: str) -> None:
    assert instrument(code).change is None
    assert instrument(code).change_note


@pytest.mark.parametrize(
    ("code", "pre", "reliable_post", "unreliable_post"),
    [
        ("PHQ-9", 20, 14, 15),  # NHS Talking Therapies: 6 points
        ("GAD-7", 15, 11, 12),  # NHS Talking Therapies: 4 points
        ("PCL-5", 50, 40, 41),  # National Center for PTSD: 10 points
    ],
)
def test_reliable_change_reproduces_the_published_thresholds(
    code: str, pre: int, reliable_post: int, unreliable_post: int
) -> None:
    change = instrument(code).change
    assert change is not None
    assert classify_change(pre, reliable_post, change.parameters).reliable
    assert not classify_change(pre, unreliable_post, change.parameters).reliable
    # and the same distance upwards
    assert classify_change(reliable_post, pre, change.parameters).category == "deteriorated"
    assert classify_change(unreliable_post, pre, change.parameters).category == "unchanged"


@pytest.mark.parametrize(
    ("pre", "post", "category"),
    [(15, 9, "recovered"), (20, 12, "improved"), (8, 2, "improved"), (12, 18, "deteriorated")],
)
def test_phq9_change_categories(pre: int, post: int, category: str) -> None:
    change = instrument("PHQ-9").change
    assert change is not None
    assert classify_change(pre, post, change.parameters).category == category


# ---------------------------------------------------------------- PHQ-9


@pytest.mark.parametrize(
    ("total", "severity"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_phq9_band_edges(total: int, severity: str) -> None:
    answers = [*spread(total, 8, 3), 0]  # item 9 kept at 0
    result = instrument("PHQ-9").score(answers)
    assert (result.total, result.severity, result.flags) == (total, severity, [])


@pytest.mark.parametrize(
    ("item9", "flags"), [(0, []), (1, ["suicidality"]), (2, ["suicidality"]), (3, ["suicidality"])]
)
def test_phq9_item9_above_zero_flags_suicidality(item9: int, flags: list[str]) -> None:
    result = instrument("PHQ-9").score([0] * 8 + [item9])
    assert result.total == item9
    assert result.severity == "minimal"
    assert result.flags == flags


def test_phq9_highest() -> None:
    result = instrument("PHQ-9").score([3] * 9)
    assert (result.total, result.severity, result.flags) == (27, "severe", ["suicidality"])
    assert result.subscales == {}


# ---------------------------------------------------------------- GAD-7


@pytest.mark.parametrize(
    ("total", "severity"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_edges(total: int, severity: str) -> None:
    result = instrument("GAD-7").score(spread(total, 7, 3))
    assert (result.total, result.severity, result.flags) == (total, severity, [])


# ---------------------------------------------------------------- PCL-5

# The smallest pattern meeting the DSM-5 rule: one B, one C, two D, two E rated 2.
PCL5_MINIMAL_PTSD = {1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}


def pcl5(ratings: dict[int, int]) -> list[Answer]:
    return [ratings.get(i, 0) for i in range(1, 21)]


def test_pcl5_sums_and_clusters() -> None:
    # B 1-5, C 6-7, D 8-14, E 15-20
    ratings = {i: (i % 5) for i in range(1, 21)}
    result = instrument("PCL-5").score(pcl5(ratings))
    assert result.total == 40
    # ratings 1,2,3,4,0 | 1,2 | 3,4,0,1,2,3,4 | 0,1,2,3,4,0
    assert result.subscales == {"B": 10, "C": 3, "D": 17, "E": 10}
    assert result.severity is None
    assert result.flags == []


def test_pcl5_highest() -> None:
    result = instrument("PCL-5").score([4] * 20)
    assert result.total == 80
    assert result.subscales == {"B": 20, "C": 8, "D": 28, "E": 24}
    assert result.outcomes == {"provisional_ptsd": True, "probable_ptsd": True}


@pytest.mark.parametrize(
    ("change", "provisional"),
    [
        ({}, True),
        ({1: 1}, False),  # no B symptom rated 2 or more (1 does not count)
        ({6: 1}, False),  # no C
        ({9: 1}, False),  # only one D
        ({16: 1}, False),  # only one E
        ({1: 0, 5: 2}, True),  # any B item will do
        ({6: 0, 7: 4}, True),  # any C item will do
        ({1: 4, 6: 4, 8: 4, 9: 1}, False),  # severity of other items does not replace a count
    ],
)
def test_pcl5_provisional_ptsd_dsm5_rule(change: dict[int, int], provisional: bool) -> None:
    result = instrument("PCL-5").score(pcl5({**PCL5_MINIMAL_PTSD, **change}))
    assert result.outcomes["provisional_ptsd"] is provisional


@pytest.mark.parametrize(("total", "probable"), [(0, False), (32, False), (33, True), (80, True)])
def test_pcl5_probable_ptsd_at_33(total: int, probable: bool) -> None:
    result = instrument("PCL-5").score(spread(total, 20, 4))
    assert result.total == total
    assert result.outcomes["probable_ptsd"] is probable


# ---------------------------------------------------------------- DES-II

DES_T = (3, 5, 7, 8, 12, 13, 22, 27)


def test_des_ii_mean_and_des_t() -> None:
    answers = [100 if i in DES_T else 0 for i in range(1, 29)]
    result = instrument("DES-II").score(answers)
    assert result.total == 28.57  # 800 / 28 = 28.571…
    assert result.subscales == {"DES-T": 100.0}
    assert result.flags == []


@pytest.mark.parametrize(
    ("answer_sum", "total", "flags"),
    [
        (0, 0.0, []),
        (10, 0.36, []),  # 0.357… rounds up
        (830, 29.64, []),
        (840, 30.0, ["high_dissociation"]),  # the cut-off itself flags
        (2800, 100.0, ["high_dissociation"]),
    ],
)
def test_des_ii_high_dissociation_edge(answer_sum: int, total: float, flags: list[str]) -> None:
    answers = [10 * a for a in spread(answer_sum // 10, 28, 10)]
    result = instrument("DES-II").score(answers)
    assert (result.total, result.flags) == (total, flags)
    assert isinstance(result.total, float)


def test_des_ii_answers_are_steps_of_ten() -> None:
    with pytest.raises(AnswerError) as caught:
        instrument("DES-II").score([0] * 27 + [15])
    assert caught.value.field == "answers.27"
    assert caught.value.message == (
        "DES-II item 28 must be one of 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 (got 15)."
    )


# ---------------------------------------------------------------- ECR-RS


@pytest.mark.parametrize(
    ("answers", "avoidance", "anxiety"),
    [
        ([7, 7, 7, 7, 1, 1, 1, 1, 1], 1.0, 1.0),  # turns to the partner, no worry: lowest
        ([1, 1, 1, 1, 7, 7, 7, 7, 7], 7.0, 7.0),  # highest
        ([1, 1, 1, 1, 1, 1, 1, 1, 1], 5.0, 1.0),  # items 1-4 reversed: 7,7,7,7,1,1
        ([4, 4, 4, 4, 4, 4, 4, 4, 4], 4.0, 4.0),  # the midpoint reverses to itself
        ([7, 7, 7, 6, 1, 2, 1, 2, 2], 1.33, 1.67),  # 8/6 = 1.333…, 5/3 = 1.666…
        ([6, 6, 6, 6, 3, 3, 5, 6, 6], 2.33, 5.67),
    ],
)
def test_ecr_rs_avoidance_and_anxiety(
    answers: list[Answer], avoidance: float, anxiety: float
) -> None:
    result = instrument("ECR-RS").score(answers)
    assert result.total is None
    assert result.severity is None
    assert result.subscales == {"avoidance": avoidance, "anxiety": anxiety}


def test_ecr_rs_scale_is_one_to_seven() -> None:
    with pytest.raises(AnswerError) as caught:
        instrument("ECR-RS").score([0] + [4] * 8)
    assert caught.value.field == "answers.0"


# ---------------------------------------------------------------- ITQ

ITQ_ORDER = [f"P{i}" for i in range(1, 10)] + [f"C{i}" for i in range(1, 10)]
ITQ_PTSD = {"P1": 2, "P3": 2, "P5": 2, "P7": 2}
ITQ_DSO = {"C1": 2, "C3": 2, "C5": 2, "C7": 2}


def itq(ratings: dict[str, int]) -> list[Answer]:
    return [ratings.get(link_id, 0) for link_id in ITQ_ORDER]


@pytest.mark.parametrize(
    ("ratings", "diagnosis", "ptsd", "dso"),
    [
        ({**ITQ_PTSD, **ITQ_DSO}, "CPTSD", 6, 6),
        (ITQ_PTSD, "PTSD", 6, 0),
        (ITQ_DSO, "none", 0, 6),  # DSO without PTSD is not CPTSD
        ({}, "none", 0, 0),
        ({**ITQ_PTSD, "P7": 1}, "none", 6, 0),  # no functional impairment
        ({**ITQ_PTSD, "P7": 0, "P9": 3}, "PTSD", 6, 0),  # any impairment item will do
        ({**ITQ_PTSD, "P1": 0, "P2": 4}, "PTSD", 8, 0),  # re-experiencing by P2
        ({**ITQ_PTSD, "P3": 1}, "none", 5, 0),  # avoidance rated 1 does not count
        ({**ITQ_PTSD, "P5": 0, "P6": 2}, "PTSD", 6, 0),  # sense of threat by P6
        ({**ITQ_PTSD, **ITQ_DSO, "C7": 0, "C8": 2}, "CPTSD", 6, 6),
        ({**ITQ_PTSD, **ITQ_DSO, "C7": 1}, "PTSD", 6, 6),  # DSO impairment missing
        ({**ITQ_PTSD, **ITQ_DSO, "C3": 0, "C4": 2}, "CPTSD", 6, 6),
        ({**ITQ_PTSD, **ITQ_DSO, "C5": 1}, "PTSD", 6, 5),  # disturbed relationships missing
    ],
)
def test_itq_icd11_algorithm(ratings: dict[str, int], diagnosis: str, ptsd: int, dso: int) -> None:
    result = instrument("ITQ").score(itq(ratings))
    assert result.outcomes == {"diagnosis": diagnosis}
    assert result.subscales == {"PTSD": ptsd, "DSO": dso}
    assert result.total is None


def test_itq_sums_leave_out_the_impairment_items() -> None:
    result = instrument("ITQ").score([4] * 18)
    assert result.subscales == {"PTSD": 24, "DSO": 24}
    assert result.outcomes == {"diagnosis": "CPTSD"}


def test_itq_items_are_named_by_their_labels() -> None:
    with pytest.raises(AnswerError) as caught:
        instrument("ITQ").score([*itq({})[:11], 5, *itq({})[12:]])
    assert caught.value.field == "answers.11"
    assert caught.value.message == "ITQ item C3 must be one of 0, 1, 2, 3, 4 (got 5)."


# ---------------------------------------------------------------- ASQ


@pytest.mark.parametrize(
    ("answers", "risk", "flags"),
    [
        ([False, False, False, False, None], "negative", []),
        ([True, False, False, False, False], "non_acute", ["suicide_risk"]),
        ([False, True, False, False, False], "non_acute", ["suicide_risk"]),
        ([False, False, True, False, False], "non_acute", ["suicide_risk"]),
        ([False, False, False, True, False], "non_acute", ["suicide_risk"]),  # past attempt only
        ([False, False, False, True, True], "acute", ["suicide_risk"]),
        ([True, True, True, True, True], "acute", ["suicide_risk"]),
    ],
)
def test_asq_risk(answers: list[Answer], risk: str, flags: list[str]) -> None:
    result = instrument("ASQ").score(answers)
    assert result.outcomes == {"risk": risk}
    assert result.flags == flags
    assert (result.total, result.severity, result.subscales) == (None, None, {})


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        (
            [False, False, False, False, True],
            "answers.4",
            "ASQ item 5 is asked only when item 1 = true or item 2 = true or item 3 = true "
            "or item 4 = true; send null for it.",
        ),
        (
            [False, False, False, False, False],
            "answers.4",
            "ASQ item 5 is asked only when item 1 = true or item 2 = true or item 3 = true "
            "or item 4 = true; send null for it.",
        ),
        (
            [False, True, False, False, None],
            "answers.4",
            "ASQ item 5 is required when item 1 = true or item 2 = true or item 3 = true "
            "or item 4 = true.",
        ),
        ([None, False, False, False, None], "answers.0", "ASQ item 1 is required."),
        ([0, False, False, False, None], "answers.0", "ASQ item 1 must be true or false (got 0)."),
        ([False, False, False, False], "answers", "ASQ has 5 items; 4 answers were sent"),
    ],
)
def test_asq_question_5_only_when_asked(answers: list[Answer], field: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        instrument("ASQ").score(answers)
    assert caught.value.field == field
    assert caught.value.message.startswith(message)


# ---------------------------------------------------------------- SUD and VOC


@pytest.mark.parametrize(("code", "value"), [("SUD", 0), ("SUD", 10), ("VOC", 1), ("VOC", 7)])
def test_in_session_ratings_score_themselves(code: str, value: int) -> None:
    result = instrument(code).score([value])
    assert (result.total, result.severity, result.subscales, result.flags) == (value, None, {}, [])


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("SUD", -1, "SUD item SUD must be a whole number from 0 to 10 (got -1)."),
        ("SUD", 11, "SUD item SUD must be a whole number from 0 to 10 (got 11)."),
        ("SUD", 4.5, "SUD item SUD must be a whole number from 0 to 10 (got 4.5)."),
        ("VOC", 0, "VOC item VOC must be a whole number from 1 to 7 (got 0)."),
        ("VOC", 8, "VOC item VOC must be a whole number from 1 to 7 (got 8)."),
    ],
)
def test_in_session_ratings_stay_on_their_scale(code: str, value: float, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        instrument(code).score([value])
    assert (caught.value.field, caught.value.message) == ("answers.0", message)
