"""Non-English speech for language-detection tests and benchmarks, made at run time.

Each language has a short news-like paragraph (written for SpaceClip; about 25-35 s spoken, no
digits, so a transcript can be scored word for word) and an espeak-ng voice. espeak-ng is the only
offline synthesiser here with non-English voices (Debian's festival and flite voices and the piper
voice are English), so the speech is robotic: a harder test of detection than a real recording.

Usage as a script: ``python -m tests.languages OUT_DIR [CODE ...]`` writes ``CODE.wav`` and ``CODE.txt``.
"""

# ruff: noqa: RUF001  (the scripts are Cyrillic and Turkish on purpose)
from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.conversations import RATE, _write_wav, synthesize, trim

#: Whisper language code -> paragraph.
SCRIPTS: dict[str, str] = {
    "de": (
        "Die Stadtverwaltung hat am Montag neue Pläne für den öffentlichen Nahverkehr vorgestellt. "
        "Ab dem kommenden Frühjahr sollen die Busse in der Innenstadt alle zehn Minuten fahren, auch am "
        "Wochenende. Außerdem werden drei neue Radwege gebaut, die den Bahnhof mit der Universität "
        "verbinden. Der Bürgermeister sagte, man wolle den Verkehr in der Altstadt deutlich verringern. "
        "Kritiker bemängeln jedoch, dass die Finanzierung noch nicht gesichert sei."
    ),
    "fr": (
        "Le gouvernement a présenté ce matin un nouveau plan pour protéger les forêts du sud du pays. "
        "Après un été très sec, les pompiers ont lutté pendant des semaines contre des incendies qui ont "
        "détruit des milliers d'hectares. Le ministre a promis davantage de moyens pour les équipes "
        "locales et une meilleure surveillance pendant les périodes de chaleur. Les maires des communes "
        "touchées demandent cependant une aide rapide pour les familles qui ont perdu leur maison."
    ),
    "es": (
        "El ayuntamiento de la ciudad anunció ayer que la biblioteca central abrirá sus puertas también "
        "por la noche durante el periodo de exámenes. Los estudiantes podrán quedarse hasta la medianoche "
        "y tendrán acceso gratuito a internet y a salas de estudio silenciosas. Según la concejala de "
        "cultura, la medida responde a una petición de miles de jóvenes que no tienen un lugar tranquilo "
        "en casa. Si la experiencia funciona bien, el horario se ampliará el próximo año."
    ),
    "it": (
        "Questa mattina il treno regionale per Firenze è partito con più di un'ora di ritardo a causa di "
        "un guasto alla linea elettrica. Centinaia di pendolari sono rimasti fermi in stazione senza "
        "ricevere informazioni chiare. La società ferroviaria si è scusata e ha promesso un rimborso per "
        "tutti i viaggiatori coinvolti. Intanto i sindaci della zona chiedono investimenti urgenti per "
        "rinnovare una rete che considerano vecchia e poco affidabile."
    ),
    "pt": (
        "O governo anunciou hoje um novo programa para apoiar os pequenos agricultores do interior do "
        "país. Durante os próximos meses, as famílias que trabalham no campo poderão pedir empréstimos "
        "com juros baixos para comprar máquinas e sementes. O ministro da agricultura explicou que o "
        "objetivo é reduzir a dependência de produtos importados e criar mais empregos nas aldeias. As "
        "associações do setor receberam a notícia com satisfação, mas pedem menos burocracia."
    ),
    "nl": (
        "De gemeente heeft gisteren besloten om het oude zwembad in het centrum van de stad te "
        "renoveren. De werkzaamheden beginnen na de zomer en duren ongeveer een jaar. Tijdens de "
        "verbouwing kunnen zwemmers terecht in het sportcentrum aan de rand van de stad, waar extra "
        "bussen naartoe rijden. De wethouder zegt dat het nieuwe zwembad duurzamer wordt, met "
        "zonnepanelen op het dak en een betere isolatie. Omwonenden zijn blij dat het gebouw blijft."
    ),
    "pl": (
        "W sobotę w centrum miasta odbył się festiwal muzyki ludowej, który przyciągnął tysiące "
        "mieszkańców i turystów. Na głównym placu wystąpili artyści z różnych regionów kraju, a w parku "
        "można było spróbować tradycyjnych potraw. Organizatorzy podkreślają, że tegoroczna edycja była "
        "największa w historii wydarzenia. Policja poinformowała, że zabawa przebiegła spokojnie, choć "
        "wieczorem na niektórych ulicach tworzyły się duże korki."
    ),
    "ru": (
        "Вчера в городе открылся новый музей современного искусства. В первый же день его посетили "
        "несколько тысяч человек, а у входа выстроилась длинная очередь. В залах можно увидеть картины "
        "и скульптуры молодых художников со всей страны. Директор музея рассказал, что по выходным здесь "
        "будут проходить бесплатные экскурсии для школьников и студентов. Многие жители считают, что "
        "городу давно было нужно такое место."
    ),
    "sv": (
        "Regeringen presenterade i går en ny plan för att bygga fler bostäder i de stora städerna. Under "
        "de kommande åren ska kommunerna få extra pengar för att planera nya områden nära "
        "kollektivtrafiken. Bostadsministern sade att många unga i dag inte har råd att flytta hemifrån. "
        "Oppositionen menar att förslaget kommer för sent och att hyrorna redan har stigit kraftigt. "
        "Byggföretagen välkomnar beskedet men varnar för brist på arbetskraft."
    ),
    "tr": (
        "Belediye dün yaptığı açıklamada şehir merkezindeki eski parkın yeniden düzenleneceğini duyurdu. "
        "Çalışmalar sonbaharda başlayacak ve yaklaşık bir yıl sürecek. Parka yeni ağaçlar dikilecek, "
        "çocuklar için oyun alanları ve bisiklet yolları yapılacak. Belediye başkanı, projenin mahalle "
        "sakinlerinin önerileriyle hazırlandığını söyledi. Esnaf ise çalışmalar sırasında müşterilerin "
        "azalmasından endişe ediyor."
    ),
    "cs": (
        "Ve čtvrtek večer zasáhla jižní Moravu silná bouřka, která poškodila desítky domů a vyvrátila "
        "mnoho stromů. Hasiči vyjížděli k více než stovce zásahů a několik silnic muselo být uzavřeno. "
        "Elektřina byla v některých obcích přerušena až do rána. Starostové postižených vesnic žádají "
        "kraj o rychlou pomoc. Meteorologové varují, že podobné počasí se může o víkendu vrátit."
    ),
}

