"""The built-in scorer on transcripts in languages its (English) word lists do not know.

It must not crash, must not match English words in other languages, and must still rank by what
needs no words: the audio's energy, pace, turns and pauses, question marks, digits, sentence length.
"""

# ruff: noqa: RUF001  (other scripts on purpose)
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from spaceclip.services.highlights import builtin, features, lexicon, scorer
from spaceclip.services.highlights.candidates import generate_windows
from spaceclip.services.highlights.sentences import SplitOptions, ends_sentence, split_sentences
from spaceclip.services.highlights.types import HighlightOptions, ScoredCandidate
from spaceclip.services.speech.transcript import Transcript
from tests.conversations import RATE, _write_wav
from tests.highlight_words import transcript_of, words_of
from tests.languages import SCRIPTS


@pytest.mark.parametrize(
    ("language", "covered"),
    [("en", True), ("EN", True), ("en-GB", True), ("en_US", True), (None, True), ("es", False), ("de", False),
     ("fi", False), ("ja", False), ("", False), ("eng", False)],
)  # fmt: skip
def test_the_word_lists_cover_english_only(language: str | None, covered: bool) -> None:
    assert lexicon.covers(language) is covered


OLD_ASCII = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019%.,-]*")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Weißt du, was der größte Fehler ist?", ["Weißt", "du", "was", "der", "größte", "Fehler", "ist"]),
        ("¿Qué pasó en 2019? Perdimos 3,000 euros.", ["Qué", "pasó", "en", "2019", "Perdimos", "3,000", "euros"]),
        ("Мы так потеряли четыреста тысяч.", ["Мы", "так", "потеряли", "четыреста", "тысяч"]),
        ("नमस्ते दोस्तों, कैसे हो?", ["नमस्ते", "दोस्तों", "कैसे", "हो"]),  # vowel signs stay in their word
        ("Mitä sinä teit eilen?", ["Mitä", "sinä", "teit", "eilen"]),
        ("私たちは 店を 開きました。", ["私たちは", "店を", "開きました"]),
        ("l'œuvre — c’est ça", ["l'œuvre", "c’est", "ça"]),
    ],
)
def test_tokens_are_words_of_any_script(text: str, expected: list[str]) -> None:
    assert features.tokens(text) == expected


@pytest.mark.parametrize(
    "text",
    ["We lost 3,000 dollars, and it's 60% less.", "snake_case and e.g. U.S. stuff -- ok", "a_b_c 1.5x 'quoted'", ""],
)
def test_tokens_of_ascii_text_are_as_before(text: str) -> None:
    before = [t for t in (raw.strip(".,-'\u2019") for raw in OLD_ASCII.findall(text)) if t]
    assert features.tokens(text) == before
    unicode_path = [t for t in features.tokens(text + " \u00e9") if t != "\u00e9"]  # not ASCII: the other pattern
    assert unicode_path == before


# --- what English word lists would wrongly match ------------------------------------------------

MISFIRES = [
    # (text in another language, feature, value with the English lists, value without)
    ("Me pregunto si usted lo sabe.", "story", 0.5, 0.0),  # "me" first person, "usted" ends in -ed
    ("Die Kunden kamen nie wieder.", "names", 1, 0),  # German capitalises nouns: "Kunden" is no name
    ("Die Kunden kamen nie wieder.", "specifics", 0.7, 0.0),
    ("No, no, no.", "filler", 0.8, 0.35),  # English back-channel "no"
]


@pytest.mark.parametrize(("text", "name", "with_lists", "without"), MISFIRES)
def test_without_word_lists_no_english_word_is_matched(text: str, name: str, with_lists: float, without: float) -> None:
    assert getattr(features.sentence_features(text), name) == pytest.approx(with_lists)
    assert getattr(features.sentence_features(text, word_lists=False), name) == pytest.approx(without)


def test_what_needs_no_words_still_counts() -> None:
    question = features.sentence_features("¿Sabes cuántos clientes perdimos en 2019?", word_lists=False)
    assert question.question and question.hook == pytest.approx(0.55) and question.numbers == 1
    flat = features.sentence_features("Hablamos un rato de la tienda y del barrio.", word_lists=False)
    assert not flat.question and flat.hook == pytest.approx(0.1) and flat.numbers == 0
    assert features.sentence_features("你们知道我们失去了多少客户？", word_lists=False).question
    assert features.sentence_features("هل تعرف كم خسرنا؟", word_lists=False).question
    assert features.sentence_features("ok", word_lists=False).filler == pytest.approx(0.35)  # very short
    # Parallel phrasing is found in any language.
    parallel = features.quotability("nicht dein Geld, nicht deine Zeit, nicht dein Name", word_lists=False)
    plain = features.quotability("weder das Geld, auch keine Zeit, oder ein Name", word_lists=False)
    assert plain == pytest.approx(0.35) and parallel > plain


