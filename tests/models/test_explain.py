"""Explanations a worker can read, that always agree with the score."""

from hypothesis import given, settings
from hypothesis import strategies as st

from models import builtin_scorecards
from models.explain import explain
from models.scorecard import Band, Scorecard


def _literacy() -> Scorecard:
    return next(c for c in builtin_scorecards() if c.id == "literacy-expert")


def test_sentence_lists_each_contribution_largest_first():
    answers = {"rw_forms": "sometimes", "rw_letters": "often", "rw_school": "a_little"}
    e = explain(_literacy(), answers)
    assert e.total == 8 and e.band.label == "Few signs"
    assert e.sentence == (
        "8 points: 4 from finding letters hard to read, 2 from reading being hard at school "
        "and 2 from finding forms hard."
    )
    assert [(c.item, c.points) for c in e.contributions] == [
        ("rw_letters", 4.0),
        ("rw_school", 2.0),
        ("rw_forms", 2.0),
    ]
    assert e.changes == ["4 more points would reach 'Some signs'"]
    assert e.down is None and e.up.points == 4 and e.risk is None


def test_band_changes_both_ways_and_singular_point():
    answers = {"rw_letters": "always", "rw_read_twice": "always", "rw_forms": "sometimes"}
    e = explain(_literacy(), answers)  # 6 + 6 + 2 = 14: "Some signs" (12 to 18)
    assert e.changes == [
        "5 more points would reach 'Many signs'",
        "3 fewer points would drop to 'Few signs'",
    ]
    one = explain(_literacy(), {"rw_spelling": "sometimes"})
    assert one.sentence == "1 point: 1 from finding spelling hard."


def test_nothing_scored():
    e = explain(_literacy(), {"rw_letters": "never", "rw_forms": None})
    assert e.sentence == "0 points: no answer scored any points."
    assert e.result.skipped == ("rw_forms",)


def test_proportion_scorecard_counts_whole_points_to_a_fractional_cutoff():
    card = next(c for c in builtin_scorecards() if c.method == "proportion")
    answers = {item: list(table)[-1] for item, table in list(card.points.items())[:5]}
    e = explain(card, answers)
    cut = card.band_for(e.total).min * card.max_points
    assert e.down is not None
    assert e.points - e.down.points < cut <= e.points - e.down.points + 1


def test_calibrated_scorecard_shows_risk():
    card = _literacy()
    fitted = Scorecard(**{**card.__dict__, "provenance": "fitted", "calibration": (0.5, -5.0)})
    e = explain(fitted, {"rw_letters": "always", "rw_forms": "always"})  # 12 points
    assert abs(e.risk - 1 / (1 + 2.718281828459045 ** -(-5.0 + 6.0))) < 1e-9


tables = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d"]),
    st.dictionaries(st.sampled_from(["x", "y", "z"]), st.integers(-3, 5), min_size=1),
    min_size=1,
)


@settings(max_examples=150, deadline=None)
@given(tables, st.data())
def test_contributions_sum_to_total_and_band_distances_are_exact(points, data):
    card = Scorecard(
        id="t",
        version="1",
        domain="literacy",
        provenance="fitted",
        questionnaires=(),
        points=points,
        bands=(Band("none", "Few", -100, "none"), Band("possible", "Some", 3, "possible")),
        summaries={k: f"item {k}" for k in points},
    )
    answers = {k: data.draw(st.sampled_from(["x", "y", "z", None])) for k in points}
    e = explain(card, answers)
    by_hand = sum(points[k].get(a, 0) for k, a in answers.items() if a is not None)
    assert e.points == by_hand == sum(c.points for c in e.contributions)
    assert e.band.name == ("possible" if by_hand >= 3 else "none")
    if e.up is not None:
        assert by_hand + e.up.points >= 3 > by_hand + e.up.points - 1
    if e.down is not None:
        assert by_hand - e.down.points < 3 <= by_hand - e.down.points + 1
    for c in e.contributions:
        assert f"{int(c.points)} from item {c.item}" in e.sentence
