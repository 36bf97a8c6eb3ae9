"""The languages Whisper knows, by the code it uses (``de``, ``pt``, ``haw``...), with English names.

A project's ``language`` is one of these codes, or None to let a multilingual model detect it.
``tests/test_whisper_models.py`` checks the codes against faster-whisper's own list.
"""

from __future__ import annotations

__all__ = ["AUTO", "WHISPER_LANGUAGES", "normalize_language"]

#: What a client sends to go back to detection.
AUTO = "auto"

_NAMES = """
af Afrikaans|am Amharic|ar Arabic|as Assamese|az Azerbaijani|ba Bashkir|be Belarusian|bg Bulgarian|bn Bengali|
bo Tibetan|br Breton|bs Bosnian|ca Catalan|cs Czech|cy Welsh|da Danish|de German|el Greek|en English|es Spanish|
et Estonian|eu Basque|fa Persian|fi Finnish|fo Faroese|fr French|gl Galician|gu Gujarati|ha Hausa|haw Hawaiian|
he Hebrew|hi Hindi|hr Croatian|ht Haitian Creole|hu Hungarian|hy Armenian|id Indonesian|is Icelandic|it Italian|
ja Japanese|jw Javanese|ka Georgian|kk Kazakh|km Khmer|kn Kannada|ko Korean|la Latin|lb Luxembourgish|ln Lingala|
lo Lao|lt Lithuanian|lv Latvian|mg Malagasy|mi Maori|mk Macedonian|ml Malayalam|mn Mongolian|mr Marathi|ms Malay|
mt Maltese|my Myanmar|ne Nepali|nl Dutch|nn Nynorsk|no Norwegian|oc Occitan|pa Punjabi|pl Polish|ps Pashto|
pt Portuguese|ro Romanian|ru Russian|sa Sanskrit|sd Sindhi|si Sinhala|sk Slovak|sl Slovenian|sn Shona|so Somali|
sq Albanian|sr Serbian|su Sundanese|sv Swedish|sw Swahili|ta Tamil|te Telugu|tg Tajik|th Thai|tk Turkmen|
tl Tagalog|tr Turkish|tt Tatar|uk Ukrainian|ur Urdu|uz Uzbek|vi Vietnamese|yi Yiddish|yo Yoruba|zh Chinese|
yue Cantonese
"""

#: Code → English name, in faster-whisper's order.
WHISPER_LANGUAGES: dict[str, str] = dict(item.strip().split(" ", 1) for item in _NAMES.replace("\n", "").split("|"))


def normalize_language(value: str | None) -> str | None:
    """A language setting as stored: a known code (lower case), or None for "detect" (``auto`` or blank).

    Raises:
        ValueError: not a language Whisper knows (the message lists how to find the codes).
    """
    if value is None:
        return None
    code = value.strip().lower()
    if code in ("", AUTO):
        return None
    if code not in WHISPER_LANGUAGES:
        raise ValueError(
            f"{value!r} is not a language Whisper knows. Use a code such as de, es, fr, it, pt or ja "
            f"(one of {len(WHISPER_LANGUAGES)}), or 'auto' to detect it."
        )
    return code
