"""The word lists behind the sentence features, titles and hashtags (data only).

They are general devices of spoken storytelling and of podcast housekeeping, not tuned to any one
transcript. Words are lower case; phrases are matched between spaces on cleaned, lower-case text
(see :mod:`.features`). A long vocabulary is written as one string and split, to stay readable.

They are English (:data:`LANGUAGES`). For a transcript in another language (:func:`covers` is
False) nothing here is matched: the features fall back to what they measure without words (see
:mod:`.scorer`), so an English "no", "so" or "die" is never taken for what it means in English.
"""

from __future__ import annotations

__all__ = [
    "ABSOLUTES",
    "BACKCHANNEL",
    "CONCLUSION_PHRASES",
    "CONTRAST_PHRASES",
    "EMOTION_WORDS",
    "FILLER_WORDS",
    "FIRST_PERSON",
    "GENERIC_WORDS",
    "HOOK_PHRASES",
    "HOUSEKEEPING_PHRASES",
    "IMPERATIVE_VERBS",
    "LANGUAGES",
    "LEADING_NOISE",
    "NARRATIVE_ANCHORS",
    "NUMBER_WORDS",
    "PAST_VERBS",
    "QUESTION_OPENERS",
    "STALLING_PHRASES",
    "STOPWORDS",
    "SUPERLATIVES",
    "TRAILING_WEAK",
    "UNIT_WORDS",
    "covers",
]

#: The languages the word lists are written in (ISO 639-1 codes, as Whisper reports a transcript's).
LANGUAGES = frozenset({"en"})


def covers(language: str | None) -> bool:
    """Whether the word lists apply to a transcript in ``language`` (``"en"``, ``"en-GB"``, ``"EN"``).

    An unknown language (None) counts as English: transcripts stored before languages were
    detected, and every one the bundled English-only ``tiny.en`` model makes, are English.
    """
    if language is None:
        return True
    return language.strip().lower().replace("_", "-").split("-")[0] in LANGUAGES


def _words(text: str) -> list[str]:
    """A word list written as one string (keeps long vocabularies readable)."""
    return text.split()


STOPWORDS = frozenset(
    _words(
        """a about above after again against all almost also am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
    down during each even ever every few for from further get gets getting got had hadn't has hasn't have
    haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm
    i've if in into is isn't it it's its itself just let let's like lot lots made make makes many me might
    more most much must mustn't my myself no nor not now of off on once one only or other ought our ours
    ourselves out over own really right said same say says see shall she she'd she'll she's should shouldn't
    so some still such sure than that that's the their theirs them themselves then there there's these they
    they'd they'll they're they've thing things think this those though through to too under until up upon
    us very want was wasn't way we we'd we'll we're we've well were weren't what what's when when's where
    where's which while who who's whom why why's will with won't would wouldn't yeah yes yet you you'd
    you'll you're you've your yours yourself yourselves okay ok oh um uh actually basically kind sort mean
    maybe probably pretty quite something anything everything nothing someone anyone everyone nobody thank
    thanks know go going gone come came take took give gave tell told put back first next last new old good
    great little big long today tomorrow yesterday time times year years day days week weeks month months
    hour hours minute minutes people person man woman guy guys always never"""
    )
)
# Common verbs, adjectives and adverbs: true but useless as hashtags ("#Need", "#Away", "#Busy").
GENERIC_WORDS = frozenset(
    _words(
        """need needs ask asks build builds care away finish stop sit hold keep help try use used find found feel felt
    look looks work works call start run runs walk walks turn turns show shows love loves hate hates buy
    sell spend pay paid send sent write wrote ride read talk talks tell tells mean means hope hopes bring
    brought happen happened happens change changed become became nice hard easy whole single simple small
    large huge tiny real true able sure busy fine cold hot high low early late fast slow full half part lot
    everybody somebody ever even often usually later soon already almost enough maybe perhaps alright else
    instead exactly absolutely definitely totally crazy amazing incredible interesting important different
    same another each both once twice today tonight morning evening night afternoon within without across
    around along behind beside beyond toward towards among since whether whatever although because
    better worse left ago"""
    )
)

