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

The module-level functions are pure; `Normalizer` only reads its data file
when constructed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SYNONYMS = Path(__file__).resolve().parent / "synonyms.yaml"

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_VOWELS = frozenset("aăâeêioôơuưy")
_QUALITY_VOWELS = frozenset("ăâêôơư")
_WORD_RE = re.compile(r"[^\W_]+")
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
_SYLLABLE_RE = re.compile(rf"^{_ONSET}(?:{_NUCLEI})(?:ng|nh|ch|[cmnpt])?$")
_ONSET_RE = re.compile(_ONSET)
_TELEX_TONES_RE = re.compile(r"[sfrxjz]")
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
    return bool(_SYLLABLE_RE.match(word))


def repair_typing(word: str) -> str | None:
    """Undo Telex / VNI keystrokes left in a word when the input method was off.

    "sinhf"→"sinh", "ddang"→"dang", "kys"→"ky", "kha1i"→"khai", "d9ang"→"dang". Works on the unaccented
    lowercase form and returns None unless the result is a plausible syllable, so ordinary words and
    abbreviations pass through untouched.
    """
    if not word or is_syllable(word):
        return None
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
    for seq, vowel in _TELEX_VOWELS:
        rest = rest.replace(seq, vowel)
    candidate = head + rest
    if candidate != word and is_syllable(candidate):
        return candidate
    return None


def words(text: str) -> list[str]:
    """Lowercase NFC words with tone marks in canonical place; punctuation and emoji are dropped."""
    text = _REPEAT_RE.sub(r"\1", nfc(text).lower())
    return [normalize_tone_placement(w) if not w.isascii() else w for w in _WORD_RE.findall(text)]


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
    content: tuple[str, ...] = field(init=False)  # the tokens that are not weak

    def __post_init__(self) -> None:
        content = tuple(t for t, w in zip(self.tokens, self.weak, strict=True) if not w)
        object.__setattr__(self, "content", content)

    @property
    def text(self) -> str:
        """The content words as one string, for whole-phrase fuzzy comparison."""
        return " ".join(self.content)


_Tok = tuple[str, str | None]  # (folded, the accented word if the citizen typed diacritics)


class Normalizer:
    """Turns free text into an Analysis using the synonym and stopword data of `synonyms.yaml`."""

    def __init__(self, synonyms_path: Path | None = None) -> None:
        path = Path(synonyms_path) if synonyms_path is not None else DEFAULT_SYNONYMS
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        self._keep: frozenset[str] = frozenset(fold(str(w)) for w in data.get("keep") or ())

        self._rewrites: dict[tuple[str, ...], tuple[_Tok, ...]] = {}
        for section in ("abbreviations", "phrases"):
            for src, dst in (data.get(section) or {}).items():
                key = tuple(fold(w) for w in words(str(src)))
                if key:
                    self._rewrites[key] = tuple(_plain_tokens(str(dst)))
        self._max_rewrite = max((len(k) for k in self._rewrites), default=1)
        self._protected = self._keep | {k[0] for k in self._rewrites if len(k) == 1}

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
        self._max_stop = max((len(p) for p in phrases), default=1)
        self._stop_starts = frozenset(p[0] for p in phrases)
        self._rewrite_starts = frozenset(k[0] for k in self._rewrites)
        self._token_cache: dict[str, tuple[str, str | None, bool]] = {}

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

    def analyze(self, text: str, known: Container[str] = frozenset()) -> Analysis:
        """Normalise text; words in `known` (the matcher's vocabulary) are never "repaired"."""
        use_cache = not known
        cache = self._token_cache
        raw: list[tuple[str, tuple[str, str | None, bool]]] = []
        for w in words(text):
            tok = cache.get(w) if use_cache else None
            if tok is None:
                tok = self._token(w, known)
                if use_cache and len(cache) < 50_000:
                    cache[w] = tok
            raw.append((w, tok))
        # Someone who types diacritics on most words means a bare word literally ("chứng minh" is not
        # "chứng mình"); someone who types none could mean either, so their bare words stay ambiguous.
        marked = sum(1 for _, t in raw if t[1] is not None)
        exact = bool(raw) and marked * 2 >= len(raw)
        toks: list[_Tok] = [(f, a if a is not None or not (exact and bare) else w) for w, (f, a, bare) in raw]
        return self._drop_stopwords(self._rewrite(toks))

    def _rewrite(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        i, n = 0, len(toks)
        starts = self._rewrite_starts
        while i < n:
            if toks[i][0] not in starts:
                out.append(toks[i])
                i += 1
                continue
            for size in range(min(self._max_rewrite, n - i), 0, -1):
                repl = self._rewrites.get(tuple(t[0] for t in toks[i : i + size]))
                if repl is not None:
                    out.extend(repl)
                    i += size
                    break
            else:
                out.append(toks[i])
                i += 1
        return out

    def _drop_stopwords(self, toks: list[_Tok]) -> Analysis:
        tokens: list[str] = []
        weak: list[bool] = []
        accents: list[str | None] = []
        i, n = 0, len(toks)
        starts = self._stop_starts
        while i < n:
            if toks[i][0] in starts:
                skip = 0
                for size in range(min(self._max_stop, n - i), 1, -1):
                    if tuple(t[0] for t in toks[i : i + size]) in self._stop_phrases:
                        skip = size
                        break
                if skip:
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
            tokens.append(folded)
            weak.append(is_weak)
            accents.append(accent_key(accented) if accented is not None else None)
        return Analysis(tuple(tokens), tuple(weak), tuple(accents))


def _plain_tokens(text: str) -> Iterable[_Tok]:
    # A replacement was written deliberately by a clerk, so its words count as spelled out in full
    # (accented), even "anh" which has no marks: that makes a rewritten "a" a sure stopword.
    for w in words(text):
        yield (fold(w), w)
