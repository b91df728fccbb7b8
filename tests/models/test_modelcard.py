"""The model card states use, limits and metrics, and every chart can be read without sight."""

import re

import pytest
from bs4 import BeautifulSoup

from models.classifier import ScorecardClassifier
from models.evaluate import evaluate
from models.modelcard import write_model_card
from models.synthetic import make_answers


@pytest.fixture(scope="module")
def card_html(tmp_path_factory):
    data = make_answers(3000, n_binary=5, n_rated=5, n_true=4, group_shift=1, seed=5)
    model = ScorecardClassifier(max_items=5).fit(data.X, data.y)
    scores, risk = model.points(data.X), model.predict_proba(data.X)[:, 1]
    ev = evaluate(data.y, scores, data.groups, risk=risk, n_boot=50)
    card = model.to_scorecard(data.options, id="demo-<fitted>", domain="literacy")
    path = tmp_path_factory.mktemp("card") / "card.html"
    write_model_card(
        path,
        card,
        ev,
        data.y,
        scores,
        risk=risk,
        data_description="3,000 synthetic",
        synthetic=True,
    )
    return path.read_text(encoding="utf-8"), ev


def test_card_states_use_limits_and_metrics(card_html):
    html, ev = card_html
    soup = BeautifulSoup(html, "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert soup.h1 and len(soup.find_all("h1")) == 1
    assert "screen, not a diagnosis" in text
    assert "no real-world validity" in text
    assert f"ROC AUC {ev.auc:.3f}" in text
    assert f"Sensitivity {ev.chosen.sensitivity:.3f}" in text
    assert f"Calibration slope {ev.calibration.slope:.3f}" in text
    assert f"Largest sensitivity gap: {ev.sensitivity_gap:.3f}" in text
    assert f"Largest false positive rate gap: {ev.fpr_gap:.3f} (95% interval" in text
    groups = [tr.td.get_text() for tr in soup.find_all("tr") if tr.td]
    assert "A" in groups and "B" in groups


def test_every_chart_has_alt_text_and_a_data_table(card_html):
    html, ev = card_html
    soup = BeautifulSoup(html, "html.parser")
    images = soup.find_all("img")
    assert len(images) == 3
    for img in images:
        assert img["src"].startswith("data:image/png;base64,")
        assert len(img["alt"]) > 40
    assert f"area under the curve {ev.auc:.3f}" in images[0]["alt"]
    captions = [c.get_text() for c in soup.find_all("caption")]
    for title in ("ROC curve", "Score distribution", "Calibration"):
        assert f"Data for the chart: {title}" in captions


def test_text_is_escaped(card_html):
    html, _ = card_html
    assert "demo-&lt;fitted&gt;" in html and "demo-<fitted>" not in html
    assert not re.search(r"<script", html)
