"""Vietnamese text normalisation for matching citizens' questions.

Citizens type on phones: often without diacritics, sometimes with the input
method half off ("khai sinhf", "ddang ky", "kha1i"), with teencode ("cần j
ak"), abbreviations ("gks", "đkkh") and everyday words for official ones ("sổ
đỏ", "công chứng"), with the old or new tone placement ("hoà"/"hòa"). Everything
is folded to plain ASCII syllables, a lone y spelt i, so "đăng kí" and "dang
ky" meet.

Folding makes different words collide ("cần" need / "căn" in căn cước, "từ"
from / "tử" in khai tử). So stopwords are recognised by their accented form
when the citizen typed accents; an unaccented token that only *might* be a
stopword is kept as "weak": it takes part in two-word terms ("can cuoc") but
not as a word on its own. The same analysis runs on procedure names and on
questions, so both sides always agree.

Some words change what the others mean, and get the same treatment on both
sides too: words a negation covers ("không có lương hưu", "không phải đăng ký
tôn giáo, mà là ...") become other terms ("!luong !huu"), and so do the words
of a purpose clause after a request ("xin giấy độc thân để ~vay ~ngan ~hang").
Phrases that mark another kind of question altogether ("giá rẻ", "mua ở đâu",
"lịch tiêm") are counted for the matcher. Punctuation closes a clause, so a
negation or a purpose never reaches past a comma. Synonyms respect the marks
the citizen typed: "dụng" is not "dừng", though "dung" may be either.

The module-level functions are pure; `Normalizer` only reads its data file
when constructed.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Set
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from knowledge.runtime_caches import LeavesCachesOut
from knowledge.yaml_file import load_yaml

DEFAULT_SYNONYMS = Path(__file__).resolve().parent / "synonyms.yaml"

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_VOWELS = frozenset("aăâeêioôơuưy")
_QUALITY_VOWELS = frozenset("ăâêôơư")
_WORD_RE = re.compile(r"[^\W_]+")
_AGE_RE = re.compile(r"\d{1,3}t")  # an age typed short: "bé 10t"
# Punctuation that closes a clause: a negation ("không có lương hưu, ...") never reaches past it.
_WORD_OR_BREAK_RE = re.compile(r"[^\W_]+|[,.;:!?()\[\]…\n]")
_REPEAT_RE = re.compile(r"(.)\1{2,}")


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for cp in range(0xC0, 0x1F00):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and len(base) == 1 and base.isascii():
            table[cp] = base
    # Combining marks left over in text that was not NFC.
    for cp in range(0x300, 0x370):
        table[cp] = ""
    return table


_FOLD_TABLE = _build_fold_table()

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
_NUCLEI = (
    "ieu|oai|oay|oao|oeo|uoi|uou|uya|uye|uyu|yeu|uay|"
    "ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ya|ye|"
    "a|e|i|o|u|y"
)
_SYLLABLE_RE = re.compile(rf"^({_ONSET})({_NUCLEI})(?:ng|nh|ch|[cmnpt])?$")
# Spelling rules of the onset before the vowel: "ngh", "gh", "k" before e, ê, i, y and "ng", "g", "c"
# elsewhere. "ngèo" breaks them, so it is a slip for "nghèo", not a word.
_FRONT_ONLY = frozenset({"ngh", "gh", "k"})
_BACK_ONLY = frozenset({"ng", "g", "c"})
_ONSET_RE = re.compile(_ONSET)
_TELEX_TONES_RE = re.compile(r"[sfrxjz]")
_STRAY_W_RE = re.compile(r"(?<=[bcdghklmnpqrstvx])w")
_TELEX_VOWELS = (("aw", "a"), ("aa", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"), ("w", "u"))
_VNI_RE = re.compile(r"^[a-z]+[0-9][a-z0-9]*$")


# ---------------------------------------------------------------- pure functions


def nfc(text: str) -> str:
    """Canonical composition, because phones and PDFs send both composed and decomposed marks."""
    return unicodedata.normalize("NFC", text)


def _tone_position(base: str) -> int | None:
    """Where the tone mark belongs in a toneless syllable, by the classic ("hòa", "thủy") rule."""
    low = base.lower()
    start = 0
    if low[:2] in ("qu", "gi") and len(low) > 2 and low[2] in _VOWELS:
        start = 2  # the u of qu and the i of gi belong to the onset
    i = start
    while i < len(low) and low[i] not in _VOWELS:
        i += 1
    run = []
    while i < len(low) and low[i] in _VOWELS:
        run.append(i)
        i += 1
    if not run:
        return None
    marked = [j for j in run if low[j] in _QUALITY_VOWELS]
    if marked:
        return marked[-1]
    if len(run) == 1:
        return run[0]
    if run[-1] + 1 < len(low):  # closed syllable: the last vowel carries it (hoàng, toán)
        return run[-1]
    if len(run) == 3:
        return run[1]
    return run[0]  # open two-vowel syllable, classic placement: hòa, khỏe, thủy, mùa


@functools.lru_cache(maxsize=65536)
def normalize_tone_placement(word: str) -> str:
    """Put the tone mark where the classic rule puts it: "hoà"/"hòa" and "thuỷ"/"thủy" become one word."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) != 1:
        return nfc(word)
    base = nfc("".join(c for c in decomposed if c not in _TONE_MARKS))
    pos = _tone_position(base)
    if pos is None:
        return nfc(word)
    return base[:pos] + nfc(base[pos] + tones[0]) + base[pos + 1 :]


def strip_marks(text: str) -> str:
    """Remove every diacritic, đ→d; the case is kept."""
    return text.translate(_FOLD_TABLE)


_LONE_Y_RE = re.compile(r"\b(qu|ngh|ng|nh|ch|gh|kh|ph|th|tr|[bcdghklmnprstvx])?y\b")
_LONE_Y_ACCENTED_RE = re.compile(r"\b(qu|ngh|ng|nh|ch|gh|kh|ph|th|tr|[bcdđghklmnprstvx])?([yýỳỷỹỵ])\b")
_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")


def fold_iy(word: str) -> str:
    """Spell a lone y as i ("ký"/"kí", "lý"/"lí", "quy"/"qui"): the same syllable in two spellings.

    Only where y is the whole vowel: "lấy"/"lại", "tay"/"tai", "thủy"/"thui" are different words.
    """
    return _LONE_Y_RE.sub(r"\1i", word) if "y" in word else word


@functools.lru_cache(maxsize=65536)
def accent_key(word: str) -> str:
    """The accented word with a lone y spelt i, so "ký" and "kí" agree; tells "cưới" from "cười"."""
    return _LONE_Y_ACCENTED_RE.sub(lambda m: (m.group(1) or "") + m.group(2).translate(_Y_TO_I), word.lower())


def fold(text: str) -> str:
    """Lowercase, no diacritics, i/y merged: the form everything is compared in."""
    return fold_iy(strip_marks(text.lower()))


def is_syllable(word: str) -> bool:
    """Could this unaccented lowercase word be one Vietnamese syllable? Used to spot typing leftovers."""
    m = _SYLLABLE_RE.match(word)
    if m is None:
        return False
    onset, vowel = m.group(1), m.group(2)[0]
    if onset == "g" and vowel == "i":
        return True  # "gì", "gìn": the i of the "gi" onset is the vowel too
    return onset not in (_BACK_ONLY if vowel in "eiy" else _FRONT_ONLY)