NUMBER_WORDS = frozenset(
    _words(
        """two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion
    trillion half third quarter twice double doubled triple tripled percent dozen dozens"""
    )
)
UNIT_WORDS = frozenset(
    _words(
        """percent dollars dollar euros euro pounds pound bucks cents hours hour minutes minute seconds days day weeks
    week months month years year miles mile kilometers kilometres km kilos kilograms pounds meters metres
    feet times people customers users clients employees slices copies downloads subscribers followers sales
    revenue"""
    )
)
QUESTION_OPENERS = frozenset(
    _words(
        """what why how when where who which whose whom is are was were do does did can could would should will have
    has"""
    )
)
# Openings that announce something worth hearing ("here's what nobody tells you", "the secret is").
HOOK_PHRASES = (
    "here is what",
    "here's what",
    "here is the",
    "here's the",
    "here is why",
    "here's why",
    "nobody tells",
    "no one tells",
    "nobody talks about",
    "no one talks about",
    "the secret",
    "the truth",
    "the biggest",
    "the one thing",
    "the one mistake",
    "the number one",
    "the mistake",
    "the problem is",
    "the real reason",
    "the real problem",
    "my strongest opinion",
    "unpopular opinion",
    "hot take",
    "controversial",
    "most people",
    "everyone thinks",
    "everybody thinks",
    "i will never forget",
    "i'll never forget",
    "i never forget",
    "let me tell you",
    "what if",
    "imagine",
    "total failure",
    "complete failure",
    "biggest mistake",
    "worst mistake",
    "the rule is",
    "the lesson",
    "turns out",
    "it turns out",
    "the day i",
    "the day we",
    "nobody believed",
    "no one believed",
    "everything changed",
    "changed everything",
)
IMPERATIVE_VERBS = frozenset(
    _words(
        """stop start count never always don't do think remember imagine ask try look listen forget fall talk write
    read buy sell focus find build make take keep quit learn spend save stay avoid trust measure ship charge
    call hire fire test track check cut drop pay move put get go give set let stick pick choose automate"""
    )
)
SUPERLATIVES = frozenset(
    _words(
        """best worst biggest smallest strongest weakest hardest easiest fastest slowest most least greatest highest
    lowest largest cheapest richest poorest simplest craziest scariest happiest saddest"""
    )
)
ABSOLUTES = frozenset(_words("""never always nobody everyone everybody nothing every only none"""))
CONTRAST_PHRASES = (
    "but",
    "actually",
    "turns out",
    "turned out",
    "instead",
    "however",
    "yet",
    "although",
    "surprise",
    "surprising",
    "surprisingly",
    "in fact",
    "the truth",
    "nobody",
    "no one",
    "the opposite",
    "wrong",
    "mistake",
    "failure",
    "failed",
    "unexpected",
    "suddenly",
    "did not",
    "didn't",
    "never",
    "not with",
    "rather than",
    "only",
)
EMOTION_WORDS = frozenset(
    _words(
        """love loved hate hated cried cry crying tears afraid scared fear feared crazy incredible amazing terrible
    awful angry proud happy sad died dead death alone lost saved almost shocked excited worried nervous
    painful pain bleeding hurt broke broken failure failed disaster desperate laughed laugh heart miracle
    panic panicked embarrassed ashamed thrilled furious devastated unforgettable beautiful brutal fired
    bankrupt quit"""
    )
)
PAST_VERBS = frozenset(
    _words(
        """was were had did went came got made took said told saw sat ran felt found knew thought bought sold lost won
    spent left began became met held kept built threw forgot wrote opened closed started stopped tried
    walked finished decided realized realised learned learnt moved joined launched raised hired asked needed
    wanted used sent paid cried stayed changed called noticed ignored dropped removed"""
    )
)
NARRATIVE_ANCHORS = (
    "one day",
    "one night",
    "one morning",
    "one winter",
    "one summer",
    "one year",
    "years ago",
    "last year",
    "the next year",
    "that year",
    "that day",
    "when i was",
    "when we were",
    "i remember",
    "at first",
    "back then",
    "on launch day",
    "the first time",
)
FIRST_PERSON = frozenset(_words("""i we my our me us i'm we're i've we've"""))
CONCLUSION_PHRASES = (
    "that's why",
    "that is why",
    "which is why",
    "the lesson",
    "the rule",
    "the point",
    "in the end",
    "ever since",
    "since then",
    "finally",
    "now i",
    "now we",
    "still",
    "saved",
    "that's how",
    "that is how",
    "so we",
    "every",
    "never",
    "always",
    "nothing",
    "beats",
)
# Greetings, thanks, sponsor reads, calls to action and sign-offs: never the moment worth sharing.
HOUSEKEEPING_PHRASES = (
    "welcome to",
    "welcome back",
    "welcome to the show",
    "thanks for having me",
    "thank you for having me",
    "thanks for inviting",
    "thank you for inviting",
    "thank you for the invitation",
    "thanks for the invitation",
    "glad to be here",
    "happy to be here",
    "great to be here",
    "good to be here",
    "subscribe",
    "sponsor",
    "brought to you by",
    "supported by",
    "link in the description",
    "in the show notes",
    "newsletter",
    "patreon",
    "become a member",
    "promo code",
    "use code",
    "discount code",
    "like and subscribe",
    "rate and review",
    "leave a review",
    "see you next",
    "see you all",
    "next week",
    "next time",
    "that's all for",
    "that is all for",
    "all the time we have",
    "thanks for listening",
    "thank you for listening",
    "thanks for watching",
    "back to the show",
    "back to the conversation",
    "quick note",
    "quick reminder",
    "quick word",
    "before we start",
    "before we begin",
    "before we go on",
    "before we continue",
    "goodbye",
    "good morning",
    "good evening",
    "good afternoon",
    "hello everyone",
    "hi everyone",
    "hey everyone",
    "my guest",
    "joined by",
    "with me today",
    "in the studio",
    "check the time",
    "minutes left",
    "thank you both",
    "thanks both",
    "on the website",
    "our website",
    "tickets are",
    "by the way",
    "how was your weekend",
    "the weather",
    "this is episode",
    "episode number",
    "we are recording",
    "we're recording",
    "show notes",
    "out of time",
    "that is it for",
    "that's it for",
    "thank you for sharing",
    "thanks for sharing",
    "i appreciate it",
    "thanks for coming",
    "thank you for coming",
)
# Stalling while thinking of an answer: the answer is the moment, not this.
STALLING_PHRASES = (
    "good question",
    "great question",
    "interesting question",
    "let me think",
    "how to put it",
    "how do i put it",
    "where do i start",
    "where do i begin",
    "that is a tough one",
    "that's a tough one",
)
BACKCHANNEL = frozenset(
    _words(
        """yes yeah yep no nope right okay ok sure wow great nice cool interesting exactly absolutely definitely
    totally true indeed oh ah hmm uh um alright well thanks thank you so that is something incredible
    amazing i know what mean good fine lovely brilliant perfect awesome fantastic of course appreciate it"""
    )
)
FILLER_WORDS = frozenset(["um", "uh", "er", "erm", "ah", "hmm", "like"])

# Openers a title drops, and words it never ends on.
LEADING_NOISE = frozenset(
    _words("""so and but well um uh er yes yeah no okay ok alright right oh then also because plus like""")
)
TRAILING_WEAK = frozenset(
    _words(
        """a an the and or but of to in on at for with from by my our your their his her its is are was were that which
    who so as than if"""
    )
)