def test_german_openings_are_not_taken_for_english_back_references() -> None:
    words = words_of("Also, die Idee war gut und wir haben sie sofort umgesetzt.", start=0.0)
    words += words_of("Danach kamen viele neue Kunden in den kleinen Laden.", start=words[-1].end + 2.0)
    sentences = split_sentences(words)
    options = HighlightOptions(min_length=2.0, max_length=40.0)
    english = generate_windows(sentences, options)  # "also" is an English back-reference: dropped
    german = generate_windows(sentences, options, word_lists=False)
    assert [w.first for w in english] == [1]
    assert [w.first for w in german] == [0, 0, 1] and all(w.standalone for w in german)


def test_sentence_ends_of_other_scripts() -> None:
    assert all(ends_sentence(w) for w in ("店。", "吗？", "好！", "خسرنا؟", "है।"))
    assert not ends_sentence("店、")
    # Without the English comma-splice rules a long Spanish sentence is cut only at pauses.
    text = "Abrimos la tienda en el centro, y durante tres años nadie vino, pero luego todo cambió de repente."
    spliced = split_sentences(words_of(text))
    whole = split_sentences(words_of(text), SplitOptions(comma_splices=False))
    assert len(spliced) > 1 and [s.text for s in whole] == [text]


# --- ranking without word lists -----------------------------------------------------------------

BLOCKS = (
    ("Speaker 1", "Hablamos un rato de la tienda y del barrio hoy. Luego seguimos con otras cosas de la "
     "semana pasada. Todo fue bastante normal y tranquilo para todos nosotros."),
    ("Speaker 2", "Mi abuela cocinaba para toda la familia cada domingo. Preparaba sopa de verduras con pan "
     "del horno. Nadie se levantaba de la mesa antes de terminar."),
    ("Speaker 1", "El tren de la mañana llega siempre muy lleno ahora. Mucha gente viaja de pie hasta la "
     "estación central. Los viernes por la tarde hay todavía más gente."),
)  # fmt: skip
BLOCK_GAP_S = 8.0
WINDOW = HighlightOptions(min_length=9.0, max_length=14.0, max_count=5, use_llm=False)


def _blocks(blocks: tuple[tuple[str, str], ...], language: str) -> Transcript:
    """One segment per block, ``BLOCK_GAP_S`` of silence between: every candidate is one whole block."""
    return replace(transcript_of(blocks, pause=BLOCK_GAP_S), language=language)


def _audio(path: Path, transcript: Transcript, *, loud: int | None) -> Path:
    """A 16 kHz tone during each block's words (silence between), block ``loud`` 9 dB louder."""
    samples = np.zeros(round(transcript.duration * RATE) + RATE, dtype=np.float64)
    for i, segment in enumerate(transcript.segments):
        lo, hi = round(segment.start * RATE), round(segment.end * RATE)
        t = np.arange(hi - lo) / RATE
        level = 0.05 * (10 ** (9 / 20) if i == loud else 1.0)
        samples[lo:hi] = level * np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.abs(np.sin(3 * t)))
    _write_wav(path, samples)
    return path


def _block_of(sc: ScoredCandidate, transcript: Transcript) -> int:
    (index,) = [i for i, s in enumerate(transcript.segments) if s.start <= sc.candidate.start < s.end + 0.01]
    return index


@pytest.mark.parametrize("loud", [0, 1, 2])
def test_the_loudest_passage_ranks_first_without_word_lists(tmp_path: Path, loud: int) -> None:
    transcript = _blocks(BLOCKS, "es")
    ranked = builtin.rank_candidates(transcript, WINDOW, audio_path=_audio(tmp_path / "a.wav", transcript, loud=loud))
    assert sorted(_block_of(sc, transcript) for sc in ranked) == [0, 1, 2]  # every block comes back
    assert _block_of(ranked[0], transcript) == loud
    assert ranked[0].features["energy"] == 1.0 and all(sc.features["energy"] < 0.5 for sc in ranked[1:])
    for sc in ranked:
        assert sc.features["word_lists"] == 0.0 and "contrast" not in sc.features and "story" not in sc.features
        assert sc.title and sc.key_sentence and 3 <= len(sc.hashtags) <= 5
    assert "lively delivery" in ranked[0].reason.lower()


