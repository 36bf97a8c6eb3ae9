"""Text features, extractive titles and hashtags (pure functions as tables)."""

from __future__ import annotations

import re

import pytest

from spaceclip.services.highlights import features as f
from spaceclip.services.highlights import lexicon


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("Here is what nobody tells beginners.", 0.6, 1.0),
        ("What is the one mistake you see on race day?", 0.7, 1.0),
        ("We sold 3,000 slices at a loss before anyone noticed.", 0.3, 1.0),
        ("Count everything.", 0.3, 1.0),
        ("My strongest opinion is this, most businesses need fewer features.", 0.6, 1.0),
        ("the weather was okay and we went home after lunch with everyone", 0.0, 0.3),
        ("Welcome to the show, thanks for having me.", 0.0, 0.0),
        ("Right, okay.", 0.0, 0.0),
    ],
)
def test_hook_score(sentence: str, low: float, high: float) -> None:
    assert low <= f.hook_score(sentence) <= high


@pytest.mark.parametrize(
    ("sentence", "numbers", "names"),
    [
        ("We had eleven hundred dollars left in the bank.", 1, 0),
        ("We removed 60 percent of the buttons last spring.", 1, 0),
        ("I ran in Chicago with Marcus and Priya.", 0, 3),
        ("I finished forty minutes faster.", 1, 0),
        ("Nothing concrete in here at all.", 0, 0),
        ("We sold 3,000 slices.", 1, 0),
    ],
)
def test_specifics(sentence: str, numbers: int, names: int) -> None:
    weight, found_numbers, found_names = f.specifics(sentence)
    assert (found_numbers, found_names) == (numbers, names)
    assert weight >= numbers + 0.7 * names


def test_units_make_numbers_weigh_more() -> None:
    assert f.specifics("We waited forty minutes.")[0] > f.specifics("We waited for forty.")[0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("But it turns out nobody actually wanted it.", 4),
        ("It was the biggest mistake.", 2),
        ("We went to the park and had coffee.", 0),
    ],
)
def test_contrast_hits(sentence: str, expected: int) -> None:
    assert f.contrast_hits(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("I sat down on the curb and cried.", 0.7, 1.0),
        ("One winter we almost closed.", 0.5, 1.0),
        ("Support tickets are handled by the team.", 0.0, 0.0),
    ],
)
def test_story_score(sentence: str, low: float, high: float) -> None:
    assert low <= f.story_score(sentence) <= high


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("Nothing new on race day, not your shoes, not your socks, not your breakfast.", 0.7, 1.0),
        ("Every button you add is a question your customer has to answer.", 0.5, 1.0),
        ("Thanks for having me.", 0.0, 0.0),
        (
            "We spent eighteen months building a scheduling app for dentists and then on launch day we had "
            "exactly three sign ups and two of them were our mothers who wanted to help us.",
            0.0,
            0.2,
        ),
    ],
)
def test_quotability(sentence: str, low: float, high: float) -> None:
    assert low <= f.quotability(sentence) <= high


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("Hello everyone and welcome back to Run Club Radio.", 0.7, 1.0),
        ("This episode is brought to you by Trail Socks, use code RUN for a discount.", 1.0, 1.0),
        ("Remember to like and subscribe, and see you next week.", 1.0, 1.0),
        ("Wow, yeah, that is something.", 0.8, 1.0),
        ("Um, uh, so, like, the thing.", 0.3, 1.0),
        ("We removed sixty percent of the buttons from our app.", 0.0, 0.0),
        ("I will never forget mile twenty two in Chicago.", 0.0, 0.0),
    ],
)
def test_filler_score(sentence: str, low: float, high: float) -> None:
    assert low <= f.filler_score(sentence) <= high