def repair_typing(word: str) -> str | None:
    """Undo Telex / VNI keystrokes left in a word when the input method was off.

    "sinhf"→"sinh", "ddang"→"dang", "kys"→"ky", "kha1i"→"khai", "d9ang"→"dang". Works on the unaccented
    lowercase form and returns None unless the result is a plausible syllable, so ordinary words and
    abbreviations pass through untouched.
    """
    if not word or is_syllable(word):
        return None
    if word.endswith("g") and not word.endswith(("ng", "gh")) and is_syllable(word[:-1] + "ng"):
        return word[:-1] + "ng"  # "chứg", "đồg": the n of -ng skipped in a hurry
    if word.endswith("hn") and is_syllable(word[:-2] + "nh"):
        return word[:-2] + "nh"  # "sihn", "thahn": the two letters of -nh swapped
    if teen := _teencode_i(word):
        return teen
    if any(c.isdigit() for c in word):
        if not _VNI_RE.match(word):
            return None
        letters = "".join(c for c in word if not c.isdigit())
        return letters if len(letters) >= 2 and is_syllable(letters) else None
    t = "d" + word[2:] if word.startswith("dd") else word
    onset = _ONSET_RE.match(t)
    head = onset.group(0) if onset else ""
    rest = t[len(head) :]
    if not rest or rest[0] not in "aeiouyw":
        return None
    rest = _TELEX_TONES_RE.sub("", rest)
    rest = _STRAY_W_RE.sub("", rest)  # "nuocws": the w of "ươ" typed after the whole word
    for seq, vowel in _TELEX_VOWELS:
        rest = rest.replace(seq, vowel)
    candidate = head + rest
    if candidate != word and is_syllable(candidate):
        return candidate
    return None


def _teencode_i(word: str) -> str | None:
    """Teencode spells i as j and ch as ck ("gjấy khaj sjnh cko bé"). A j inside a word, or the only
    vowel of one, cannot be a Telex tone key, which comes after the vowels."""
    t = "ch" + word[2:] if word.startswith("ck") else word
    has_vowel = any(c in "aeiouy" for c in t)
    t = t[0] + t[1:-1].replace("j", "i") + t[-1] if has_vowel else t.replace("j", "i")
    return t if t != word and len(t) > 1 and is_syllable(t) else None


def words(text: str) -> list[str]:
    """Lowercase NFC words with tone marks in canonical place; punctuation and emoji are dropped."""
    text = _REPEAT_RE.sub(r"\1", nfc(text).lower())
    return [normalize_tone_placement(w) if not w.isascii() else w for w in _WORD_RE.findall(text)]


def words_and_breaks(text: str) -> list[str]:
    """Like words(), with an empty string where punctuation closes a clause."""
    text = _REPEAT_RE.sub(r"\1", nfc(text).lower())
    out: list[str] = []
    for w in _WORD_OR_BREAK_RE.findall(text):
        if _AGE_RE.fullmatch(w):
            out += [w[:-1], "tuổi"]  # "bé 10t", "người 80t": an age
        elif w[0].isalnum():
            out.append(normalize_tone_placement(w) if not w.isascii() else w)
        elif out and out[-1]:
            out.append("")
    return out


NEGATED = "!"  # prefix of a negated word: "không có lương hưu" gives "!luong !huu", another term
PURPOSE = "~"  # prefix of a word in a purpose clause: "xin giấy độc thân để ~vay ~ngan ~hang"
DONE = "^"  # prefix of a word in a clause about what is done: "kết hôn xong rồi, giờ chuyển khẩu"
CLAUSE_BREAK = "|"  # between two clauses in Analysis.said


# ---------------------------------------------------------------- the normaliser


@dataclass(frozen=True, slots=True)
class Analysis:
    """A text ready for matching.

    `tokens` are folded words after repairs and synonyms, with sure stopwords removed; `weak[i]` marks
    an unaccented token that may be a stopword: usable inside two-word terms, not on its own.
    """

    tokens: tuple[str, ...]
    weak: tuple[bool, ...]
    # accent_key() of each word when its spelling is known (typed with diacritics, or bare in a text
    # typed with diacritics), else None.
    accents: tuple[str | None, ...] = ()
    # How many phrases of another kind of question it holds ("giá rẻ", "mua ở đâu", "lịch tiêm"): the
    # citizen asks about something the one-stop office does not do, even if a procedure's words appear.
    other_intents: int = 0
    # How many phrases that talk about procedures without asking for one ("có bao nhiêu cặp đăng ký
    # kết hôn", "theo ý kiến của quý cơ quan"): statistics, history, opinions; feedback with nothing
    # asked counts as one. Unlike another intent, naming a procedure outright does not make such a
    # message a request.
    not_requests: int = 0
    # It asks how far the citizen's own dossier has got ("hồ sơ nộp tuần trước đến đâu rồi"): the dossier
    # lookup answers that, not a procedure's card.
    asks_progress: bool = False
    # The clause (counted from 0, split at punctuation) each token comes from: "sổ ở xã cũng mất, giờ
    # còn bản sao" does not say the register "còn".
    clauses: tuple[int, ...] = ()
    # Every word as read, small words included and "|" between clauses: "muốn làm giấy tờ đầu tiên cho
    # bé" asks for something in words that matching drops. What the learned models (knowledge.learned)
    # see; empty for knowledge-base text.
    said: tuple[str, ...] = ()
    # Read as English: a word left as typed is an English word nobody listed, not a Vietnamese one
    # mistyped, so the matcher must not repair it ("between" is no "bê tuen").
    english: bool = False
    content: tuple[str, ...] = field(init=False)  # the tokens that are not weak

    def __post_init__(self) -> None:
        content = tuple(t for t, w in zip(self.tokens, self.weak, strict=True) if not w)
        object.__setattr__(self, "content", content)

    @property
    def text(self) -> str:
        """The content words as one string, for whole-phrase fuzzy comparison."""
        return " ".join(self.content)


_Tok = tuple[str, str | None]  # (folded, the accented word if the citizen typed diacritics)


