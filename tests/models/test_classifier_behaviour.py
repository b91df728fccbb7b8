"""What the fitted scorecard must do: find a published rule, export to a reviewable file and
back without changing a single score, and add up exactly."""

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from models.classifier import ScorecardClassifier, answer_codes, with_cutoffs
from models.scorecard import scorecard_from_dict
from models.synthetic import ASRS_THRESHOLDS, make_answers, make_asrs_rule
from questionnaires import Item, Library, Option, Questionnaire, Section


def _questionnaire(options: dict[str, tuple[str, ...]]) -> Questionnaire:
    items = tuple(
        Item(
            id=name,
            type="choice",
            prompt=f"Question {name}?",
            summary=f"answers to {name}",
            options=tuple(Option(v, v.replace("_", " ")) for v in values),
        )
        for name, values in options.items()
    )
    section = Section(id="all", title="All", items=items)
    return Questionnaire("synthetic", "1.0", "Synthetic", "indicator", "draft", (section,))


@pytest.fixture(scope="module")
def fitted():
    data = make_answers(3000, n_binary=6, n_rated=6, n_true=5, seed=3)
    return data, ScorecardClassifier(max_items=6).fit(data.X, data.y)


def test_recovers_the_asrs_part_a_rule_exactly():
    data = make_asrs_rule(4000, seed=7)
    model = ScorecardClassifier().fit(data.X, data.y)
    fresh = make_asrs_rule(20000, seed=8)
    assert np.array_equal(model.predict(fresh.X), fresh.y)
    names = list(data.X.columns)
    for i, threshold in enumerate(ASRS_THRESHOLDS, start=1):
        j = names.index(f"asrs{i}")
        assert model.level_points(j, 5) == [int(code >= threshold) for code in range(5)]
    assert not any(model.coef_[names.index(f"noise{i}")] for i in range(1, 7))
    assert 1 - model.intercept_ == 4  # "4 or more of 6"
    card = model.to_scorecard(data.options, id="asrs-a-fitted", domain="attention")
    assert card.bands[1].min == 4


def test_points_are_sparse_small_integers_and_find_the_truth(fitted):
    data, model = fitted
    assert np.count_nonzero(model.coef_ | model.bonus_) <= 6
    assert np.abs(np.concatenate([model.coef_, model.bonus_])).max() <= 5
    chosen = {data.X.columns[j] for j in model.selected_}
    assert set(data.truth) <= chosen | {n for n, (_, w) in data.truth.items() if w < 0.3}
    assert model.coef_.dtype.kind == "i" and isinstance(model.intercept_, int)
    assert list(model.feature_names_in_) == list(data.X.columns)


def test_risk_is_a_calibrated_increasing_curve_of_points(fitted):
    data, model = fitted
    risk = model.predict_proba(data.X)[:, 1]
    points = model.points(data.X)
    order = np.argsort(points)
    assert np.all(np.diff(risk[order]) >= 0)
    assert abs(risk.mean() - data.y.mean()) < 0.01
    assert np.array_equal(model.decision_function(data.X), points + model.intercept_)


def test_cutoff_for_a_target_sensitivity(fitted):
    data, model = fitted
    cut = model.cutoff_for_sensitivity(data.X, data.y, 0.9)
    points = model.points(data.X)
    positive = data.y == 1
    assert (points[positive] >= cut).mean() >= 0.9
    assert (points[positive] >= cut + 1).mean() < 0.9


def test_export_to_yaml_and_back_scores_identically(fitted):
    data, model = fitted
    questionnaire = _questionnaire(data.options)
    card = model.to_scorecard(questionnaire, id="synthetic-fitted", domain="literacy")
    assert card.provenance == "fitted" and card.calibration == model.calibration_
    text = card.to_yaml()
    loaded = scorecard_from_dict(yaml.safe_load(text), Library([questionnaire]))
    assert loaded.points == card.points and loaded.calibration == pytest.approx(card.calibration)
    assert loaded.summaries["b01"] == "answers to b01"
    back = ScorecardClassifier.from_scorecard(loaded, questionnaire, list(data.X.columns))
    assert np.array_equal(back.coef_, model.coef_)
    assert np.array_equal(back.bonus_, model.bonus_)
    assert np.array_equal(back.points(data.X), model.points(data.X))
    assert np.array_equal(back.predict(data.X), model.predict(data.X))
    assert np.allclose(back.predict_proba(data.X), model.predict_proba(data.X))
    # The file's scorecard gives the same totals from option values.
    answers = data.answers()
    for i in range(50):
        assert loaded.score(answers.iloc[i].to_dict()).points == model.points(data.X.iloc[[i]])[0]