@pytest.mark.parametrize(
    ("sentence", "limit", "expected"),
    [
        ("Our first product was a total failure,", 70, "Our first product was a total failure"),
        ("so we threw away everything else.", 70, "We threw away everything else"),
        ("What is the one mistake you see on race day?", 70, "What is the one mistake you see on race day?"),
        ("Um, yes, well, okay.", 70, "Yes, well, okay"),
        (
            "Within two months, those early hours made half of our revenue and saved the whole business.",
            70,
            "Within two months, those early hours made half of our revenue…",
        ),
        (
            "Within two months of opening early, those hours made half of our revenue and saved the business.",
            70,
            "Within two months of opening early",  # cut at the clause comma
        ),
        (
            "Most small businesses do not need more features they need fewer buttons and simpler screens everywhere.",
            70,
            "Most small businesses do not need more features they need fewer…",
        ),
        ("Supercalifragilisticexpialidocious", 10, "Supercali…"),
    ],
)
def test_trim_title(sentence: str, limit: int, expected: str) -> None:
    title = f.trim_title(sentence, limit)
    assert title == expected
    assert len(title) <= limit


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "within two months, those hours made half our revenue,",
            "Within two months, those hours made half our revenue.",
        ),
        ("Why?", "Why?"),
        ("It was great.", "It was great."),
        ("  two   spaces ", "Two spaces."),
    ],
)
def test_display_sentence(sentence: str, expected: str) -> None:
    assert f.display_sentence(sentence) == expected


DOCUMENT = [
    "Welcome to the show about small bakeries.",
    "We opened a bakery next to the train station.",
    "The night shift workers bought bread every morning.",
    "Butter prices doubled and the cake lost money.",
    "We sold the cake at a loss for months.",
    "Thanks for listening.",
]


def test_hashtags_are_salient_camel_case_and_deterministic() -> None:
    window = " ".join(DOCUMENT[1:5])
    tags = f.hashtags(window, DOCUMENT, key_sentence=DOCUMENT[3])
    assert 3 <= len(tags) <= 5
    assert len(set(tags)) == len(tags)
    for tag in tags:
        assert re.fullmatch(r"#[A-Z][A-Za-z0-9]*", tag), tag
        assert tag[1:].lower() not in lexicon.STOPWORDS
    assert "#Butter" in tags or "#Cake" in tags
    assert f.hashtags(window, DOCUMENT, key_sentence=DOCUMENT[3]) == tags


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("the and of it was", ()),
        ("Buttons buttons button clinics", ("#Button", "#Clinics")),
        ("Strawberries and one strawberry", ("#Strawberry",)),
    ],
)
def test_hashtags_edge_cases(window: str, expected: tuple[str, ...]) -> None:
    assert f.hashtags(window, [window]) == expected


def test_sentence_features_salience_prefers_content_over_filler() -> None:
    content = f.sentence_features("We removed sixty percent of the buttons and support tickets dropped by a third.")
    filler = f.sentence_features("Thanks for having me, happy to be here.")
    question = f.sentence_features("What about you, tell us about your company?")
    assert content.salience > question.salience > filler.salience
    assert content.numbers == 2 and not content.question and question.question


SLEEP_WINDOW = (
    "The best ideas of the day often arrive in the first ten minutes after you wake up, "
    "before you look at your phone. Keep a notebook on the night stand instead of the phone."
)


@pytest.mark.parametrize(
    ("relevance", "first", "absent"),
    [
        # Without embeddings: frequency and rarity alone (the phone is said twice).
        (None, "#Phone", None),
        # Words about what the window is about rise; words that merely occur in it fall away.
        ({"notebook": 0.7, "phone": 0.6, "ideas": 0.5, "best": 0.02, "arrive": 0.0}, "#Phone", "#Best"),
        # A word the model finds unrelated (negative similarity) weighs as little as an unrelated one.
        ({"phone": -0.3, "notebook": 0.4}, "#Notebook", None),
    ],
)
def test_hashtags_follow_relevance(relevance: dict[str, float] | None, first: str, absent: str | None) -> None:
    tags = f.hashtags(SLEEP_WINDOW, [SLEEP_WINDOW], relevance=relevance)
    assert tags[0] == first, tags
    if absent is not None:
        assert absent not in tags
        assert absent in f.hashtags(SLEEP_WINDOW, [SLEEP_WINDOW])  # it was there without relevance
