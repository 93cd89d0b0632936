"""Screening thresholds: every default has a source, the catalogue is issue 5's, and an
incoherent screening policy is refused when it is built."""

from dataclasses import fields, replace
from decimal import Decimal
from typing import Any

import pytest

from kapcare.core.sources import setting_sources
from kapcare.pathway.thresholds import DEFAULT_CONTRAINDICATIONS, Basis, ScreeningPolicy, Severity


def test_every_setting_names_the_source_of_its_default() -> None:
    sources = setting_sources(ScreeningPolicy)

    assert set(sources) == {f.name for f in fields(ScreeningPolicy)}
    assert all(source.strip() for source in sources.values())


def test_screening_defaults_are_the_documented_ones() -> None:
    assert ScreeningPolicy().des_ii_at_or_above == Decimal(30)


def test_catalogue_holds_exactly_the_contraindications_of_issue_5() -> None:
    by_severity = {
        severity: {c.code for c in DEFAULT_CONTRAINDICATIONS if c.severity is severity}
        for severity in Severity
    }

    assert by_severity[Severity.ABSOLUTE] == {
        "contraindication.psychosis",
        "contraindication.mania",
        "contraindication.aneurysm_or_avm",
        "contraindication.intracerebral_haemorrhage",
        "contraindication.ketamine_hypersensitivity",
        "contraindication.pregnancy",
    }
    assert by_severity[Severity.RELATIVE] == {
        "contraindication.uncontrolled_hypertension",
        "contraindication.recent_cardiac_event_or_stroke",
        "contraindication.substance_use_disorder",
        "contraindication.hepatic_impairment",
        "contraindication.cystitis",
        "contraindication.high_dissociation",
        "contraindication.unreviewed_suicide_flag",
    }


@pytest.mark.parametrize("item", DEFAULT_CONTRAINDICATIONS, ids=lambda c: c.code)
def test_each_contraindication_has_a_label_a_message_and_a_source(item: Any) -> None:
    assert item.label.strip()
    assert item.message.strip().endswith(".")
    assert item.source.strip()


_SECOND_DES_II_ITEM = tuple(
    replace(c, code=c.code + "_again") for c in DEFAULT_CONTRAINDICATIONS if c.basis is Basis.DES_II
)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        (
            {"contraindications": DEFAULT_CONTRAINDICATIONS + DEFAULT_CONTRAINDICATIONS[:1]},
            "unique",
        ),
        ({"contraindications": DEFAULT_CONTRAINDICATIONS + _SECOND_DES_II_ITEM}, "At most one"),
        ({"des_ii_at_or_above": Decimal(101)}, "between 0 and 100"),
    ],
)
def test_incoherent_screening_policy_is_refused(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        replace(ScreeningPolicy(), **changes)