def test_cutoffs_chosen_for_sensitivity_become_bands(fitted):
    data, model = fitted
    card = model.to_scorecard(
        data.options,
        id="x",
        domain="literacy",
        cutoffs=[model.cutoff_for_sensitivity(data.X, data.y, 0.9), 1 - model.intercept_],
    )
    assert [b.name for b in card.bands] == ["none", "possible", "likely"]
    moved = with_cutoffs(card, [card.bands[1].min - 1, card.bands[2].min])
    assert moved.bands[1].min == card.bands[1].min - 1 and moved.points == card.points


def test_answer_codes_refuses_values_that_are_not_options(fitted):
    data, _ = fitted
    answers = data.answers().head(5)
    assert np.array_equal(answer_codes(answers, data.options).to_numpy(), data.X.head(5))
    answers.loc[2, "b01"] = "maybe"
    with pytest.raises(ValueError, match="maybe"):
        answer_codes(answers, data.options)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_points_add_up_exactly_by_hand(fitted, draw):
    """Property: for any answers, the per-item points a worker reads off the scorecard add up
    to the classifier's total, its decision and its risk."""
    data, model = fitted
    card = model.to_scorecard(data.options, id="x", domain="literacy")
    codes = [draw.draw(st.integers(0, len(v) - 1)) for v in data.options.values()]
    answers = {n: data.options[n][c] for n, c in zip(data.options, codes, strict=True)}
    by_hand = sum(card.points.get(n, {}).get(a, 0.0) for n, a in answers.items())
    x = pd.DataFrame([codes], columns=list(data.options))
    assert model.points(x)[0] == by_hand
    result = card.score(answers)
    assert result.points == by_hand == sum(c.points for c in result.contributions)
    slope, intercept = model.calibration_
    risk = 1 / (1 + np.exp(-(intercept + slope * by_hand)))
    assert model.predict_proba(x)[0, 1] == pytest.approx(risk)
    assert card.risk(by_hand) == pytest.approx(risk)
    assert model.predict(x)[0] == int(by_hand >= 1 - model.intercept_)
    assert result.band.name == ("possible" if by_hand >= 1 - model.intercept_ else "none")


def test_refuses_more_than_two_classes():
    with pytest.raises(ValueError, match="Only binary"):
        ScorecardClassifier().fit(np.zeros((6, 2)), [0, 1, 2, 0, 1, 2])


def test_expert_scorecards_read_as_classifiers_score_the_same():
    from models import builtin_scorecards
    from questionnaires import builtin_library

    card = next(c for c in builtin_scorecards() if c.id == "literacy-expert")
    questionnaire = builtin_library().get(*card.questionnaires[0].split("@"))
    model = ScorecardClassifier.from_scorecard(card, questionnaire)
    options = {i: list(questionnaire.item(i).option_values) for i in card.items}
    rng = np.random.default_rng(0)
    codes = pd.DataFrame({i: rng.integers(0, len(v), 200) for i, v in options.items()})
    for row, total in zip(codes.itertuples(index=False), model.points(codes), strict=True):
        answers = {i: options[i][c] for i, c in zip(card.items, row, strict=True)}
        assert card.score(answers).points == total
    # A reverse-scored item is not "points per level plus a step": refused, not misread.
    social = next(c for c in builtin_scorecards() if c.id == "social-communication-expert")
    social_q = builtin_library().get(*social.questionnaires[0].split("@"))
    with pytest.raises(ValueError, match="first option must score 0"):
        ScorecardClassifier.from_scorecard(social, social_q)