def _source_of(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def same_or_new(previous: Normalizer | None, synonyms_path: Path | None = None) -> Normalizer:
    """`previous` while the synonyms it was built from are unchanged, else a new normaliser: building
    one reads all of synonyms.yaml, a quarter of a reload after a clerk's edit to one procedure."""
    path = Path(synonyms_path) if synonyms_path is not None else DEFAULT_SYNONYMS
    if previous is not None and previous.source == _source_of(path.read_text(encoding="utf-8")):
        return previous
    return Normalizer(path)


class Normalizer(LeavesCachesOut):
    """Turns free text into an Analysis using the synonym and stopword data of `synonyms.yaml`."""

    _CACHES = ("_token_cache",)  # the word repairs questions have filled in

    def __init__(self, synonyms_path: Path | None = None) -> None:
        path = Path(synonyms_path) if synonyms_path is not None else DEFAULT_SYNONYMS
        text = path.read_text(encoding="utf-8")
        # Two normalisers with the same source analyse every text alike, so an index built with one
        # can reuse what was analysed with the other (knowledge.matcher).
        self.source = _source_of(text)
        data: dict[str, Any] = load_yaml(text) or {}
        self._keep: frozenset[str] = frozenset(fold(str(w)) for w in data.get("keep") or ())

        # Abbreviations are spelt out first, so the everyday phrases also apply to what they became:
        # "ng lào" is "người lào", which is "người nước ngoài".
        self._abbreviations = _Rewrites(data.get("abbreviations"))
        self._english = _English(data.get("english"), self._abbreviations.phrases)
        generated = {
            **_abroad(data.get("abroad")),
            **_foreign_parents(data.get("foreign_parent")),
            **_foreign_partners(data.get("foreign_partner")),
        }
        self._phrases = _Rewrites({**generated, **(data.get("phrases") or {})})
        self._protected = self._keep | self._abbreviations.single_words | self._phrases.single_words
        self._words_in_context: list[_WordInContext] = [
            *(_AfterPerson(entry) for entry in data.get("after_person") or ()),
            *(_AtClauseEnd(entry) for entry in data.get("clause_end") or ()),
        ]

        accented: set[str] = set()
        folded: set[str] = set()
        phrases: set[tuple[str, ...]] = set()
        for raw in data.get("stopwords") or ():
            ws = words(str(raw))
            if len(ws) == 1:
                accented.add(ws[0])
                folded.add(fold(ws[0]))
            elif ws:
                phrases.add(tuple(fold(w) for w in ws))
        self._stop_accented = frozenset(accented)
        self._stop_folded = frozenset(folded)
        self._stop_phrases = frozenset(phrases)
        self._stop_starts = _lengths_by_first_word(phrases)
        self._token_cache: dict[str, tuple[str, str | None, bool]] = {}

        index = self._rewritten_index
        self._intents = index(data.get("other_intents"))
        self._intent_exceptions = index(data.get("not_other_intents"))
        self._not_requests = index(data.get("not_requests"))
        self._progress = index(data.get("progress"))
        self._feedback = _Feedback(data.get("feedback"), index)
        self._past_only = _PastOnly(data.get("past_only"), index)
        self._done_then = _DoneThen(data.get("done_then"), index)
        self._by_the_way = _ByTheWay(data.get("by_the_way"), index)
        self._alternatives = index(data.get("alternatives"))
        self._backgrounds = [
            (index(entry.get("intents")), index(entry.get("beside")))
            for entry in data.get("background") or ()
        ]

        neg: dict[str, Any] = data.get("negation") or {}
        self._neg_words = _WordSet(neg.get("words"))
        self._neg_contrast_before = _WordSet(neg.get("contrast_before"))
        self._neg_contrast_after = _WordSet(neg.get("contrast_after"))
        self._neg_contrast_also = _WordSet(neg.get("contrast_also"))
        self._neg_tags = _WordSet(neg.get("question_tag_after"))
        self._neg_hedges = _WordSet(neg.get("not_negating"))
        self._neg_ends = _WordSet(neg.get("ends"))
        self._neg_ends_later = _WordSet(neg.get("ends_after_a_word"))
        self._neg_span = int(neg.get("span", 3))
        self._neg_contrast_span = int(neg.get("contrast_span", 6))

        purpose: dict[str, Any] = data.get("purpose") or {}
        self._purpose_words = _WordSet(purpose.get("words"))
        self._purpose_phrases = index(purpose.get("phrases"))
        self._purpose_not = _WordSet(purpose.get("not_before"))
        self._purpose_bare_before = _WordSet(purpose.get("bare_before"))
        self._purpose_not_after = index(purpose.get("not_after"))
        self._purpose_min = int(purpose.get("min_words_before", 3))
        self._purpose_span = int(purpose.get("span", 6))
        self._purpose_ends = index(purpose.get("ends"))
        whether: dict[str, Any] = data.get("whether") or {}
        self._whether = index(whether.get("starts"))
        self._whether_min = int(whether.get("min_words_before", 3))
        self._whether_not = _WordSet(whether.get("not_before"))
        self._whether_going = _WordSet(whether.get("going"))
        self._whether_not_unless = _WordSet(whether.get("not_before_unless_registering"))
        self._registering = index(whether.get("registering"))
        # Folded words at which _drop_stopwords has more to do than drop or keep the word.
        self._triggers = frozenset(
            set(self._neg_words.folded)
            | set(self._neg_contrast_also.folded)
            | set(self._purpose_words.folded)
            | set(self._purpose_phrases)
            | set(self._whether)
            | self._stop_starts.keys()
        )

    def _spell_out(self, toks: list[_Tok]) -> list[_Tok]:
        """Abbreviations, then everyday phrases, then words that mean something else in context: the
        words everything after is compared in, for questions and synonyms.yaml's phrase lists alike."""
        rewritten = self._phrases.apply(self._abbreviations.apply(toks))
        for rule in self._words_in_context:
            rewritten = rule.apply(rewritten)
        return rewritten

    def _rewritten_index(self, raw: Iterable[Any] | None) -> _PhraseIndex:
        """A phrase list of synonyms.yaml, as the words a question is compared in: "ad có đi" is
        matched against "admin có đi" and "bao nhiêu sổ đỏ" against "bao nhiêu giấy chứng nhận ...",
        since abbreviations and everyday phrases are spelt out before the lists are consulted."""
        index = _phrase_index(raw)
        for item in raw or ():
            toks: list[_Tok] = [(fold(w), w) for w in words(str(item))]
            rewritten = self._spell_out(toks)
            if rewritten and rewritten != toks:
                phrase = tuple((f, frozenset({accent_key(a or f)})) for f, a in rewritten)
                index.setdefault(phrase[0][0], []).append(phrase)
        return index

    def _token(self, word: str, known: Container[str]) -> tuple[str, str | None, bool]:
        """(folded, accented word or None, True when the word was typed plainly and left as is)."""
        plain = strip_marks(word)
        accented = word if plain != word else None
        folded = fold_iy(plain)
        if folded in known or plain in self._protected or folded in self._protected:
            return (folded, accented, accented is None)
        repaired = repair_typing(plain)
        if repaired is not None:
            return (fold_iy(repaired), None, False)
        return (folded, accented, accented is None)

    def analyze(
        self,
        text: str,
        known: Container[str] = frozenset(),
        spelled: bool = False,
        cache: dict[str, tuple[str, str | None, bool]] | None = None,
    ) -> Analysis:
        """Normalise text; words in `known` (the matcher's vocabulary) are never "repaired". `spelled`
        says the text was written with full diacritics (knowledge-base text): every bare word is meant
        as it stands ("ma chay" is not "mà chay"). `cache` keeps word repairs made against this
        `known` (the caller's, since they depend on it)."""
        if cache is None and not known:
            cache = self._token_cache
        raw: list[tuple[str, tuple[str, str | None, bool]]] = []
        for w in words_and_breaks(text):
            if not w:
                raw.append((w, _BREAK))
                continue
            tok = cache.get(w) if cache is not None else None
            if tok is None:
                tok = self._token(w, known)
                if cache is not None and len(cache) < 50_000:
                    cache[w] = tok
            raw.append((w, tok))
        # Someone who types diacritics on most words means a bare word literally ("chứng minh" is not
        # "chứng mình"); someone who types none could mean either, so their bare words stay ambiguous.
        n_words = sum(1 for w, _ in raw if w)
        marked = sum(1 for _, t in raw if t[1] is not None)
        exact = spelled or (n_words > 0 and marked * 2 >= n_words)
        toks: list[_Tok] = [(f, a if a is not None or not (exact and bare) else w) for w, (f, a, bare) in raw]
        typed = [w for w, _ in raw]
        english = not spelled and self._english.reads(typed)
        if english:
            # Read from the words as typed: a Telex repair would make "was" "ưa" and "how" "hơ".
            toks = self._english.translated(typed, toks)
        elif not spelled:
            toks = self._english.translated_clauses(typed, toks)
        rewritten = self._spell_out(toks)
        # A knowledge-base phrasing is about its procedure in every clause: only a citizen's question
        # tells what was done before what is asked.
        done = frozenset() if spelled else self._done_then.context(rewritten)
        a, aside = self._drop_stopwords(rewritten, done)
        if spelled:
            return a  # knowledge-base text: its phrasings ask nothing, so there is no intent to count
        # What the citizen says is not wanted ("chứ không ra văn phòng công chứng") or is only what the
        # paper is for ("để nộp hồ sơ tuyển sinh") is no other kind of question.
        aside |= self._by_the_way.told(rewritten)
        intents = self._count_phrases(self._intents, rewritten, aside | self._past_only.told(rewritten))
        not_requests = self._count_phrases(self._not_requests, rewritten, aside)
        if self._feedback.only(text, rewritten) or self._past_only.only(rewritten):
            not_requests += 1
        progress = _says_any(self._progress, rewritten)
        said = tuple(t[0] or CLAUSE_BREAK for t in rewritten)
        return replace(
            a,
            other_intents=intents,
            not_requests=not_requests,
            asks_progress=progress,
            said=said,
            english=english,
        )

    def _count_phrases(self, index: _PhraseIndex, toks: list[_Tok], aside: set[int]) -> int:
        """Phrases of `index` said in toks, outside the phrases that only look like another intent
        ("miễn học phí" is a reason to ask for a paper, "học phí" alone a question about a school)."""
        if not index:
            return 0
        found = 0
        skip_to = 0
        exceptions = self._intent_exceptions
        for i, tok in enumerate(toks):
            if tok[0] in exceptions:
                size = _phrase_at(exceptions, toks, i)
                if size:
                    skip_to = max(skip_to, i + size)
            if tok[0] in index and i >= skip_to and i not in aside:
                size = _phrase_at(index, toks, i)
                if size and not self._an_alternative(toks, i, i + size) and not self._background(toks, i):
                    found += 1
        return found

    def _background(self, toks: list[_Tok], i: int) -> bool:
        """Is the phrase at toks[i] only the background of a request said beside it ("thầy cúng bảo tên
        xấu, muốn đổi tên cho cháu")?"""
        return any(
            _phrase_at(intents, toks, i) > 0 and _says_any(beside, toks)
            for intents, beside in self._backgrounds
        )

    def _an_alternative(self, toks: list[_Tok], start: int, end: int) -> bool:
        """Is toks[start:end] one side of "X hay Y"? "chứng thực ở xã được không hay phải ra văn phòng
        công chứng" asks about the commune's procedure; the other office is only what it is weighed
        against."""
        alternatives = self._alternatives
        before = any(
            0 < _phrase_at(alternatives, toks, k) <= start - k
            for k in range(max(0, start - 4), start)
            if toks[k][0] in alternatives
        )
        after = range(end, min(end + 2, len(toks)))
        return before or any(toks[k][0] in alternatives and _phrase_at(alternatives, toks, k) for k in after)

    def _negation_at(self, toks: list[_Tok], i: int) -> tuple[int, int]:
        """(words of the negation itself, how many words it covers) when toks[i] starts one, else (0, 0).

        "không có lương hưu" negates what follows; "không phải X, mà là Y" / "X chứ không Y" / "không
        cần X" set aside X in favour of something else, so they reach further. "được không", "hay
        không" are question tags and "không biết" a hedge: they negate nothing.
        """
        tok = toks[i]
        prev = toks[i - 1] if i > 0 else _BREAK
        nxt = toks[i + 1] if i + 1 < len(toks) else _BREAK
        contrast_before = prev[0] != "" and self._neg_contrast_before.has(prev)
        if self._neg_words.has(tok):
            if prev[0] and self._neg_tags.has(prev):
                return (0, 0)
            if nxt[0] and self._neg_hedges.has(nxt):
                return (0, 0)
            if nxt[0] and self._neg_contrast_after.has(nxt):
                return (2, self._neg_contrast_span)
            return (1, self._neg_contrast_span if contrast_before else self._neg_span)
        if contrast_before and self._neg_contrast_also.has(tok):
            return (1, self._neg_contrast_span)
        return (0, 0)

    def _purpose_at(self, toks: list[_Tok], i: int) -> int:
        """The words of a purpose marker starting at toks[i] ("để", "trước khi"), 0 if none is there."""
        n = len(toks)
        size = _phrase_at(self._purpose_phrases, toks, i) if toks[i][0] in self._purpose_phrases else 0
        if not size and self._purpose_words.has(toks[i]):
            # Typed bare, "de" may be "đề" ("đề nghị"): it is "để" only before the words that follow one.
            bare = toks[i][1] is None
            size = 1 if not bare or (i + 1 < n and self._purpose_bare_before.has(toks[i + 1])) else 0
        if not size or (i + size < n and self._purpose_not.has(toks[i + size])):
            return 0
        return 0 if _phrase_before(self._purpose_not_after, toks, i) else size

    def _asks_for_procedure(self, toks: list[_Tok], start: int, i: int) -> bool:
        """After "có cần" / "có phải" (toks[start:i]): does toks[i:] ask for a procedure ("làm", "đăng
        ký"), not a detail?"""
        n = len(toks)
        while i < n and toks[i][0] and self._whether_going.has(toks[i]):
            i += 1
        if i == n or not toks[i][0]:
            return False
        if self._whether_not.has(toks[i]):
            return True
        return self._whether_not_unless.has(toks[i]) and not _says_any(self._registering, toks[:start])

    def _drop_stopwords(self, toks: list[_Tok], context: Set[int] = frozenset()) -> tuple[Analysis, set[int]]:
        """The analysis, and the positions of toks inside a negation or a purpose clause."""
        aside: set[int] = set()
        tokens: list[str] = []
        weak: list[bool] = []
        accents: list[str | None] = []
        clauses: list[int] = []
        clause = 0
        i, n = 0, len(toks)
        starts = self._stop_starts
        neg_left = 0  # words still to negate
        neg_done = 0  # words negated so far in this scope
        purpose_left = 0  # words still to mark as a purpose
        clause_words = 0  # content words since the clause began
        words_so_far = 0  # words since the question began, but for the small words typed with marks
        purpose_started = 0  # where the current purpose clause's words begin
        triggers = self._triggers
        while i < n:
            if not toks[i][0]:  # end of a clause
                neg_left = purpose_left = clause_words = 0
                clause += 1
                i += 1
                continue
            if neg_left or purpose_left or toks[i][0] in triggers:
                # Only here can a negation, a purpose, "có cần" or a stop phrase begin; most words
                # skip all of it.
                size, span = self._negation_at(toks, i)
                if size:
                    neg_left, neg_done = span, 0
                    i += size
                    continue
                if purpose_left and purpose_started < i and _phrase_at(self._purpose_ends, toks, i):
                    # Not at its first word: "để có thẻ bảo hiểm" is a purpose, "có" ends one later on.
                    purpose_left = 0
                size = self._purpose_at(toks, i) if clause_words >= self._purpose_min else 0
                if size:
                    # "xin giấy xác nhận độc thân để vay ngân hàng": what the paper is for is context, not
                    # the procedure asked about. Only after a clause that already says something.
                    purpose_left = self._purpose_span
                    i += size
                    purpose_started = i
                    continue
                if words_so_far >= self._whether_min and not neg_left:
                    size = _phrase_at(self._whether, toks, i)
                    if size and not self._asks_for_procedure(toks, i, i + size):
                        # "... có cần giấy xác nhận độc thân không": a detail, not the request.
                        purpose_left = self._purpose_span
                        i += size
                        purpose_started = i
                        continue
                tok = toks[i]
                if neg_left and (self._neg_ends.has(tok) or (neg_done and self._neg_ends_later.has(tok))):
                    neg_left = 0
                if toks[i][0] in starts:
                    skip = 0
                    for size in starts[toks[i][0]]:
                        if size <= n - i and tuple(t[0] for t in toks[i : i + size]) in self._stop_phrases:
                            skip = size
                            break
                    if skip:
                        if neg_left and any(self._neg_ends.has(t) for t in toks[i : i + skip]):
                            neg_left = 0
                        i += skip
                        continue
            folded, accented = toks[i]
            i += 1
            is_weak = False
            if folded in self._stop_folded:
                if accented is None:
                    is_weak = True
                elif accented in self._stop_accented:
                    continue
            in_context = (i - 1) in context
            if neg_left or purpose_left or in_context:
                aside.add(i - 1)
            if in_context:
                folded = DONE + folded
            elif neg_left:
                # A possible stopword inside the scope ("di" in "khong de lai di chuc") is marked too,
                # so the negated pairs are the same as in the aliases, but it does not use up the span.
                folded = NEGATED + folded
                if not is_weak:
                    neg_left -= 1
                    neg_done += 1
            elif purpose_left:
                folded = PURPOSE + folded
                if not is_weak:
                    purpose_left -= 1
            if not is_weak:
                clause_words += 1
            # A word typed bare that may be a small word counts here: "lam di chuc" may well be "làm di
            # chúc", already a request for "... can mang so do khong" to be a detail of. What was done
            # before does not: after "kết hôn xong," the "có phải nhập hộ khẩu" is the request itself.
            if not in_context:
                words_so_far += 1
            tokens.append(folded)
            weak.append(is_weak)
            accents.append(accent_key(accented) if accented is not None else None)
            clauses.append(clause)
        return Analysis(tuple(tokens), tuple(weak), tuple(accents), clauses=tuple(clauses)), aside


_BREAK: Any = ("", None, False)

_PhraseIndex = dict[str, list[tuple[tuple[str, frozenset[str]], ...]]]


_Indexer = Callable[[Iterable[Any] | None], _PhraseIndex]


def _phrase_index(raw: Iterable[Any] | None) -> _PhraseIndex:
    """Phrases written with diacritics, indexed by their first folded word."""
    index: _PhraseIndex = {}
    for item in raw or ():
        ws = words(str(item))
        if ws:
            phrase = tuple((fold(w), frozenset({accent_key(w)})) for w in ws)
            index.setdefault(phrase[0][0], []).append(phrase)
    return index


def _phrase_before(index: _PhraseIndex, toks: list[_Tok], i: int, longest: int = 3) -> bool:
    """Does a phrase of `index` end right before toks[i]?"""
    return any(_phrase_at(index, toks, i - size) == size for size in range(1, min(longest, i) + 1))


def _says_any(index: _PhraseIndex, toks: list[_Tok]) -> bool:
    """Does any phrase of `index` start somewhere in toks?"""
    return any(t[0] in index and _phrase_at(index, toks, i) for i, t in enumerate(toks))


def _phrase_at(index: _PhraseIndex, toks: list[_Tok], i: int) -> int:
    """The length of the longest phrase of `index` starting at toks[i], 0 if none. A word typed
    without marks matches any form; one typed with marks must be that word."""
    best = 0
    for phrase in index.get(toks[i][0], ()):
        if best < len(phrase) <= len(toks) - i and all(
            t[0] == f and (t[1] is None or accent_key(t[1]) in keys)
            for t, (f, keys) in zip(toks[i : i + len(phrase)], phrase, strict=False)
        ):
            best = len(phrase)
    return best


def _lengths_by_first_word(phrases: Iterable[tuple[str, ...]]) -> dict[str, list[int]]:
    """The lengths of the phrases starting with each word, longest first: where a phrase may start,
    only those spans need looking up (a tenth of the time analysis took trying every length)."""
    lengths: dict[str, set[int]] = {}
    for p in phrases:
        lengths.setdefault(p[0], set()).add(len(p))
    return {w: sorted(sizes, reverse=True) for w, sizes in lengths.items()}


def _abroad(raw: dict[str, Any] | None) -> dict[str, str]:
    """Rewrites for a place abroad after a verb: a birth there is foreign ("sinh ra ở Nhật" reads "...
    nước ngoài"); work there is not ("đi làm bên Hàn" stays as it is, so "bên Hàn" alone, which does
    read foreign for a spouse or a paper from there, does not make a marriage foreign). A country typed
    alone is ambiguous ("Hàn", "Pháp" fold onto other words); after such a verb it is not."""
    raw = raw or {}
    places = raw.get("places") or ()
    ats = [*(raw.get("at") or ()), ""]

    def spans(verbs: Iterable[str]) -> Iterable[str]:
        return (
            " ".join(w for w in (verb, at, place) if w) for verb in verbs for at in ats for place in places
        )

    born = {span: f"{span} nước ngoài" for span in spans(raw.get("born") or ())}
    return {**{span: span for span in spans(raw.get("working") or ())}, **born}


def _foreign_parents(raw: dict[str, Any] | None) -> dict[str, str]:
    """Rewrites for a parent named by nationality: "bố Nhật" reads "bố nước ngoài", as "chồng Nhật"
    does, for a birth "có yếu tố nước ngoài". Some nationalities typed bare are other words or a name
    ("bố hắn", "bó tay", "bố viết", "mẹ Mỹ"): those count only between two parents ("mẹ Việt bố Úc",
    "bố Tây mẹ Việt"), where nothing else reads that way."""
    raw = raw or {}
    parents = raw.get("parents") or ()
    alone = _by_nationality(parents, raw.get("nations") or ())
    between = {
        f"{p} {n} {q}": f"{p} {n} {q} nước ngoài"
        for p in parents
        for q in parents
        if p != q
        for n in raw.get("between") or ()
    }
    return {**alone, **between}


def _foreign_partners(raw: dict[str, Any] | None) -> dict[str, str]:
    """Rewrites for a partner named by nationality: "chồng Nhật" and "con rể tui là Tây" read "chồng
    nước ngoài", "con rể nước ngoài", for a marriage or a birth "có yếu tố nước ngoài"."""
    raw = raw or {}
    return _by_nationality(raw.get("partners") or (), raw.get("nations") or (), raw.get("links") or ())


def _by_nationality(
    persons: Iterable[str], nations: Iterable[str], links: Iterable[str] = ()
) -> dict[str, str]:
    """Each person, then one of `links` or nothing, then each nation, read as "<person> nước ngoài"."""
    joins = ["", *(f"{link} " for link in links)]
    nations = list(nations)
    return {f"{p} {j}{n}": f"{p} nước ngoài" for p in persons for j in joins for n in nations}


class _Rewrites:
    """Spans of words replaced by others (a section of synonyms.yaml), longest span first. A word the
    citizen typed with marks must fit the marks the entry was written with ("sổ dỏ" is "sổ đỏ")."""

    def __init__(self, raw: dict[Any, Any] | None) -> None:
        self._table: dict[tuple[str, ...], tuple[_Tok, ...]] = {}
        # The spellings each entry was written with ("đc" and "dc" both fold to "dc").
        self._sources: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for src, dst in (raw or {}).items():
            src_words = tuple(words(str(src)))
            key = tuple(fold(w) for w in src_words)
            if key:
                self._table[key] = tuple(_plain_tokens(str(dst)))
                self._sources.setdefault(key, []).append(src_words)
        self._lengths = _lengths_by_first_word(self._table)
        self.single_words = frozenset(k[0] for k in self._table if len(k) == 1)
        self.phrases = frozenset(self._table)  # what is rewritten, folded

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        i, n = 0, len(toks)
        while i < n:
            sizes = self._lengths.get(toks[i][0])
            if sizes is None:
                out.append(toks[i])
                i += 1
                continue
            for size in sizes:
                if size > n - i:
                    continue
                span = toks[i : i + size]
                key = tuple(t[0] for t in span)
                repl = self._table.get(key)
                if repl is not None and any(
                    all(t[1] is None or _marks_fit(t[1], w) for t, w in zip(span, src, strict=True))
                    for src in self._sources[key]
                ):
                    out.extend(repl)
                    i += size
                    break
            else:
                out.append(toks[i])
                i += 1
        return out


class _English:
    """A question written in English, as foreign spouses and Việt kiều write. Its small words would
    count as words nobody knows, enough to take it for keyboard mashing, and Telex repairs would turn
    the rest into Vietnamese syllables. Only a whole question is read so: one in Vietnamese typed
    without marks shares many short words with English ("so do", "can", "the")."""

    def __init__(self, raw: dict[str, Any] | None, abbreviated: Iterable[tuple[str, ...]] = ()) -> None:
        raw = raw or {}
        self._stopwords = frozenset(fold(str(w)) for w in raw.get("stopwords") or ())
        self._words = _Rewrites(raw.get("words"))
        self._min_share = float(raw.get("min_share", 0.5))
        self._min_share_beside_listed = float(raw.get("min_share_beside_listed", 0.3))
        self._min_share_with_listed = float(raw.get("min_share_with_listed", 0.8))
        self._max_marked = float(raw.get("max_marked_share", 0.25))
        self._vocabulary = frozenset(w for phrase in self._words.phrases for w in phrase) | self._stopwords
        self._telling = frozenset(w for w in self._vocabulary if not is_syllable(w))
        # Each English word the lists read alone, by its stem, so that "marrying" is read as "married"
        # and "certifying" as "certify": the lists then need only one form of a word. A word of a
        # listed phrase is left as typed ("funeral services").
        phrases = self._words.phrases | frozenset(abbreviated)
        self._listed = self._vocabulary | frozenset(w for phrase in phrases for w in phrase)
        self._by_stem: dict[str, str] = {}
        for (w,) in sorted(p for p in phrases if len(p) == 1):
            if len(w) >= 4 and not is_syllable(w) and w not in self._stopwords:
                self._by_stem.setdefault(_english_stem(w), w)

    def reads(self, typed: list[str]) -> bool:
        """Is a question with these words (as typed, lowercase) written in English?"""
        ws = [w for w in typed if w]
        bare = [w for w in ws if w.isascii()]
        if len(ws) < 3 or len(ws) - len(bare) > self._max_marked * len(ws):
            # "hello shop", "ok ad": how Vietnamese greet a page. A few words with marks may be
            # Vietnamese names of things ("a Việt kiều with a US passport").
            return False
        # Every question passes here: the cheap test first, which nearly all Vietnamese ones fail.
        if sum(fold(w) in self._telling for w in bare) < 2:
            return False
        foreign = sum(not (is_syllable(w) or w.isdigit()) for w in bare)
        if foreign >= self._min_share * len(ws):
            return True
        # "I want to transfer the land to my son": "to", "the", "my" and "son" are Vietnamese
        # syllables too, but listed English words among plainly foreign ones.
        english_syllables = sum(is_syllable(w) and fold(w) in self._vocabulary for w in bare)
        return foreign >= self._min_share_beside_listed * len(ws) and (
            foreign + english_syllables >= self._min_share_with_listed * len(ws)
        )

    def translated(self, typed: list[str], toks: list[_Tok]) -> list[_Tok]:
        """The words (as typed, beside their Vietnamese reading `toks`) put into the procedures' words,
        the small words left out. Words typed with marks are Vietnamese and keep their reading. What
        was put in is written with its marks, so it is never taken for a small English word ("thẻ"
        is no "the")."""
        pairs = zip(typed, toks, strict=True)
        read = [(self._listed_form(fold(w)), None) if w.isascii() else t for w, t in pairs]
        english = self._words.apply(read)
        return [t for t in english if t[1] is not None or t[0] not in self._stopwords]

    def translated_clauses(self, typed: list[str], toks: list[_Tok]) -> list[_Tok]:
        """A Vietnamese question with a clause in English ("how to register a newborn here? vợ chồng
        em đều ở xã này"), as Việt kiều switch: that clause read as English, the rest as typed. A
        question of one clause was already found not to be English as a whole."""
        ends = [i for i, w in enumerate(typed) if not w] + [len(typed)]
        starts = [0, *(end + 1 for end in ends[:-1])]
        if sum(end > start for start, end in zip(starts, ends, strict=True)) < 2:
            return toks
        out: list[_Tok] = []
        for start, end in zip(starts, ends, strict=True):
            clause, read = typed[start:end], toks[start:end]
            out += self.translated(clause, read) if self.reads(clause) else read
            out += toks[end : end + 1]
        return out

    def _listed_form(self, word: str) -> str:
        if word in self._listed:
            return word
        return self._by_stem.get(_english_stem(word), word)


def _english_stem(word: str) -> str:
    """A crude English stem, the same for a word's inflections: "married", "marrying" and "marries"
    are all "marry", "registered" and "registering" "register"."""
    for suffix, stem_end in (("ies", "y"), ("ied", "y"), ("ying", "y"), ("ing", ""), ("ed", ""), ("es", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + stem_end
            break
    else:
        if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
            word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]  # "planned", "planning": "plan"
    return word.removesuffix("e") if len(word) > 4 else word


class _WordInContext:
    """A word that means something else where its context says so: subclasses say where."""

    def __init__(self, words: Iterable[Any], means: Any) -> None:
        self._words = _WordSet(words)
        self._means = tuple(_plain_tokens(str(means)))

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        if self._words.folded.isdisjoint(t[0] for t in toks):
            return toks
        out: list[_Tok] = []
        for i, tok in enumerate(toks):
            if tok[0] and self._words.has(tok) and self._here(toks, i):
                out.extend(self._means)
            else:
                out.append(tok)
        return out

    def _here(self, toks: list[_Tok], i: int) -> bool:
        raise NotImplementedError


class _AfterPerson(_WordInContext):
    """Right after a person ("bố mới mất" is "bố mới qua đời")."""

    def __init__(self, entry: dict[str, Any]) -> None:
        super().__init__([entry["word"]], entry["means"])
        self._persons = _phrase_index(entry.get("after"))
        self._between = _WordSet(entry.get("between"))
        self._not_before = _WordSet(entry.get("not_before"))

    def _here(self, toks: list[_Tok], i: int) -> bool:
        nxt = toks[i + 1] if i + 1 < len(toks) else _BREAK
        if nxt[0] and self._not_before.has(nxt):
            return False
        end = i
        for _ in range(3):
            if end > 0 and toks[end - 1][0] and self._between.has(toks[end - 1]):
                end -= 1
        for start in range(max(0, end - 2), end):
            if _phrase_at(self._persons, toks, start) == end - start:
                return True
        return False


class _AtClauseEnd(_WordInContext):
    """As the last word of a clause ("được hông" is "được không")."""

    def __init__(self, entry: dict[str, Any]) -> None:
        super().__init__(entry["words"], entry["means"])
        self._not_after = _WordSet(entry.get("not_after"))

    def _here(self, toks: list[_Tok], i: int) -> bool:
        last = i + 1 == len(toks) or not toks[i + 1][0]
        prev = toks[i - 1] if i > 0 else _BREAK
        return last and not (prev[0] and self._not_after.has(prev))


class _Feedback:
    """Praise, thanks for something done, or a complaint, with nothing asked: "cảm ơn ad nhé, làm xong
    giấy khai sinh cho bé rồi", "cán bộ nói năng khó chịu, tôi rất bức xúc". Such a message names a
    procedure without asking for it. Thanks alone is no sign: "làm giấy khai sinh, cảm ơn" asks."""

    def __init__(self, raw: dict[str, Any] | None, index: _Indexer) -> None:
        raw = raw or {}
        self._said = index(raw.get("phrases"))
        self._thanks = index(raw.get("thanks"))
        self._asking = index(raw.get("asking"))
        self._asking_at_end = _WordSet(raw.get("asking_at_clause_end"))
        self._done_at_end = _WordSet(raw.get("done_at_clause_end"))
        self._done_after_thanks = _WordSet(raw.get("done_after_thanks"))
        self._particles = _WordSet(raw.get("particles"))
        self._complaints = index(raw.get("complaints"))
        self._not_asking = index(raw.get("not_asking"))
        self._requests = index(raw.get("requests"))
        self._laughing = tuple(str(s) for s in raw.get("laughing") or ())
        self._joking = tuple(str(s) for s in raw.get("joking") or ())
        joking_words = "|".join(re.escape(str(w).casefold()) for w in raw.get("joking_words") or ())
        # Matched in the raw text: typing repair would read "kkk" as "k" (không).
        self._joking_words = re.compile(rf"(?<!\w)(?:{joking_words})(?!\w)") if joking_words else None

    def only(self, text: str, toks: list[_Tok]) -> bool:
        """Feedback and no question: a "?", an asking word anywhere or a question tag closing a clause
        ("... xong chưa", "... được không") makes it a question about what was done. A complaint about
        waiting stays one despite its rhetorical "sao ... vậy?", unless it asks for something concrete;
        a joke stays one whatever it asks."""
        if self._complaint(toks) or self._jokes(text):
            return True
        if not self._said or "?" in text:
            return False
        # A smile ("=))") is banter, like "haha": feedback unless something is asked.
        found = any(s in text for s in self._laughing)
        thanked = done = False
        i, n = 0, len(toks)
        while i < n:
            folded = toks[i][0]
            said = _phrase_at(self._said, toks, i) if folded in self._said else 0
            thanks = _phrase_at(self._thanks, toks, i) if folded in self._thanks else 0
            other = _phrase_at(self._not_asking, toks, i) if folded in self._not_asking else 0
            if said or thanks or other:
                found = found or said > 0
                thanked = thanked or thanks > 0
                i += max(said, thanks, other)
                continue
            if folded in self._asking and _phrase_at(self._asking, toks, i):
                return False
            if self._asking_at_end.has(toks[i]) and self._closes_clause(toks, i):
                return False
            done = done or (self._done_at_end.has(toks[i]) and self._closes_clause(toks, i))
            done = done or (thanked and self._done_after_thanks.has(toks[i]))
            i += 1
        return found or (thanked and done)

    def _jokes(self, text: str) -> bool:
        """Laughing out loud makes a joke of whatever it asks: no citizen in the question sets laughed so
        over a real request (they used 😅 or a smile)."""
        if any(s in text for s in self._joking):
            return True
        return self._joking_words is not None and self._joking_words.search(text.casefold()) is not None

    def _complaint(self, toks: list[_Tok]) -> bool:
        return _says_any(self._complaints, toks) and not _says_any(self._requests, toks)

    def _closes_clause(self, toks: list[_Tok], i: int) -> bool:
        """Is toks[i] the last word of its clause, but for particles ("rồi nha", "không ạ")?"""
        j = i + 1
        while j < len(toks) and toks[j][0] and self._particles.has(toks[j]):
            j += 1
        return j == len(toks) or not toks[j][0]


class _PastOnly:
    """A question about how things were done long ago, with nothing about now: "ngày xưa ông bà mình
    cưới có đăng ký kết hôn không hay chỉ làm cỗ". One word of the present or of a request ("giờ",
    "muốn", "làm sao") makes the past the citizen's situation instead: "hồi đó có đăng ký, giờ mất
    giấy thì làm sao"."""

    def __init__(self, raw: dict[str, Any] | None, index: _Indexer) -> None:
        raw = raw or {}
        self._past = index(raw.get("phrases"))
        self._now = index(raw.get("now"))

    def only(self, toks: list[_Tok]) -> bool:
        return _says_any(self._past, toks) and not _says_any(self._now, toks)

    def told(self, toks: list[_Tok]) -> set[int]:
        """Positions of the clauses that begin with the past ("thời trước làm nhà chỉ cần xem ngày động
        thổ.") when the citizen goes on to now: how things were is background, so what it names is no
        other kind of question."""
        if not (_says_any(self._past, toks) and _says_any(self._now, toks)):
            return set()
        told: set[int] = set()
        start = 0
        for end in range(len(toks) + 1):
            if end < len(toks) and toks[end][0]:
                continue
            if any(_phrase_at(self._past, toks, k) for k in range(start, min(start + 2, end))):
                told.update(range(start, end))
            start = end + 1
        return told


class _ByTheWay:
    """A second matter added in passing after the request: "đk kết hôn có mất phí ko. à mà ad có người
    yêu chưa", "... tiện hỏi hôm nay trời có mưa không". The aside does not take back what was asked
    before it, so what it says is no other kind of question."""

    def __init__(self, phrases: list[str] | None, index: _Indexer) -> None:
        self._markers = index(phrases)

    def told(self, toks: list[_Tok]) -> set[int]:
        """Positions from a marker that begins a later clause to the end of that clause."""
        told: set[int] = set()
        start = 0
        for i, tok in enumerate(toks):
            if not tok[0]:
                start = i + 1
            elif start > 0 and i - start < 2 and _phrase_at(self._markers, toks, i):
                end = next((k for k in range(i, len(toks)) if not toks[k][0]), len(toks))
                told.update(range(i, end))
        return told


class _DoneThen:
    """Something done, then the request: "cải chính tên trong giấy khai sinh xong, giờ đổi tên trên thẻ
    căn cước ở đâu" asks about the ID card; the first clause is context. So is something done told
    last, after the request ("..., tạm trú thì đã đăng ký với công an rồi")."""

    def __init__(self, raw: dict[str, Any] | None, index: _Indexer) -> None:
        raw = raw or {}
        self._done = index(raw.get("done"))
        self._now = index(raw.get("now"))
        self._already = index(raw.get("already"))
        self._already_end = index(raw.get("already_end"))
        self._after = index(raw.get("after"))
        self._finished = index(raw.get("finished"))
        self._when = _WordSet(raw.get("finished_not_after"))
        self._then = _WordSet(raw.get("then"))

    def context(self, toks: list[_Tok]) -> set[int]:
        """Positions of the clauses that end with something done and are followed by a clause that
        starts with the present ("giờ", "vậy"), with or without a comma between ("kết hôn xong giờ
        chuyển khẩu về nhà chồng")."""
        done: set[int] = set()
        # Done clauses told one after another ("gpxd cấp rồi, nhà cũng xây xong, giờ xin số nhà") are
        # all context once the last of them leads to the request.
        pending: list[int] = []
        start = 0
        for end, tok in enumerate(toks):
            if tok[0]:
                if (
                    self._now_at(toks, end)
                    and end - 1 > start
                    and self._ends_done(toks, start, self._before_then(toks, end))
                ):
                    done.update(pending, range(start, end))
                    pending = []
                    start = end
                continue
            # toks[start:end] is a clause, and toks[end] the break after it. "Sau khi ... rồi," needs no
            # "giờ" after it: what follows is the request.
            next_is_now = (
                self._now_at(toks, end + 1)
                or _phrase_at(self._after, toks, start) > 0
                or self._finished_at_end(toks, start, end)
            )
            ends_done = end - 1 > start and self._ends_done(toks, start, end)
            if ends_done and next_is_now and end + 1 < len(toks):
                done.update(pending, range(start, end))
                pending = []
            elif ends_done:
                pending.extend(range(start, end))
            else:
                pending = []
            start = end + 1
        return done | self._done_after(toks)

    def _done_after(self, toks: list[_Tok]) -> set[int]:
        """Positions of a last clause, after others, that tells something already done ("..., tạm trú
        thì đã đăng ký với công an rồi"): said after the request, it is no second one."""
        end = len(toks)
        while end > 0 and not toks[end - 1][0]:
            end -= 1
        start = next((k + 1 for k in range(end - 1, -1, -1) if not toks[k][0]), 0)
        if start == 0 or end - 1 <= start or _phrase_at(self._already_end, toks, end - 1) != 1:
            return set()
        if any(_phrase_at(self._already, toks, k) > 0 for k in range(start, end - 1)):
            return set(range(start, end))
        return set()

    def _before_then(self, toks: list[_Tok], end: int) -> int:
        """Where the clause before `end` ends once a linking "thì" is left off ("kết hôn xong thì có
        phải nhập hộ khẩu")."""
        return end - 1 if end > 0 and self._then.has(toks[end - 1]) else end

    def _finished_at_end(self, toks: list[_Tok], start: int, end: int) -> bool:
        """Does the clause end with "xong" for a thing done ("đăng ký kết hôn xong,"), not for when it
        will be ("bao lâu thì xong, lệ phí bao nhiêu")?"""
        for k in range(max(start + 1, end - 3), end):
            if _phrase_at(self._finished, toks, k) == end - k:
                return not self._when.has(toks[k - 1])
        return False

    def _ends_done(self, toks: list[_Tok], start: int, end: int) -> bool:
        if any(_phrase_at(self._done, toks, k) == end - k for k in range(max(start, end - 4), end)):
            return True
        if _phrase_at(self._already_end, toks, end - 1) != 1:
            return False
        # "Đã chứng thực hợp đồng mua đất rồi": begun with "đã" and closed with "rồi"; "xây nhà xong theo
        # giấy phép rồi": finished and closed with "rồi".
        begun = _phrase_at(self._already, toks, start) > 0 or _phrase_at(self._after, toks, start) > 0
        return begun or any(_phrase_at(self._finished, toks, k) > 0 for k in range(start + 1, end - 1))

    def _now_at(self, toks: list[_Tok], i: int) -> bool:
        return i < len(toks) and bool(toks[i][0]) and _phrase_at(self._now, toks, i) > 0


class _WordSet:
    """Words given with diacritics in the data file: a typed word matches when it folds to one of them
    and, if the citizen typed marks, they are the same marks ("mà" but not "ma" in "ma chay" typed
    with its marks)."""

    def __init__(self, raw: Iterable[Any] | None) -> None:
        forms: dict[str, set[str]] = {}
        for item in raw or ():
            for w in words(str(item)):
                forms.setdefault(fold(w), set()).add(accent_key(w))
        self._forms = forms
        self.folded = frozenset(forms)

    def has(self, tok: tuple[str, str | None] | tuple[str, str | None, bool]) -> bool:
        folded, accented = tok[0], tok[1]
        keys = self._forms.get(folded)
        if keys is None:
            return False
        return accented is None or accent_key(accented) in keys


@functools.lru_cache(maxsize=65536)
def _marks_fit(typed: str, source: str) -> bool:
    """Could `typed` be `source` with some marks left out? "sổ dỏ" is "sổ đỏ" typed in a hurry;
    "dụng" is not "dừng", "bỏ" is not "bố"."""
    if len(typed) != len(source):
        return fold(typed) == fold(source)
    for a, b in zip(typed, source, strict=True):
        if a != b and not _letter_marks(a) <= _letter_marks(b):
            return False
    return True


def _letter_marks(ch: str) -> frozenset[str]:
    if ch in "đĐ":
        return frozenset({"stroke"})
    return frozenset(unicodedata.normalize("NFD", ch)[1:])


def _plain_tokens(text: str) -> Iterable[_Tok]:
    # A replacement was written deliberately by a clerk, so its words count as spelled out in full
    # (accented), even "anh" which has no marks: that makes a rewritten "a" a sure stopword.
    for w in words(text):
        yield (fold(w), w)