#: Whisper language code -> espeak-ng voice.
VOICES: dict[str, str] = {code: f"espeak-ng:{code}" for code in SCRIPTS}


@dataclass(frozen=True)
class SpokenClip:
    language: str
    text: str
    wav: Path  # 16 kHz mono s16
    duration: float
    speech_start: float  # where the speech begins (after any lead-in)


def normalize_text(text: str) -> str:
    """Lower case, punctuation and apostrophes as spaces, one space between words (any script)."""
    cleaned = "".join(c if c.isalnum() else " " for c in text.lower())
    return " ".join(cleaned.split())


def spoken_samples(language: str, workdir: Path, *, text: str | None = None) -> np.ndarray:
    """``text`` (default: the language's paragraph) spoken by its voice, float32 at 16 kHz, trimmed."""
    return trim(synthesize(VOICES[language], text or SCRIPTS[language], workdir, 0))


def tone(seconds: float) -> np.ndarray:
    """A music-like stand-in: a slow arpeggio of three sine notes with a beat, no speech in it."""
    t = np.arange(round(seconds * RATE)) / RATE
    notes = (220.0, 277.2, 329.6)
    which = (t // 0.5).astype(int) % len(notes)
    pitch = np.take(notes, which)
    wave = 0.2 * np.sin(2 * np.pi * pitch * t) + 0.1 * np.sin(2 * np.pi * 2 * pitch * t)
    return np.asarray(wave * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t) ** 2), dtype=np.float32)


def speak(language: str, out_dir: Path, *, text: str | None = None, lead_in: np.ndarray | None = None) -> SpokenClip:
    """Write ``out_dir/<language>.wav``: ``lead_in`` (default 0.5 s of silence), the speech, 0.5 s of silence."""
    text = text or SCRIPTS[language]
    with tempfile.TemporaryDirectory(prefix="language-") as tmp:
        speech = spoken_samples(language, Path(tmp), text=text)
    head = np.zeros(RATE // 2, dtype=np.float32) if lead_in is None else lead_in
    audio = np.concatenate([head, speech * np.float32(0.8 / max(1e-6, float(np.abs(speech).max())))])
    audio = np.concatenate([audio, np.zeros(RATE // 2, dtype=np.float32)])
    wav = out_dir / f"{language}.wav"
    _write_wav(wav, audio)
    return SpokenClip(language, text, wav, round(audio.size / RATE, 3), round(head.size / RATE, 3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("languages", nargs="*", default=list(SCRIPTS))
    args = parser.parse_args()
    for code in args.languages:
        clip = speak(code, args.out_dir)
        clip.wav.with_suffix(".txt").write_text(clip.text + "\n", encoding="utf-8")
        print(f"{code}: {clip.duration:.1f} s -> {clip.wav}")


if __name__ == "__main__":
    main()
