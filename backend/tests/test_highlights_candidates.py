"""Candidate windows and the stand-alone check on a clip's opening."""

from __future__ import annotations

import pytest

from spaceclip.services.highlights.candidates import DROP_BELOW, generate_windows, opening_reference
from spaceclip.services.highlights.sentences import split_sentences
from spaceclip.services.highlights.types import HighlightOptions
from tests.highlight_words import transcript_of


@pytest.mark.parametrize(
    ("opening", "verdict"),
    [
        # stands alone
        ("Here is what nobody tells beginners.", "alone"),
        ("I will never forget mile twenty two.", "alone"),
        ("We opened in a tiny shop next to the station.", "alone"),
        ("Most small businesses do not need more features.", "alone"),
        ("Within two months, those hours made half our revenue.", "alone"),
        ("Which habit matters most?", "alone"),
        ("Who would you hire first?", "alone"),
        ("Count everything.", "alone"),
        ("Um, my strongest opinion is this.", "alone"),
        ("There is one rule.", "alone"),
        ("Too many founders build before they ask.", "alone"),
        ("Either you pay now or you pay later.", "alone"),
        # leans on what came before: kept, with a penalty
        ("So we tried one crazy thing.", "mild"),
        ("But the customers loved it.", "mild"),
        ("And we never looked back.", "mild"),
        ("It took about three weekends.", "mild"),
        ("They knew apples came from a shop.", "mild"),
        ("Then one winter we almost closed.", "mild"),
        ("Yes, count everything.", "mild"),
        ("Those moments happen a lot.", "mild"),
        ("Uh, because the price doubled.", "mild"),
        ("This is the secret.", "mild"),
        # points back: dropped
        ("And that's why we built a tracker.", "back"),
        ("That's why we built a tracker.", "back"),
        ("That is exactly why we built a cost tracker.", "back"),
        ("That is a classic story.", "back"),
        ("He said we should quit.", "back"),
        ("She told me we would finish together.", "back"),
        ("As I said, pricing matters.", "back"),
        ("Like I said before, pricing matters.", "back"),
        ("Which is why we moved.", "back"),
        ("Who runs a bakery.", "back"),
        ("Exactly, that was the point.", "back"),
        ("Also, the shoes were new.", "back"),
        ("Um, anyway, let us move on.", "back"),
    ],
)
def test_opening_reference(opening: str, verdict: str) -> None:
    score, matched = opening_reference(opening)
    if verdict == "alone":
        assert score == 1.0 and matched is None
    elif verdict == "mild":
        assert DROP_BELOW <= score < 1.0 and matched
    else:
        assert score < DROP_BELOW and matched


def test_opening_of_nothing_is_not_standalone() -> None:
    assert opening_reference("um uh")[0] == 0.0


TURNS = [
    ("Speaker 1", "Welcome to the show, it is good to have you here today."),
    ("Speaker 2", "Thanks. We opened a tiny shop next to the station years ago."),
    ("Speaker 2", "That is why we sold bread every single morning to the workers."),
    ("Speaker 1", "How did the first winter go for the two of you and the shop?"),
    ("Speaker 2", "We almost closed, we had eleven hundred dollars left in the bank."),
    ("Speaker 1", "Thank you both, see you next week."),
]


def test_windows_are_whole_sentences_within_lengths_and_range() -> None:
    transcript = transcript_of(TURNS)
    sentences = split_sentences(list(transcript.words))
    options = HighlightOptions(min_length=5.0, max_length=12.0)
    windows = generate_windows(sentences, options)
    assert windows
    starts = {s.start for s in sentences}
    ends = {s.end for s in sentences}
    for w in windows:
        assert 5.0 <= w.end - w.start <= 12.0
        assert w.start in starts and w.end in ends
        assert w.start == sentences[w.first].start and w.end == sentences[w.last - 1].end
        assert w.text == " ".join(s.text for s in sentences[w.first : w.last])
        assert w.standalone
        assert not w.text.startswith("That is why")  # a back-reference never opens a window
    assert [(w.first, w.last) for w in windows] == sorted((w.first, w.last) for w in windows)

    inside = HighlightOptions(min_length=5.0, max_length=12.0, start=sentences[2].start - 0.01, end=sentences[5].end)
    ranged = generate_windows(sentences, inside)
    assert ranged and all(w.start >= inside.start and w.end <= sentences[5].end for w in ranged)  # type: ignore[operator]


def test_speakers_use_display_names_in_order() -> None:
    transcript = transcript_of(TURNS)
    sentences = split_sentences(list(transcript.words))
    names = {"Speaker 1": "Host", "Speaker 2": "Lena"}
    windows = generate_windows(sentences, HighlightOptions(min_length=1.0, max_length=30.0), names)  # type: ignore[arg-type]
    first = next(w for w in windows if w.first == 0 and w.last >= 3)
    assert first.speakers == ("Host", "Lena")


def test_only_back_references_are_kept_rather_than_nothing() -> None:
    transcript = transcript_of([("Speaker 1", "That is why we left the city and never came back to it again.")])
    sentences = split_sentences(list(transcript.words))
    windows = generate_windows(sentences, HighlightOptions(min_length=2.0, max_length=30.0))
    assert [(w.first, w.last, w.standalone) for w in windows] == [(0, 1, False)]


def test_nothing_fits_a_minimum_longer_than_the_transcript() -> None:
    sentences = split_sentences(list(transcript_of(TURNS).words))
    assert generate_windows(sentences, HighlightOptions(min_length=300.0, max_length=400.0)) == []
