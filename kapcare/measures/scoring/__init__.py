"""Scoring engines for measures: pure functions over plain data (no Django, no I/O).

The parts: ``spec`` (the specification as data), ``engine`` (answers and scores),
``change`` (reliable change).

An instrument's scoring is data: a :class:`ScoringSpec` that
``kapcare.measures.definitions`` builds from the instrument's JSON file. This
module checks a list of answers against the items and evaluates the spec:

1. ``check_answers`` — one answer per item in the published order; each on the
   item's scale; required items answered; conditional items (FHIR
   ``enableWhen``) answered only when asked. The first problem, in item order,
   raises :class:`AnswerError` naming the item (``answers.3`` is the fourth).
2. Reversed items are rescored as ``low + high - answer`` of their own scale
   (ECR-RS: ``8 - x`` on 1-7). Reversing twice gives the answer back.
3. ``total`` and subscales are sums or means of the (rescored) items. Sums of
   whole numbers stay whole; means are rounded to 2 decimals, halves away from
   zero (``ROUND_HALF_UP``), computed exactly with fractions first.
4. Conditions, outcomes (``provisional_ptsd``, ``diagnosis``, ``risk``) and
   flags (``suicidality``) are evaluated over the **answers as given** (before
   reversal) and the **reported** (rounded) scores, so that anyone can re-check
   a flag from the numbers shown. A comparison with an unanswered item is false.

Reliable change follows Jacobson & Truax (1991): see :func:`classify_change`.
"""

from kapcare.measures.scoring.change import (
    RELIABLE_CHANGE_Z,
    ChangeCategory,
    ChangeParameters,
    ChangeResult,
    classify_change,
    reliable_change_index,
)
from kapcare.measures.scoring.engine import (
    check_answers,
    compare,
    mean_2dp,
    reverse_score,
    round_half_up,
    score,
    score_range,
)
from kapcare.measures.scoring.spec import (
    OPS,
    Aggregate,
    AllOf,
    Answer,
    AnswerError,
    AnyOf,
    Band,
    BooleanOutcome,
    CategoryOutcome,
    Condition,
    ConditionRef,
    CountAtLeast,
    EnableWhen,
    FlagRule,
    ItemIs,
    ItemKind,
    ItemSpec,
    Not,
    Number,
    Op,
    Outcome,
    ScoreIs,
    ScoreResult,
    ScoringSpec,
    Severity,
)

__all__ = [
    "OPS",
    "RELIABLE_CHANGE_Z",
    "Aggregate",
    "AllOf",
    "Answer",
    "AnswerError",
    "AnyOf",
    "Band",
    "BooleanOutcome",
    "CategoryOutcome",
    "ChangeCategory",
    "ChangeParameters",
    "ChangeResult",
    "Condition",
    "ConditionRef",
    "CountAtLeast",
    "EnableWhen",
    "FlagRule",
    "ItemIs",
    "ItemKind",
    "ItemSpec",
    "Not",
    "Number",
    "Op",
    "Outcome",
    "ScoreIs",
    "ScoreResult",
    "ScoringSpec",
    "Severity",
    "check_answers",
    "classify_change",
    "compare",
    "mean_2dp",
    "reliable_change_index",
    "reverse_score",
    "round_half_up",
    "score",
    "score_range",
]
