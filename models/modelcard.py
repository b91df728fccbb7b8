"""A model card for a scorecard: one standalone HTML file a reviewer can read before approving it.

Every released scorecard needs one (the goals in docs/scoring-model.md): what data it was built
on, what it is for, what it must not be used for, and how well it did overall and for each
group. It is a single file with its charts inline so it can be attached to an approval record or
emailed. Each chart has alt text and the numbers behind it in a table, so the card works read
aloud too.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402
from jinja2 import Environment, select_autoescape  # noqa: E402
from markupsafe import Markup  # noqa: E402

from models.evaluate import Evaluation  # noqa: E402
from models.scorecard import Scorecard  # noqa: E402


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str
    png: str  # base64
    table_head: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]


DEFAULT_USE = (
    "To help intake workers notice possible additional needs early, so that letters, forms and "
    "meetings can be adjusted and a clinician can decide whether to refer for a formal "
    "assessment."
)
LIMITS = (
    "This is a screen, not a diagnosis. A high score means a clinician should look again; a low "
    "score does not rule a need out.",
    "Every flag must be read with the reasons shown beside it and with what the parent says.",
    "Figures hold only for people like those in the data below; check them again before use "
    "in a different service or population.",
)
SYNTHETIC_LIMIT = (
    "The data is synthetic (generated from a known, invented truth). These figures show that "
    "the method works; they have no real-world validity."
)


def model_card_html(
    scorecard: Scorecard,
    evaluation: Evaluation,
    y_true,
    scores,
    *,
    risk=None,
    data_description: str,
    synthetic: bool,
    intended_use: str = DEFAULT_USE,
) -> str:
    """The model card as one HTML document (Jinja2 with autoescaping)."""
    y = np.asarray(y_true).astype(int)
    s = np.asarray(scores, dtype=float)
    charts = [_roc_chart(evaluation), _distribution_chart(y, s)]
    if risk is not None:
        charts.append(_calibration_chart(y, np.asarray(risk, dtype=float)))
    limits = ([SYNTHETIC_LIMIT] if synthetic else []) + list(LIMITS)
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(_TEMPLATE)
    return template.render(
        card=scorecard,
        ev=evaluation,
        charts=charts,
        limits=limits,
        intended_use=intended_use,
        data_description=data_description,
        synthetic=synthetic,
        fmt=_fmt,
        img=lambda c: Markup('<img src="data:image/png;base64,{}" alt="{}">').format(c.png, c.alt),
    )


def write_model_card(path: str | Path, *args, **kwargs) -> Path:
    path = Path(path)
    path.write_text(model_card_html(*args, **kwargs), encoding="utf-8")
    return path


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "not enough cases"
    value = float(value)
    if value != value:  # NaN
        return "n/a"
    return str(int(value)) if value.is_integer() and digits == 0 else f"{value:.{digits}f}"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _roc_chart(ev: Evaluation) -> Chart:
    table = ev.cutoffs
    fpr = np.concatenate([[1.0], 1 - table["specificity"].to_numpy(), [0.0]])
    tpr = np.concatenate([[1.0], table["sensitivity"].to_numpy(), [0.0]])
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    ax.plot(fpr, tpr, marker="o", markersize=3, color="#1d70b8")
    ax.plot([0, 1], [0, 1], linestyle="--", color="#505a5f")
    ax.plot(1 - ev.chosen.specificity, ev.chosen.sensitivity, "s", color="#d4351c")
    ax.set(xlabel="False positive rate", ylabel="Sensitivity", title=f"ROC (AUC {ev.auc:.3f})")
    alt = (
        f"ROC curve with area under the curve {ev.auc:.3f}. At the chosen cut-off of "
        f"{_fmt(ev.chosen.cutoff, 0)} points, sensitivity is {ev.chosen.sensitivity:.2f} and the "
        f"false positive rate is {1 - ev.chosen.specificity:.2f}."
    )
    rows = tuple(
        (_fmt(r.cutoff, 0), _fmt(r.sensitivity), _fmt(r.specificity), _fmt(r.ppv), _fmt(r.npv))
        + (_fmt(r.flagged),)
        for r in table.itertuples()
    )
    head = ("Cut-off (points)", "Sensitivity", "Specificity", "PPV", "NPV", "Share flagged")
    return Chart("ROC curve", alt, _png(fig), head, rows)


def _distribution_chart(y: np.ndarray, s: np.ndarray) -> Chart:
    values = np.unique(s)
    with_need = np.array([np.sum((s == v) & (y == 1)) for v in values])
    without = np.array([np.sum((s == v) & (y == 0)) for v in values])
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    width = 0.4 * (np.min(np.diff(values)) if len(values) > 1 else 1)
    ax.bar(values - width / 2, without, width, label="No need found", color="#505a5f")
    ax.bar(values + width / 2, with_need, width, label="Need found", color="#1d70b8")
    ax.set(xlabel="Total points", ylabel="People", title="Scores by outcome")
    ax.legend()
    alt = (
        f"Bar chart of total points by outcome. People with a need found score a median of "
        f"{_fmt(np.median(s[y == 1]) if y.any() else np.nan, 1)} points; people without, "
        f"{_fmt(np.median(s[y == 0]) if (~y.astype(bool)).any() else np.nan, 1)}."
    )
    rows = tuple(
        (_fmt(v, 0), str(int(a)), str(int(b)))
        for v, a, b in zip(values, without, with_need, strict=True)
    )
    return Chart("Score distribution", alt, _png(fig), ("Points", "No need", "Need"), rows)


def _calibration_chart(y: np.ndarray, risk: np.ndarray) -> Chart:
    edges = np.unique(np.quantile(risk, np.linspace(0, 1, 11)))
    which = np.clip(np.searchsorted(edges, risk, side="right") - 1, 0, max(len(edges) - 2, 0))
    rows, predicted, observed = [], [], []
    for b in np.unique(which):
        mask = which == b
        predicted.append(risk[mask].mean())
        observed.append(y[mask].mean())
        rows.append((_fmt(predicted[-1]), _fmt(observed[-1]), str(int(mask.sum()))))
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    ax.plot([0, 1], [0, 1], linestyle="--", color="#505a5f")
    ax.plot(predicted, observed, marker="o", color="#1d70b8")
    ax.set(xlabel="Predicted risk", ylabel="Observed rate", title="Calibration")
    gap = float(np.max(np.abs(np.array(predicted) - np.array(observed)))) if rows else 0.0
    alt = (
        f"Calibration plot: observed rate against predicted risk in {len(rows)} groups of "
        f"similar risk; the largest difference is {gap:.3f}."
    )
    head = ("Mean predicted risk", "Observed rate", "People")
    return Chart("Calibration", alt, _png(fig), head, tuple(rows))


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Model card: {{ card.id }} version {{ card.version }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; line-height: 1.5;
  padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #b1b4b6; padding: 0.25rem 0.5rem; text-align: left; }
caption { font-weight: bold; text-align: left; }
img { max-width: 100%; }
</style>
</head>
<body>
<h1>Model card: {{ card.id }} version {{ card.version }}</h1>
<p>Domain: {{ card.domain }}. Provenance: {{ card.provenance }}.
Scores questionnaires: {{ card.questionnaires | join(", ") }}.</p>

<h2>Intended use</h2>
<p>{{ intended_use }}</p>

<h2>Limits</h2>
<ul>{% for limit in limits %}<li>{{ limit }}</li>{% endfor %}</ul>

<h2>Data</h2>
<p>{{ data_description }}</p>
<p>{{ ev.n }} people, {{ ev.positives }} with the need found.</p>

<h2>The scorecard</h2>
<table>
<caption>Points for each answer</caption>
<thead><tr><th>Item</th><th>Answer</th><th>Points</th></tr></thead>
<tbody>
{% for item, table in card.points.items() %}{% for answer, pts in table.items() %}
<tr><td>{{ card.summaries.get(item, item) }}</td><td>{{ answer }}</td>
<td>{{ fmt(pts, 0) }}</td></tr>
{% endfor %}{% endfor %}
</tbody>
</table>
<table>
<caption>Bands</caption>
<thead><tr><th>Band</th><th>From (points)</th><th>Flag</th></tr></thead>
<tbody>{% for b in card.bands %}
<tr><td>{{ b.label }}</td><td>{{ fmt(b.min, 0) }}</td><td>{{ b.flag }}</td></tr>{% endfor %}
</tbody>
</table>

<h2>Metrics</h2>
<table>
<caption>Overall</caption>
<tbody>
<tr><th>ROC AUC</th><td>{{ fmt(ev.auc) }} (95% interval {{ fmt(ev.auc_interval[0]) }} to
{{ fmt(ev.auc_interval[1]) }})</td></tr>
<tr><th>Cut-off</th><td>{{ fmt(ev.chosen.cutoff, 0) }} points (target sensitivity
{{ fmt(ev.target_sensitivity, 2) }})</td></tr>
<tr><th>Sensitivity</th><td>{{ fmt(ev.chosen.sensitivity) }}</td></tr>
<tr><th>Specificity</th><td>{{ fmt(ev.chosen.specificity) }}</td></tr>
<tr><th>PPV</th><td>{{ fmt(ev.chosen.ppv) }}</td></tr>
<tr><th>NPV</th><td>{{ fmt(ev.chosen.npv) }}</td></tr>
<tr><th>Share flagged</th><td>{{ fmt(ev.chosen.flagged) }}</td></tr>
{% if ev.calibration %}
<tr><th>Calibration slope</th><td>{{ fmt(ev.calibration.slope) }}</td></tr>
<tr><th>Calibration-in-the-large</th><td>{{ fmt(ev.calibration.intercept) }}</td></tr>
<tr><th>Brier score</th><td>{{ fmt(ev.calibration.brier) }}</td></tr>
{% endif %}
</tbody>
</table>

<h2>Group metrics</h2>
{% if ev.groups is not none %}
<table>
<caption>By group, at the cut-off of {{ fmt(ev.chosen.cutoff, 0) }} points</caption>
<thead><tr><th>Group</th><th>People</th><th>With need</th><th>AUC</th><th>Sensitivity</th>
<th>False positive rate</th><th>Share flagged</th>
{% if ev.calibration %}<th>Calibration-in-the-large</th>{% endif %}</tr></thead>
<tbody>{% for g in ev.groups.to_dict("records") %}
<tr><td>{{ g.group }}</td><td>{{ g.n }}</td><td>{{ g.positives }}</td><td>{{ fmt(g.auc) }}</td>
<td>{{ fmt(g.sensitivity) }}</td><td>{{ fmt(g.false_positive_rate) }}</td>
<td>{{ fmt(g.flagged) }}</td>
{% if ev.calibration %}<td>{{ fmt(g.calibration_in_the_large) }}</td>{% endif %}</tr>
{% endfor %}</tbody>
</table>
<p>Largest sensitivity gap: {{ fmt(ev.sensitivity_gap) }}{% if ev.sensitivity_gap_interval %}
(95% interval {{ fmt(ev.sensitivity_gap_interval[0]) }} to
{{ fmt(ev.sensitivity_gap_interval[1]) }}){% endif %}.
Largest false positive rate gap: {{ fmt(ev.fpr_gap) }}{% if ev.fpr_gap_interval %}
(95% interval {{ fmt(ev.fpr_gap_interval[0]) }} to {{ fmt(ev.fpr_gap_interval[1]) }}){% endif %}.
Only groups with enough people with and without the need are compared.</p>
{% else %}
<p>No group data was given, so fairness between groups has not been checked.</p>
{% endif %}

<h2>Charts</h2>
{% for chart in charts %}
<figure>
{{ img(chart) }}
<figcaption>{{ chart.title }}. {{ chart.alt }}</figcaption>
</figure>
<table>
<caption>Data for the chart: {{ chart.title }}</caption>
<thead><tr>{% for h in chart.table_head %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in chart.table_rows %}
<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}
</tbody>
</table>
{% endfor %}
</body>
</html>
"""