def test_a_question_with_numbers_ranks_above_a_flat_passage() -> None:
    asking = (
        "Speaker 2",
        "¿Sabes cuántos clientes perdimos en 2019 con aquella obra? Fueron 400 personas en un solo mes de "
        "verano. ¿Y sabes lo que hicimos después de todo aquello?",
    )
    transcript = _blocks((BLOCKS[0], asking, BLOCKS[2]), "es")
    ranked = builtin.rank_candidates(transcript, WINDOW)  # no audio: energy neutral for all
    assert _block_of(ranked[0], transcript) == 1
    top, rest = ranked[0].features, [sc.features for sc in ranked[1:]]
    assert top["hook"] > max(f["hook"] for f in rest) and top["specifics"] > max(f["specifics"] for f in rest)
    assert ranked[0].score > max(sc.score for sc in ranked[1:])


def test_the_same_transcript_marked_english_uses_the_word_lists() -> None:
    transcript = _blocks(BLOCKS, "es")
    english = builtin.rank_candidates(replace(transcript, language="en"), WINDOW)
    spanish = builtin.rank_candidates(transcript, WINDOW)
    assert all(sc.features["word_lists"] == 1.0 and "story" in sc.features for sc in english)
    assert all(sc.features["word_lists"] == 0.0 for sc in spanish)
    weights = scorer.weights_for(False)
    assert set(weights) == set(scorer.WEIGHTS) - {"contrast", "story"}
    assert sum(weights.values()) == pytest.approx(sum(scorer.WEIGHTS.values()))


SAMPLES = {
    **SCRIPTS,
    "fi": "Kaupunki avasi eilen uuden kirjaston keskustaan. Se on auki joka päivä kahdeksasta kahteenkymmeneen. "
    "Mitä mieltä sinä olet siitä? Minusta se on hieno asia koko kaupungille.",
    "ja": "昨日 町の 中心に 新しい 図書館が 開きました。 毎日 朝 八時から 開いています。 "
    "あなたは どう 思いますか？ 私は とても いいと 思います。",
    "ar": "افتتحت المدينة أمس مكتبة جديدة في الوسط. إنها مفتوحة كل يوم من الصباح حتى المساء. "
    "ما رأيك في ذلك؟ أعتقد أنها فكرة رائعة للجميع.",
}


@pytest.mark.parametrize("language", list(SAMPLES))
def test_transcripts_in_many_languages_give_explained_highlights(language: str) -> None:
    text = SAMPLES[language]
    transcript = replace(transcript_of([("Speaker 1", text), ("Speaker 2", text)]), language=language)
    ranked = builtin.rank_candidates(transcript, HighlightOptions(min_length=5.0, max_length=60.0))
    assert ranked
    words = {t.lower() for t in features.tokens(text)}
    for sc in ranked:
        assert sc.features["word_lists"] == 0.0
        assert sc.title and sc.reason.endswith("”") and sc.hashtags
        assert all(tag[1:].lower() in words for tag in sc.hashtags), sc.hashtags  # words of the clip


GERMAN = [s.strip() + "." for s in SCRIPTS["de"].split(".") if s.strip()] + [
    "Die Kinder gehen jeden Morgen zu Fuß in die Schule.",
    "Der Bäcker öffnet seinen Laden schon um sechs Uhr.",
    "Im Sommer sitzen die Leute gern am Fluss und reden.",
    "Der Markt auf dem Platz ist jeden Samstag voll.",
    "Die alte Brücke wird im Herbst repariert und gestrichen.",
]


def test_function_words_of_an_unknown_language_make_no_hashtags() -> None:
    window = " ".join(GERMAN[:2])
    weights = features.keyword_weights(window, GERMAN, word_lists=False)
    assert not {"der", "die", "den"} & set(weights)  # each in more than two of the ten sentences
    assert {"stadtverwaltung", "busse", "innenstadt", "minuten"} <= set(weights)
    # The English lists would have kept German function words ("der", "die" are no English stopwords).
    assert {"der", "die"} <= set(features.keyword_weights(window, GERMAN))


def test_hashtags_keep_letters_of_any_script() -> None:
    assert features.pick_hashtags({"größe": 2.0, "автобусы": 1.5, "नमस्ते": 1.0}) == ("#Größe", "#Автобусы", "#नमस्ते")
    assert features.pick_hashtags({"well-known": 1.0}) == ("#WellKnown",)


def test_a_word_list_free_window_is_never_scored_on_missing_features() -> None:
    transcript = _blocks(BLOCKS, "fi")
    sentences = split_sentences(list(transcript.words), SplitOptions(comma_splices=False))
    prep = builtin.prepare(sentences, word_lists=False)
    feats = scorer.window_features(prep, 0, 3)
    assert scorer.combine(feats, 10.0, WINDOW, scorer.weights_for(False)) > 0
    with pytest.raises(KeyError):
        scorer.combine(feats, 10.0, WINDOW)  # the English weights would need contrast and story
