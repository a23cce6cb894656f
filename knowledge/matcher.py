"""Find the procedure (or the other agency) a citizen's question is about.

Pure and fast: what retrieval needs of every document (vocabulary, inverted
index, idf) is computed once in __init__, and what only a candidate needs (its
phrasings' term sets, typicality, marks) the first time it is one; match() does
no I/O and logs nothing (questions may contain personal data).

Stages:
1. Normalise (knowledge.normalize): folded syllables, abbreviations, then
   synonyms, stopwords; negated words ("không có lương hưu"), purpose clauses
   ("... để vay ngân hàng") and details asked about ("... có cần giấy độc
   thân không") become other terms, and phrases of another kind of question
   ("giá rẻ", "nên mua loại nào") are counted. Then, against the index
   vocabulary (hỏi and ngã count as one tone):
   a word typed with other diacritics than any indexed word ("cười" vs
   "cưới") only counts inside two-word terms; a non-word one edit from a
   known word is corrected ("hoon"); a real but unknown syllable typed
   without marks is corrected only when the fix makes a known two-word term
   with its neighbour ("khai xinh") — typed with its marks ("hôm", "bói") it
   is meant, and only the onsets people confuse by ear are fixed ("chợ
   cấp"); glued words are split. Negated or purpose words the index does not
   know are set aside: they say what the question is not about.
2. BM25 over unigrams and bigrams of each document's name, aliases and
   keywords picks ten candidates. A document is a set of phrasings, so a
   term counts once however many aliases repeat it. Referrals are documents
   too, so "làm hộ chiếu" competes with commune procedures instead of being
   forced onto the nearest one. Rare terms find candidates, very common ones
   only add to them, so a 5,000-procedure index stays fast.
3. Re-rank the ten with a log-linear score over:
   - phrase coverage: the idf-weighted share of one known phrasing (name,
     alias, keyword) found in the question — the clerk's "you said the
     words of this procedure". Long phrasings count more than one keyword,
     and phrasings sharing no word pair with the official name less;
   - question coverage: the share of the question's informative words this
     document explains; words nobody in the index knows count against all;
   - BM25 relative to the best candidate;
   - whole-phrase similarity (rapidfuzz ratio / token_sort_ratio on folded
     text), which forgives slips that survive normalisation. WRatio and
     partial_* are avoided: on Vietnamese any shared syllable scores high;
   - name contrast: when two candidates' official names are alike ("Đăng ký
     kết hôn" / "Đăng ký lại kết hôn"), the question words only one of the
     names has ("lại") push toward it; words common to much of the knowledge
     base ("con") never do;
   - typicality: how often the document's phrasings use the question's terms
     (smoothed log-probability, idf-weighted) — "bố", "chưa cưới" in eight
     aliases of one procedure and one of its sibling;
   - a procedure (or referral) with `requires_one_of` (a re-registration needs
     a lost or spoilt paper) is ranked down when the question says none of
     them; one whose `excluded_by` the question says ("đã có sổ đỏ" for a first
     land registration) is ranked down and keeps too little evidence to be
     answered.
   A softmax over the ten turns the scores into shares (how far the best
   leads the others); `evidence` = phrase coverage × (½ + ½ explained),
   0–100, says whether the question is about anything we know. "Explained"
   is the question coverage, except that in a long question (a story)
   unexplained words beyond three typical ones no longer lower it: the
   evidence is normalised by what the question says, not by its length.
   When this reading explains too little and words were taken for a purpose,
   they are read as the request instead ("phá nhà cũ để xây nhà mới"). What
   was done before the request ("viết di chúc xong, giờ mang ra xã chứng
   thực") is read the same way, and also when it only picks one of the
   procedures the request alone could mean; it never brings in another
   matter ("kết hôn xong rồi, giờ chuyển khẩu" stays a residence question).
4. Decide: talk about procedures that asks for none (statistics, history,
   opinions, thanks for something done: "xã mình có bao nhiêu cặp đăng ký
   kết hôn", "cảm ơn ad, làm xong giấy khai sinh rồi") → none; a phrase
   of another kind of question → none (or the referral), unless the
   question names a procedure outright; too little evidence →
   none, but a long story with some evidence, or a plainly named runner-up,
   gets a choice (never when it is phrased as another kind of question);
   a confident share, a clear lead over the runner-up, or evidence far
   ahead of every serious rival → the procedure, or the referral (also when
   the referral is far better evidenced than any procedure and explains as
   much of the question, or one of its phrasings is said in full and no
   procedure is better evidenced, or it ranks first all but certainly and
   explains more of the question than the procedure named in it) — unless
   a sibling procedure (similar official name) ranked just below is
   clearly better evidenced, or another candidate much better evidenced,
   when asking is safer; otherwise ask the citizen to choose among up to
   three procedures, best first.
5. Second look, when the knowledge base has learned models (knowledge.learned,
   trained on labelled questions): the reject gate turns an answer or a choice
   into none when it is sure nothing here is asked, or a none with procedures
   in view into a choice of them when it is sure something is; the sibling
   arbiter turns an answer into a choice unless it is sure enough that the
   answer is the one meant; the procedure classifier, weighing every procedure
   at once, offers first in a choice one that questions worded alike meant
   (even one the matcher did not offer), or answers a choice when it is all but
   certain of one offered. A referral becomes a choice, still naming the
   other office, only when the gate is all but certain something here is asked.

The weights were fitted by softmax regression on ../shared/eval/dev-questions.jsonl
and the two tests/data question sets (few parameters, rounded); thresholds
were checked on question sets written by other people and kept outside the
repository. The features themselves come from the knowledge base only, never
from the questions; only the second look learns from questions.
"""

from __future__ import annotations

import functools
import gc
import heapq
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import chain, pairwise
from operator import add, itemgetter
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from knowledge.learned import Learned
from knowledge.loader import PROCEDURES_DIR, REFERRALS_DIR
from knowledge.model import KnowledgeBase, Procedure, Referral
from knowledge.normalize import (
    DONE,
    NEGATED,
    PURPOSE,
    Analysis,
    Normalizer,
    fold_iy,
    is_syllable,
    repair_typing,
    strip_marks,
)
from knowledge.procedure_classifier import ProcedureClassifier
from knowledge.reject_gate import features, in_view, question_features
from knowledge.runtime_caches import LeavesCachesOut

Kind = Literal["procedure", "clarify", "referral", "none"]
_Word = tuple[str, str | None]  # a folded word and how it was written (accent_key), None if bare
_Exclusion = tuple[tuple[_Word, ...], ...]  # an `excluded_by` entry: parts a few words may separate

# Questions longer than this are cut before matching: a real question fits easily, and the cut keeps
# a pasted 10,000-character text from costing more than an ordinary question.
MAX_QUESTION_CHARS = 600
MAX_TOKENS = 80
_LONGEST_SYLLABLE = 7  # "nghiêng"
_EPS = 1e-3
CODE_RE = re.compile(r"(?<![\d.])(\d\.\d{6})(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2})?(?![\d])")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A procedure the matcher considered; `score` is its share of the confidence, 0–100."""

    code: str
    name: str
    score: float


@dataclass(frozen=True, slots=True)
class Match:
    """The decision.

    `score` is the evidence (0–100) for the best candidate. `candidates` are procedures only, best
    first: for clarify exactly the ones to offer, otherwise the runners-up for diagnostics. A clarify
    may keep the `referral` the question also named: the citizen is told of it beside the choice.
    `asks_nothing` marks a "none" for a message that was understood as no request at all (thanks,
    a complaint, a statistic or an opinion): it deserves another reply than "not understood".
    `asks_progress` marks one that asks how far the citizen's own dossier has got: the way on is the
    dossier lookup.
    """

    kind: Kind
    procedure: Procedure | None
    referral: Referral | None
    score: float
    candidates: tuple[Candidate, ...]
    asks_nothing: bool = False
    asks_progress: bool = False


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The confidence rule.

    `evidence` (0–100) says whether the question is about something in the knowledge base at all; the
    `share` (0–1) of the best candidate says how far it leads the runner-up (a softmax of the ranking
    scores, so it is the gap to the others in probability terms).
    """

    evidence: float = 35.0  # below this: not understood ...
    vague_evidence: float = 25.0  # ... except a short question made only of words we know ("trợ cấp"),
    vague_coverage: float = 0.9  # which gets a choice instead (never a direct answer)
    sure_share: float = 0.55  # the best is confident at this share ...
    lead_share: float = 0.35  # ... or at this share when it is also
    lead_ratio: float = 1.5  # ... this many times as likely as the runner-up
    evidence_lag: float = 30.0  # never direct when another candidate has this much more evidence ...
    sibling_lag: float = 20.0  # ... or a procedure with a similar official name this much more
    story_words: int = 10  # a question this long (content words) that falls short of `evidence` ...
    story_evidence: float = 25.0  # ... but has this much gets a choice, not "not understood"
    clarify_min_share: float = 0.04  # never offer a candidate less likely than this
    # A phrase of another kind of question ("khám bệnh", "tuyển sinh") vetoes a procedure unless the
    # question names the procedure this plainly ("giấy xác nhận khuyết tật ... cần giấy khám bệnh ko").
    despite_other_intent: float = 85.0
    evidence_lead: float = 20.0  # evidence this far ahead of every rival ...
    rival_share: float = 0.1  # ... with at least this share is confident
    outright_lead: float = 15.0  # ... or this far ahead when a phrasing covers this much of it ...
    outright_phrase: float = 0.85
    outright_question: float = 0.95  # ... and it explains this much of the question
    procedure_lead: float = 5.0  # ... but a procedure this much better evidenced is offered instead
    referral_lead: float = 20.0  # another agency's matter this much better evidenced is referred to
    # ... and a referral ranked first with this share, explaining more of the question than any procedure
    # said in it, is referred even when the procedure's own phrasing is better evidenced.
    certain_share: float = 0.9


@dataclass(frozen=True, slots=True)
class Weights:
    """Log-linear ranking: Σ weight × ln(feature) (+ contrast); fitted once by softmax regression on
    the question sets and rounded, so a clerk's new alias changes features, not weights."""

    phrase: float = 1.4  # best phrasing's coverage
    question: float = 0.5  # share of the question explained
    bm25: float = 0.9  # BM25 relative to the best candidate
    similarity: float = 0.4  # rapidfuzz similarity of the whole phrasing
    contrast: float = 0.7  # question words that tell this official name from a similar one
    typical: float = 1.8  # how typical the question's words are of its phrasings
    unmarked: float = 3.0  # taken off when the question says none of `requires_one_of`


@dataclass(slots=True)
class _Scored:
    index: int
    rank: float
    evidence: float
    share: float
    features: tuple[float, ...]


@dataclass(slots=True)
class _Ranking:
    candidates: list[_Scored]
    other_intents: int  # phrases of another kind of question ("giá rẻ", "lịch tiêm")
    not_requests: int  # phrases that talk about procedures without asking for one ("có bao nhiêu cặp")
    n_content: int  # content words of the question
    purpose: bool = False  # some words were read as a purpose clause ("... để vay ngân hàng")
    done: bool = False  # some words were read as what is done already ("kết hôn xong rồi, giờ ...")
    progress: bool = False  # it asks how far the citizen's own dossier has got
    said: tuple[str, ...] = ()  # every word of the question as read, for the learned models


@dataclass(slots=True)
class _Phrase:
    terms: dict[str, float]  # term -> idf
    total: float  # sum of idf over the phrase's terms
    text: str  # folded content words, for rapidfuzz
    weight: float  # how much a fully covered phrase is worth
    anchored: bool = True  # the official name, or a phrasing sharing a two-word term with it


@dataclass(slots=True)
class _Doc:
    key: str
    name: str
    procedure: Procedure | None
    referral: Referral | None
    phrases: list[_Phrase]
    terms: frozenset[str]
    name_terms: frozenset[str]
    name_words: frozenset[str]  # the official name's words (no pairs): what tells two names apart
    # The procedure's `requires_one_of`: groups of entries, each entry as its words (folded, with the
    # marks it is written with). A question must say all words of one entry in every group.
    marks: tuple[tuple[frozenset[_Word], ...], ...]
    exclusions: tuple[_Exclusion, ...]  # `excluded_by`, each entry as its parts (words in order)
    # term -> (phrase index, the share of that phrase's worth the term brings: weight × idf / total):
    # coverage work follows the matches, not the phrases ...
    postings: dict[str, list[tuple[int, float]]]
    # ... except for a term in most of the phrasings ("khai sinh" in a birth registration's forty): its
    # share in every phrasing (0.0 where absent), added to all of them at once.
    spread: dict[str, tuple[float, ...]]
    # How typical each term is of the phrasings (smoothed log-probability), and that of an unseen term.
    typical: dict[str, float]
    untypical: float


@dataclass(frozen=True, slots=True)
class _Entry:
    """What a document is built from: a procedure's or a referral's own words."""

    key: str
    name: str
    procedure: Procedure | None
    referral: Referral | None
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Indexed:
    """What the index takes from analysing one document's phrasings, kept so that the next index (after
    a reload) reuses it for every document whose words did not change: analysing is most of the
    time an index of thousands of documents takes to build."""

    terms: frozenset[str]
    accents: tuple[tuple[str, str], ...]  # (folded word, accented spelling) pairs


def _terms(a: Analysis) -> dict[str, int]:
    """Unigrams of content words plus bigrams of neighbours, with and without weak words between."""
    out: dict[str, int] = {}
    for t in a.content:
        out[t] = out.get(t, 0) + 1
    toks = a.tokens
    for i in range(len(toks) - 1):
        bg = f"{toks[i]} {toks[i + 1]}"
        out[bg] = out.get(bg, 0) + 1
    content = a.content
    if len(content) != len(toks):
        for i in range(len(content) - 1):
            bg = f"{content[i]} {content[i + 1]}"
            out.setdefault(bg, 1)
    return out


class Matcher(LeavesCachesOut):
    """Matches questions against one KnowledgeBase; build a new Matcher when the KB is reloaded."""

    K1 = 1.2
    B = 0.5
    RERANK = 10
    # Postings longer than max(MIN_WALK, documents / 50) are not walked during retrieval (their terms
    # are too common to pick a document); they still add to the candidates the rarer terms found.
    MIN_WALK = 100
    POOL = 60  # candidates kept from the rare terms before the common ones are added
    UNANCHORED = 0.8
    NAME_OVERLAP = 0.4  # official names sharing this share of terms are "similar" for the contrast
    GARBAGE_MIN_WORDS = 6
    GARBAGE_SHARE = 0.6
    CONTRAST_WITH = 10  # names are contrasted with this many of the best candidates
    DONE_PICKS_AMONG = 3  # what was done may pick one of this many readings of the request alone
    CONTRAST_MAX_DF = 0.3  # a term in more than this share of the documents never tells two names apart
    SMOOTHING = 0.1  # added to each phrasing count in the typicality (Lidstone smoothing)
    BM25_FLOOR = 0.3
    UNMARKED_EVIDENCE = 0.5  # evidence kept by a procedure whose requires_one_of fails ...
    # ... and by one whose `excluded_by` the question says: a clerk's "not this one when ..." leaves it
    # below every answering threshold, so it can at most be offered among others.
    EXCLUDED_EVIDENCE = 0.2
    SIMILAR_TO = 10
    SIMILARITY_FROM = 0.4  # ... for documents whose best phrasing is covered this much
    TYPICAL_SIMILARITY = 0.5  # the whole-phrase similarity looks at this many best covered phrasings
    UNEXPLAINED_WORDS = 3  # unexplained words beyond this many typical words do not lower the evidence
    # What matching fills in as questions come (documents built on first use, typo fixes, ...).
    _CACHES = ("_docs", "_common", "_typo_cache", "_words", "_diff_cache", "_compat_cache", "_spelled_cache")

    def __init__(
        self,
        kb: KnowledgeBase,
        normalizer: Normalizer,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
        previous: Matcher | None = None,
    ) -> None:
        """`previous`: the matcher this one replaces; what it analysed is reused where it still holds."""
        self.kb = kb
        self.normalizer = normalizer
        self.thresholds = thresholds or Thresholds()
        self.weights = weights or Weights()
        # The index is hundreds of thousands of small dicts and tuples, none of them cyclic: the cyclic
        # garbage collector would only rescan them over and over while they are built.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._build(previous)
        finally:
            if was_enabled:
                gc.enable()

    def _build(self, previous: Matcher | None) -> None:
        kb = self.kb

        # Each document: the official name (or referral topic), then aliases, then keywords. Only what
        # retrieval needs of every document is built here; the rest of a document (its phrasings, marks,
        # typicality) is built the first time it is a candidate, since a question only ever looks at
        # ten of them and a catalogue of thousands would otherwise be analysed twice over at start.
        self._entries: list[_Entry] = [
            _Entry(p.code, p.name, p, None, p.aliases, p.keywords) for p in kb.procedures.values()
        ]
        self._entries += [
            _Entry(r.id, r.topic, None, r, r.aliases, r.keywords) for r in kb.referrals.values()
        ]
        reusable = self._reusable(previous)
        self._indexed = [reusable.get(_words_of(e)) or self._index(e) for e in self._entries]
        doc_terms = [x.terms for x in self._indexed]
        accents: dict[str, set[str]] = defaultdict(set)
        for t, acc in set(chain.from_iterable(x.accents for x in self._indexed)):
            accents[t].add(acc)

        # Document frequencies and BM25. A document is a set of phrasings: a term said in twelve aliases
        # is not twelve times as telling as in one, and counting it so would favour the procedures with
        # the most aliases; so every term of a document has frequency one.
        df = Counter(chain.from_iterable(doc_terms))
        n = max(len(self._entries), 1)
        idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._idf: dict[str, float] = idf
        self._unigrams: frozenset[str] = frozenset(t for t in df if " " not in t)
        self._df = dict(df)
        avgdl = sum(len(terms) for terms in doc_terms) / n if doc_terms else 1.0
        k1, b = self.K1, self.B
        # A term's BM25 weight in document i is idf × _bm25_scale[i]; postings hold only the documents,
        # which keeps a snapshot of a large catalogue small and quick to read.
        self._bm25_scale = [(k1 + 1) / (1 + k1 * (1 - b + b * len(terms) / avgdl)) for terms in doc_terms]
        self._postings = self._postings_after_edit(previous)
        if self._postings is None:
            postings: dict[str, list[int]] = defaultdict(list)
            for i, terms in enumerate(doc_terms):
                for t in terms:
                    postings[t].append(i)
            self._postings = dict(postings)
        # Terms in more documents than this are too common to pick candidates by; they only add to the
        # score of candidates found through rarer terms (the "max-score" idea of search engines).
        self._walk_limit = max(self.MIN_WALK, n // 50)
        self._common: dict[str, frozenset[int]] = {}  # such a term's documents, on first use
        self._docs: dict[int, _Doc] = {}  # built on first use by _doc()

        # The accented spellings each folded word has in the knowledge base: a question word typed with
        # other marks ("cười" vs "cưới") is another word, usable only inside two-word terms.
        self._forms: dict[str, list[tuple[frozenset[str], ...]]] = {
            t: [_marks(f) for f in sorted(v)] for t, v in accents.items()
        }

        # Deletion neighbourhoods for one-edit typo lookup (SymSpell style): O(len) per unknown word.
        self._deletes: dict[str, list[str]] = defaultdict(list)
        for w in self._unigrams:
            if len(w) >= 3 and w.isalpha():
                for j in range(len(w)):
                    self._deletes[w[:j] + w[j + 1 :]].append(w)
        self._typo_cache: dict[str, str | None] = {}
        self._words: dict[str, tuple[str, str | None, bool]] = {}  # the normaliser's repairs, per word
        self._diff_cache: dict[tuple[int, int], tuple[frozenset[str], frozenset[str]] | None] = {}
        self._compat_cache: dict[tuple[str, str], bool] = {}
        self._spelled_cache: dict[str, tuple[_Word, ...]] = {}
        oov_idfs = sorted(self._idf[t] for t in self._unigrams) or [1.0]
        # An unknown word is worth a typical word: it says the question is about something else too.
        self._oov_weight = oov_idfs[len(oov_idfs) // 2]

    def _reusable(self, previous: Matcher | None) -> dict[tuple[str, ...], _Indexed]:
        """The previous index's documents by their words, if it analysed them the way this one would."""
        if previous is None or previous.normalizer.source != self.normalizer.source:
            return {}
        return {_words_of(e): x for e, x in zip(previous._entries, previous._indexed, strict=True)}

    def _postings_after_edit(self, previous: Matcher | None) -> dict[str, list[int]] | None:
        """The previous index's postings with only the edited documents' terms redone, when the
        documents are the same ones in the same order and few changed (a reload after a clerk's edit:
        rebuilding millions of postings is most of what a reload of a large catalogue costs); None
        otherwise."""
        if previous is None or [e.key for e in previous._entries] != [e.key for e in self._entries]:
            return None
        old, new = previous._indexed, self._indexed
        changed = [i for i, (before, now) in enumerate(zip(old, new, strict=True)) if before is not now]
        if len(changed) * 10 > len(new):
            return None
        postings = dict(previous._postings)
        edited = set(changed)
        for t in set().union(*(old[i].terms | new[i].terms for i in changed)):
            docs = [i for i in postings.get(t, ()) if i not in edited]
            docs += [i for i in changed if t in new[i].terms]
            if docs:
                postings[t] = sorted(docs)
            else:
                del postings[t]
        return postings

    def _index(self, entry: _Entry) -> _Indexed:
        # Interned: thousands of documents share each term, and a snapshot then stores it once.
        terms: set[str] = set()
        accents: set[tuple[str, str]] = set()
        for a, _kind in self._phrases(entry):
            terms.update(map(sys.intern, _terms(a)))
            accents.update(
                (sys.intern(t), sys.intern(acc)) for t, acc in zip(a.tokens, a.accents, strict=True) if acc
            )
        return _Indexed(frozenset(terms), tuple(accents))

    def _doc(self, i: int) -> _Doc:
        doc = self._docs.get(i)
        if doc is None:
            doc = self._docs[i] = self._build_doc(self._entries[i])
        return doc

    def _build_doc(self, entry: _Entry) -> _Doc:
        idf = self._idf
        phrases = self._phrases(entry)
        per_phrase = [_terms(a) for a, _ in phrases]
        name_terms = per_phrase[0]
        name_pairs = {t for t in name_terms if " " in t}
        built: list[_Phrase] = []
        for (a, kind), pt in zip(phrases, per_phrase, strict=True):
            terms = {t: idf[t] for t in pt}
            total = sum(terms.values())
            if not terms or total <= 0:
                continue
            weight = _phrase_weight(kind, len(a.content))
            anchored = kind == "name" or not name_pairs.isdisjoint(terms)
            if not anchored:
                # A phrasing that shares no two-word term with the official name ("trẻ sơ sinh" for
                # khai sinh) names the situation, not the procedure: weaker evidence.
                weight *= self.UNANCHORED
            built.append(_Phrase(terms, total, a.text, weight, anchored))
        # How many of the document's phrasings use each term: "bố" in eight aliases of one procedure
        # and one of another says which of the two a question with "bố" is more typically about.
        # Stored as smoothed log-probabilities, with the one of an unseen term.
        counts: dict[str, int] = defaultdict(int)
        for terms in per_phrase:
            for t in terms:
                counts[t] += 1
        smoothing = self.SMOOTHING
        log_total = math.log(sum(counts.values()) + smoothing * max(len(self._df), 1))
        return _Doc(
            entry.key,
            entry.name,
            entry.procedure,
            entry.referral,
            built,
            frozenset(counts),
            frozenset(name_terms),
            frozenset(t for t in name_terms if " " not in t),
            self._marks_of(entry.procedure or entry.referral),
            self._exclusions_of(entry.procedure or entry.referral),
            *_phrase_postings(built),
            {t: math.log(c + smoothing) - log_total for t, c in counts.items()},
            math.log(smoothing) - log_total,
        )

    def _marks_of(self, source: Procedure | Referral | None) -> tuple[tuple[frozenset[_Word], ...], ...]:
        if source is None:
            return ()
        groups = []
        for group in source.requires_one_of:
            entries = (frozenset(self._spelled_words(m)) for m in group)
            groups.append(tuple(e for e in entries if e))
        return tuple(g for g in groups if g)

    def _exclusions_of(self, source: Procedure | Referral | None) -> tuple[_Exclusion, ...]:
        if source is None:
            return ()
        entries = (self._exclusion_parts(e) for e in source.excluded_by)
        return tuple(e for e in entries if e)

    def _exclusion_parts(self, text: str) -> _Exclusion:
        """An `excluded_by` entry's words, in parts: "…" between two parts lets a few words of the
        question stand between them ("sổ … còn" for "sổ hộ tịch ở xã vẫn còn", "xã nói sổ còn")."""
        parts = (self._spelled_words(part) for part in text.split(GAP_MARK))
        return tuple(part for part in parts if part)

    def _spelled_words(self, text: str) -> tuple[_Word, ...]:
        """A knowledge-base entry's words, each with the marks it is written with (cached: sibling
        procedures share their `excluded_by` entries)."""
        found = self._spelled_cache.get(text)
        if found is None:
            a = self.normalizer.analyze(text, spelled=True)
            found = self._spelled_cache[text] = tuple(zip(a.tokens, a.accents, strict=True))
        return found

    def _phrases(self, entry: _Entry) -> list[tuple[Analysis, str]]:
        def analyze(text: str) -> Analysis:
            return self.normalizer.analyze(text, spelled=True)

        out = [(analyze(entry.name), "name")]
        out += [(analyze(x), "alias") for x in entry.aliases]
        out += [(analyze(x), "keyword") for x in entry.keywords]
        return out

    # ------------------------------------------------------------------ query side

    def _one_edit(self, word: str) -> set[str]:
        """Vocabulary words one edit away, plus the onsets people confuse by ear (ch/tr, d/gi/r)."""
        found: set[str] = set(self._deletes.get(word, ()))  # one letter too many
        for j in range(len(word)):
            d = word[:j] + word[j + 1 :]
            if d in self._unigrams:
                found.add(d)
            found.update(self._deletes.get(d, ()))
        found = {f for f in found if f != word and Levenshtein.distance(word, f) <= 1}
        found |= self._swapped(word)
        for a, b in _CONFUSED_ONSETS:
            if word.startswith(a) and (b + word[len(a) :]) in self._unigrams:
                found.add(b + word[len(a) :])
        return found

    def _swapped(self, word: str) -> set[str]:
        """Vocabulary words with two neighbouring letters of `word` swapped, the commonest slip of a
        thumb ("ngeho", "kte"), which counts as two edits."""
        swaps = (word[:j] + word[j + 1] + word[j] + word[j + 2 :] for j in range(len(word) - 1))
        return {s for s in swaps if s != word and s in self._unigrams}

    def _correct(self, word: str) -> str | None:
        """For a word that cannot be Vietnamese: the vocabulary word one edit away (most common wins),
        or two known syllables typed together ("khaisinh")."""
        if word in self._typo_cache:
            return self._typo_cache[word]
        best: str | None = None
        if len(word) >= 3:
            # A short word has too many neighbours one edit away; only a swap is safe there.
            found = self._one_edit(word) if len(word) >= 4 else self._swapped(word)
            if found:
                best = max(sorted(found), key=lambda f: self._df.get(f, 0))
        if best is None and len(word) >= 5:
            for j in range(2, len(word) - 1):
                left, right = word[:j], word[j:]
                if left in self._unigrams and right in self._unigrams and f"{left} {right}" in self._idf:
                    best = f"{left} {right}"
                    break
        if best is None and len(word) >= 4 and word[0] == word[1] and word[0] not in "aeiouyd":
            best = self._correct(word[1:])  # "kkhaitu": a key held too long ("dd" is Telex for đ)
        if len(self._typo_cache) < 50_000:
            self._typo_cache[word] = best
        return best

    def _split_in_context(self, word: str, prev: str | None, nxt: str | None) -> list[str] | None:
        """For a word that cannot be Vietnamese: two or three syllables typed together, at least one
        two-word term of the index confirming them, with each other or with a neighbour ("lamkhai
        sinh" is "làm khai sinh", "nhanconngoai" is "nhận con ngoài"). The split with the most
        confirmed terms wins; then the one with fewer pieces."""
        if not 5 <= len(word) <= 3 * _LONGEST_SYLLABLE:
            return None  # pasted noise: no three syllables make it
        splits = [[word[:i], word[i:]] for i in range(2, len(word) - 1)]
        n = len(word)
        splits += [[word[:i], word[i:j], word[j:]] for i in range(2, n - 3) for j in range(i + 2, n - 1)]
        best: tuple[int, int, list[str]] | None = None
        for typed in splits:
            # Each piece a syllable as typed or once its Telex keys are undone ("saogiaays").
            read = [p if is_syllable(p) else repair_typing(p) for p in typed]
            if None in read:
                continue
            parts = [fold_iy(p) for p in read if p is not None]  # "kykhai": "ky" is "ki" in the index
            around = [prev, *parts, nxt]
            confirmed = sum(
                f"{a} {b}" in self._idf for a, b in pairwise(around) if a is not None and b is not None
            )
            if confirmed and (best is None or (confirmed, -len(parts)) > best[:2]):
                best = (confirmed, -len(parts), parts)
        return best[2] if best else None

    def _in_context(
        self, word: str, prev: str | None, nxt: str | None, onsets_only: bool = False
    ) -> str | None:
        """For a real but unknown syllable ("khai xinh"): a one-edit neighbour that forms a known
        two-word term with the word before or after. Without that confirmation a real word stays itself.
        One confirmed on both sides beats one confirmed on one ("giấy khay sinh" is "giấy khai sinh",
        though "giấy khám" is the rarer term); then the rarer term wins."""
        if len(word) < 3 or (prev is None and nxt is None):
            return None
        if onsets_only:
            options = {b + word[len(a) :] for a, b in _CONFUSED_ONSETS if word.startswith(a)}
            options &= self._unigrams
        else:
            options = self._one_edit(word)

        def confirmed(c: str) -> list[float]:
            bigrams = (f"{prev} {c}" if prev else None, f"{c} {nxt}" if nxt else None)
            return [self._idf[bg] for bg in bigrams if bg is not None and bg in self._idf]

        # (sides confirmed, rarest term, word); max keeps the first of equals, so ties go alphabetically.
        scored = ((len(k), max(k), c) for c in sorted(options) if (k := confirmed(c)))
        best = max(scored, key=itemgetter(0, 1), default=None)
        return best[2] if best else None

    def _onset_in_context(self, typed: str, folded: str, tokens: Sequence[str], i: int) -> str | None:
        """For a word typed with marks that none of its knowledge-base spellings has: the word with an
        onset people confuse by ear, when a neighbour confirms it and the marks fit ("dấy khai sinh"
        is "giấy khai sinh", "trứng thực" "chứng thực", "nần đầu" "lần đầu")."""
        fixed = self._in_context(folded, *_neighbours(tokens, i), onsets_only=True)
        return fixed if fixed is not None and self._same_marks(typed, fixed) else None

    def _compatible(self, typed: str, folded: str) -> bool:
        """Could a word typed with these marks be a knowledge-base word? Missing marks are forgiven
        ("kêt" for "kết"), different ones are not ("cười" is not "cưới", "máy" is not "mai")."""
        key = (typed, folded)
        hit = self._compat_cache.get(key)
        if hit is None:
            marks = _marks(typed)
            hit = any(_within(marks, f) for f in self._forms.get(folded, ()))
            if len(self._compat_cache) < 50_000:
                self._compat_cache[key] = hit
        return hit

    def _another_word(self, typed: str, folded: str) -> bool:
        """Was a knowledge-base word's letters typed with marks none of its spellings has?"""
        marked = strip_marks(typed) != typed
        return marked and folded in self._unigrams and not self._compatible(typed, folded)

    def _same_marks(self, typed: str, folded: str) -> bool:
        """Could these diacritics belong to some spelling of the knowledge-base word `folded`? Marks
        typed on a real syllable are deliberate, so a correction must keep them ("chợ cấp" → "trợ")."""
        mine = frozenset().union(*_marks(typed))
        if not mine:
            return True
        return any(mine <= frozenset().union(*f) for f in self._forms.get(folded, ()))

    def _analyze(
        self, question: str, purpose_is_request: bool = False
    ) -> tuple[Analysis, int, int, tuple[_Word, ...]]:
        """The question's tokens mapped onto the vocabulary, how many words point nowhere we know, how
        many words were looked at, and the tokens with the marks they were typed with (None: typed
        bare), so that `requires_one_of` and `excluded_by` can tell "nhắn" from "nhận", and the clause
        of each token, so that an exclusion is not read across a comma. With `purpose_is_request`,
        words the normaliser took for a purpose clause are read as the request itself."""
        a = self.normalizer.analyze(question[:MAX_QUESTION_CHARS], known=self._unigrams, cache=self._words)
        tokens = list(a.tokens[:MAX_TOKENS])
        if purpose_is_request:
            tokens = [t[1:] if t[0] in (PURPOSE, DONE) else t for t in tokens]
        weak = list(a.weak[:MAX_TOKENS])
        accents = list(a.accents[:MAX_TOKENS])
        clauses = a.clauses[:MAX_TOKENS]
        out_t: list[str] = []
        out_w: list[bool] = []
        out_a: list[str | None] = []
        out_c: list[int] = []
        unknown = 0
        seen = 0
        fixes: dict[str, str] = {}  # a word as typed -> what it was read as
        for i, t in enumerate(tokens):
            w = weak[i]
            acc = accents[i]
            clause = clauses[i]
            if acc is not None and self._another_word(acc, bare := t.lstrip(_ASIDE_MARKERS)):
                fixes[bare] = acc.lower()  # to the learned models: "nhắn cha" is not "nhận cha"
            if t[0] in _ASIDE and t not in self._unigrams:
                # What the question says it is not about, or what the paper is for: no evidence either
                # way, but it may still complete a negated or purpose two-word term of the index.
                out_t.append(t)
                out_w.append(True)
                out_a.append(acc)
                out_c.append(clause)
                continue
            seen += not w
            if w or t.isdigit():
                pass
            elif t in self._unigrams:
                if acc is not None and self._another_word(acc, t):
                    fixed = self._onset_in_context(acc, t, tokens, i)
                    if fixed is None:
                        w = True  # another word with the same letters: usable only inside two-word terms
                        unknown += 1
                    else:
                        fixes[t] = fixed
                        t = fixed
            elif not any(c in "aeiou" for c in t):
                unknown += 1  # an abbreviation we do not know, not a typo
            elif a.english and acc is None:
                unknown += 1  # an English word nobody listed: no Vietnamese typo to repair
            elif is_syllable(t):
                # A real syllable typed with its marks was meant ("hôm" is not "hợp", "bói" is not
                # "đổi"); only the onsets people confuse by ear are fixed in it ("chợ cấp").
                if acc is not None and strip_marks(acc) != acc:
                    fixed = self._onset_in_context(acc, t, tokens, i)
                else:
                    fixed = self._in_context(t, *_neighbours(tokens, i))
                if fixed is None:
                    unknown += 1  # a real word we do not know ("nhieu" is not a typo of "nhiem")
                else:
                    fixes[t] = fixed
                    t = fixed
            else:
                fixed = self._correct(t)
                if fixed is None:
                    parts = self._split_in_context(t, *_neighbours(tokens, i))
                    fixed = " ".join(parts) if parts else None
                if fixed is not None:
                    fixes[t] = fixed
                    for part in fixed.split(" "):
                        out_t.append(part)
                        out_w.append(part not in self._unigrams)  # "lam" of "lamkhai": a small word
                        out_a.append(None)
                        out_c.append(clause)
                    continue
                unknown += 1
            out_a.append(acc if t == tokens[i] else None)
            out_t.append(t)
            out_w.append(w)
            out_c.append(clause)
        meant = tuple(zip(out_t, out_a, strict=True))
        # The learned models read the question as corrected too: "hộ ngèo" is "hộ nghèo" to them.
        said = tuple(part for w in a.said for part in fixes.get(w, w).split(" ")) if fixes else a.said
        analysis = replace(
            a, tokens=tuple(out_t), weak=tuple(out_w), accents=(), clauses=tuple(out_c), said=said
        )
        return analysis, unknown, seen, meant

    # ------------------------------------------------------------------ matching

    def _retrieve(self, qterms: Iterable[str]) -> list[tuple[int, float]]:
        """The best RERANK documents by BM25: rare terms find candidates, common ones only add to them."""
        acc: dict[int, float] = defaultdict(float)
        common: list[str] = []
        limit, scale = self._walk_limit, self._bm25_scale
        for t in qterms:
            plist = self._postings.get(t)
            if plist is None:
                continue
            if len(plist) > limit:
                common.append(t)
                continue
            idf = self._idf[t]
            for i in plist:
                acc[i] += idf * scale[i]
        if common:
            if not acc:
                # Only common words ("đăng ký"): let the rarest of them propose candidates.
                rarest = min(common, key=lambda t: len(self._postings[t]))
                idf = self._idf[rarest]
                for i in self._postings[rarest]:
                    acc[i] += idf * scale[i]
                common.remove(rarest)
            # Ties keep the order the documents were found in, which is deterministic.
            pool = heapq.nlargest(self.POOL, acc.items(), key=itemgetter(1))
            extra = dict.fromkeys((i for i, _ in pool), 0.0)
            for t in common:
                idf = self._idf[t]
                for i in self._documents_with(t).intersection(extra):
                    extra[i] += idf * scale[i]
            scored = [(i, s + extra[i]) for i, s in pool]
        else:
            scored = list(acc.items())
        return heapq.nlargest(self.RERANK, scored, key=itemgetter(1))

    def _documents_with(self, term: str) -> frozenset[int]:
        docs = self._common.get(term)
        if docs is None:
            docs = self._common[term] = frozenset(self._postings[term])
        return docs

    def _features(
        self, doc: _Doc, qterms: dict[str, int], uni: dict[str, float], u_total: float, qtext: str
    ) -> tuple[float, float, float, float]:
        """(phrase coverage, question coverage, whole-phrase similarity, each 0..1, and the idf of the
        question's words this document explains)."""
        covered = [0.0] * len(doc.phrases)
        postings, spread = doc.postings, doc.spread
        # frozenset.intersection walks the question's few terms; "keys() & frozenset" would walk the
        # document's hundreds.
        for t in doc.terms.intersection(qterms):
            shares = spread.get(t)
            if shares is not None:
                covered = list(map(add, covered, shares))
                continue
            for k, share in postings[t]:
                covered[k] += share
        phrase_cov = max(covered, default=0.0)
        matched = sum(uni[t] for t in doc.terms.intersection(uni))
        q_cov = matched / u_total if u_total else 0.0
        # A document whose best phrasing is barely covered cannot win, so its whole-phrase similarity
        # is not worth computing (it gets a typical value); otherwise only the phrasings best covered
        # by the question's terms can be similar to it as a whole.
        if phrase_cov < self.SIMILARITY_FROM:
            return phrase_cov, q_cov, self.TYPICAL_SIMILARITY, matched
        phrases = doc.phrases
        by_coverage = heapq.nlargest(self.SIMILAR_TO, ((c, k) for k, c in enumerate(covered) if c))
        texts = [t for t in (phrases[k].text for _, k in by_coverage) if t]
        sim = 0.0
        if qtext and texts:
            best = process.extractOne(qtext, texts, scorer=fuzz.ratio)
            sim = best[1] if best else 0.0
            best = process.extractOne(qtext, texts, scorer=fuzz.token_sort_ratio, score_cutoff=sim)
            if best:
                sim = max(sim, best[1])
        return phrase_cov, q_cov, sim / 100.0, matched

    def _rank(self, question: str, purpose_is_request: bool = False) -> _Ranking:
        """The re-ranked candidates, best first, with evidence and share filled in."""
        a, unknown, seen, meant = self._analyze(question, purpose_is_request)
        ranking = _Ranking([], a.other_intents, a.not_requests, len(a.content), progress=a.asks_progress)
        ranking.done = any(t[0] == DONE for t in a.tokens)
        ranking.purpose = any(t[0] == PURPOSE for t in a.tokens)
        ranking.said = a.said
        if not a.english and seen >= self.GARBAGE_MIN_WORDS and unknown > self.GARBAGE_SHARE * seen:
            # Mostly words no procedure, referral or typo fix knows: pasted text or keyboard mashing.
            # Real questions, even rambling ones, stay well under this share; English ones are read
            # from the words listed and hold many others.
            return ranking
        qterms = _terms(a)
        known = [t for t in qterms if t in self._idf]
        if not known:
            return ranking
        uni = {t: self._idf[t] for t in a.content if t in self._idf}
        u_total = sum(uni.values()) + self._oov_weight * unknown
        top = self._retrieve(known)
        if not top:
            return ranking
        bm_max = top[0][1]
        w = self.weights
        qtext = a.text
        q_total = sum(self._idf[t] for t in known) + self._oov_weight * unknown
        ids = [i for i, _ in top[: self.CONTRAST_WITH]]
        contrasts = self._contrasts(ids, qterms)
        said = _said(meant)
        # A detail asked about still says what the case is: "giấy độc thân bên đó có phải hợp pháp hóa
        # lãnh sự không" is about a paper issued abroad.
        words = [(t.lstrip(PURPOSE + DONE), typed) for t, typed in meant]
        clauses = a.clauses
        stated = _in_clauses(words, clauses)
        # An entry written with marks loses its small words ("ghi chú kết hôn" is indexed "ghi kết hôn");
        # typed bare they stay in the question as weak words, so the entry is also looked for without them.
        kept = [n for n, weak in enumerate(a.weak) if not weak]
        stated_plain = _in_clauses([words[n] for n in kept], [clauses[n] for n in kept])
        stated_words = {word for word, _ in words}  # an entry is looked for only if its first word is said
        known_idf = sum(self._idf[t] for t in known)
        idf_shares = [(t, self._idf[t] / known_idf) for t in known]
        out: list[_Scored] = []
        # For the evidence, what the question says beyond a few words is narrative: a long story is not
        # less about a procedure than a short question ("normalise by content, not by length").
        cap = self.UNEXPLAINED_WORDS * self._oov_weight
        if len(a.content) < self.thresholds.story_words:
            cap = u_total  # a short question is all intent: every unexplained word counts
        # A candidate with less than this share of the best BM25 never wins; it is not worth scoring.
        floor = self.BM25_FLOOR * bm_max
        for i, bm in top:
            if bm < floor:
                continue
            doc = self._doc(i)
            phrase_cov, q_cov, sim, matched = self._features(doc, qterms, uni, u_total, qtext)
            explained = matched / (matched + min(u_total - matched, cap)) if matched > 0 else 0.0
            contrast = contrasts.get(i, 0.0) / q_total
            typical = self._typicality(i, idf_shares)
            rank = (
                w.phrase * math.log(phrase_cov + _EPS)
                + w.question * math.log(q_cov + _EPS)
                + w.bm25 * math.log(bm / bm_max + _EPS)
                + w.similarity * math.log(sim + _EPS)
                + w.contrast * contrast
            )
            evidence = 100.0 * phrase_cov * (0.5 + 0.5 * explained)
            unmarked = bool(doc.marks) and not all(any(_says_all(said, m) for m in g) for g in doc.marks)
            excluded = any(
                e[0][0][0] in stated_words and (_says(stated, e) or _says(stated_plain, e))
                for e in doc.exclusions
            )
            if unmarked or excluded:
                # "làm giấy kết hôn" says nothing of a lost paper: not "Đăng ký lại kết hôn"; and
                # what the question does say weighs less as evidence for it.
                rank -= w.unmarked
                evidence *= self.EXCLUDED_EVIDENCE if excluded else self.UNMARKED_EVIDENCE
            features = (phrase_cov, q_cov, sim, bm / bm_max, contrast, typical)
            out.append(_Scored(i, rank, evidence, 0.0, features))
        top_typical = max(c.features[5] for c in out)
        for c in out:
            c.rank += w.typical * (c.features[5] - top_typical)
        out.sort(key=lambda c: (-c.rank, c.index))
        best = out[0].rank
        weights = [math.exp(c.rank - best) for c in out]
        total = sum(weights)
        for c, x in zip(out, weights, strict=True):
            c.share = x / total
        ranking.candidates = out
        return ranking

    def _typicality(self, i: int, known: list[tuple[str, float]]) -> float:
        """How typical the question's terms are of document i's phrasings: their log-probability among
        the phrasings' terms (smoothed), averaged with idf weights (`known` holds term and its share
        of the question's idf) so that "từ", "năm" or "làm", said in every kind of question, do not
        outvote the words that name the matter."""
        doc = self._doc(i)
        typical, unseen = doc.typical, doc.untypical
        return sum(w * typical.get(t, unseen) for t, w in known)

    def _contrasts(self, ids: list[int], qterms: dict[str, int]) -> dict[int, float]:
        """For each candidate, against each one with a similar official name: idf of the question
        terms only its name has, minus those only the other has. "Đăng ký lại kết hôn" vs "Đăng ký
        kết hôn" differ by "lại"; a question with "lại" leans to the first, one without it is not
        pushed either way. The pull is antisymmetric, so each pair is weighed once."""
        out = dict.fromkeys(ids, 0.0)
        idf = self._idf
        for n, i in enumerate(ids):
            for j in ids[n + 1 :]:
                diff = self._name_diff(i, j)
                if diff is None:
                    continue
                mine_only, other_only = diff
                pull = sum(idf[t] for t in mine_only if t in qterms) - sum(
                    idf[t] for t in other_only if t in qterms
                )
                out[i] += pull
                out[j] -= pull
        return out

    def _name_diff(self, i: int, j: int) -> tuple[frozenset[str], frozenset[str]] | None:
        """Terms that tell name i from name j (only in i, only in j), or None when the names are not
        alike, i.e. the procedures are not siblings (cached).

        A term tells them apart only if it is not common to much of the knowledge base: "con" in
        "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con" is in nearly every khai sinh question and
        must not pull them all to that procedure. A pair made of words both names have ("ký giám" in
        "Đăng ký giám hộ" against "Đăng ký chấm dứt giám hộ") is only where a word was inserted."""
        key = (i, j)
        if key in self._diff_cache:
            return self._diff_cache[key]
        mine, other = self._doc(i).name_terms, self._doc(j).name_terms
        diff = None
        if mine and other and len(mine & other) >= self.NAME_OVERLAP * min(len(mine), len(other)):
            limit = self.CONTRAST_MAX_DF * len(self._entries)
            mine_words, other_words = self._doc(i).name_words, self._doc(j).name_words

            def telling(t: str, theirs: frozenset[str]) -> bool:
                return self._df[t] <= limit and any(w not in theirs for w in t.split(" "))

            diff = (
                frozenset(t for t in mine - other if telling(t, other_words)),
                frozenset(t for t in other - mine if telling(t, mine_words)),
            )
        if len(self._diff_cache) < 200_000:
            self._diff_cache[key] = diff
        return diff

    def words_of(self, text: str) -> tuple[str, ...]:
        """A question's words as matching reads them, small words included: what the learned models
        are trained on and see."""
        return self._analyze(text)[0].said

    def gated_phrasings(self) -> list[str]:
        """Phrasings of a procedure that the reject gate would turn away if a citizen typed them, as
        warnings for `motcua kb check`: a procedure added or reworded since the gate was trained, or
        words that in the labelled questions mostly asked for another office's matter ("sang tên")."""
        if self.kb.learned is None:
            return []
        gate = self.kb.learned.gate
        out = []
        for p in self.kb.procedures.values():
            phrasings = (p.name, *p.aliases, *p.keywords)
            # Each typed as a question, its own procedure ranked first.
            turned = [t for t in phrasings if gate.turns_away(question_features(self.words_of(t), p.code))]
            if turned:
                out.append(
                    f"{PROCEDURES_DIR}/{p.code}.yaml: a citizen typing {turned[0]!r} would not be"
                    f" understood ({len(turned)} of its phrasings): the reject gate learned that such"
                    " questions ask for something else. If this procedure answers them, add a few to"
                    " the labelled questions and run `motcua kb train` again"
                )
        return out

    def self_exclusions(self) -> list[str]:
        """`excluded_by` entries that exclude the procedure's own phrasings or far more than they say,
        as warnings for `motcua kb check`. Small words are dropped when an entry is read ("đã khai sinh"
        reads "khai sinh", "ghi chú" reads "ghi"), so a clerk's careful entry can exclude every question
        the procedure is for."""
        out = []
        for entry in self._entries:
            source = entry.procedure or entry.referral
            if source is None or not source.excluded_by:
                continue
            texts = (entry.name, *entry.aliases, *entry.keywords)
            own = [(text, self._spelled_words(text)) for text in texts]
            folder = PROCEDURES_DIR if entry.procedure is not None else REFERRALS_DIR
            where = f"{folder}/{entry.key}.yaml: excluded_by"
            for raw in source.excluded_by:
                parts = self._exclusion_parts(raw)
                words = [word for part in parts for word in part]
                read = " … ".join(" ".join(w for w, _ in part) for part in parts)
                if not words:
                    out.append(f"{where}: {raw!r} is only small words; it is ignored")
                elif len(words) == 1 < len(raw.split()) and words[0][0][0] not in _ASIDE:
                    out.append(
                        f"{where}: {raw!r} reads as the one word {read!r}: any question with it is excluded"
                    )
                elif (said := next((text for text, ws in own if _says(ws, parts)), None)) is not None:
                    out.append(
                        f"{where}: {raw!r} reads as {read!r}, which its own phrasing {said!r} says: "
                        "questions like it would never be answered"
                    )
        return out

    def explain(self, question: str) -> list[tuple[str, float, float, tuple[float, ...]]]:
        """(document key, evidence, share, features) best first; for tuning and diagnostics only."""
        ranked = self._reading(question).candidates
        return [(self._doc(c.index).key, c.evidence, c.share, c.features) for c in ranked]

    def match(self, question: str) -> Match:
        """Decide between answering, asking, referring elsewhere or admitting defeat."""
        code = self._code_in(question)
        if code is not None:
            p = self.kb.procedures[code]
            return Match("procedure", p, None, 100.0, (Candidate(p.code, p.name, 100.0),))

        ranking = self._reading(question)
        if ranking.progress:
            # "hồ sơ khai sinh nộp tuần trước sao chưa xong": a procedure's words, but the dossier
            # lookup answers it.
            return Match("none", None, None, 0.0, (), asks_progress=True)
        decided = self._decide(ranking)
        learned = self.kb.learned
        return decided if learned is None else self._second_look(decided, ranking.said, learned)

    def _second_look(self, decided: Match, words: Sequence[str], learned: Learned) -> Match:
        """Where the models trained on labelled questions (knowledge.learned) are sure the matcher's
        decision is wrong, theirs stands."""
        if not decided.candidates:
            return decided
        feats = features(words)
        looked = self._gate_and_arbiter_look(decided, words, feats, learned)
        return self._classifier_look(looked, feats, learned.classifier)

    def _gate_and_arbiter_look(
        self, decided: Match, words: Sequence[str], feats: set[str], learned: Learned
    ) -> Match:
        gate_feats = feats | in_view(words, decided.candidates[0].code)
        if decided.kind == "referral":
            if learned.gate.asks_here_despite_referral(gate_feats):
                # "ly hôn rồi, giờ đăng ký kết hôn với người mới cần gì": another office's matter
                # named, but questions worded like it asked for a procedure here. The choice keeps
                # the referral, for the citizen who did mean it.
                return replace(decided, kind="clarify")
            return decided
        if decided.kind in ("procedure", "clarify") and learned.gate.turns_away(gate_feats):
            # "mới khai sinh cho con, muốn mở sổ tiết kiệm đứng tên bé": a procedure's words, but
            # questions worded like it have asked for nothing here.
            return Match("none", None, None, decided.score, decided.candidates)
        if decided.kind == "none" and learned.gate.sure_it_asks(gate_feats):
            # "đk kết hôn có mất phí ko … 😂": read as a joke, but questions worded like it have
            # asked for one of the procedures in view; a choice beats "not understood".
            return replace(decided, kind="clarify", asks_nothing=False)
        if decided.kind == "procedure":
            shares = [(c.code, c.score / 100) for c in decided.candidates]
            likeliest = learned.arbiter.doubts(feats, shares)
            if likeliest is not None:
                # "ck chưa đkkh, làm gks có tên ba được ko": the words of "Đăng ký khai sinh", but
                # questions worded like it often meant a sibling; a tap between them beats a wrong card.
                order = {code: n for n, code in enumerate(likeliest)}
                offered = sorted(decided.candidates, key=lambda c: order.get(c.code, len(order)))
                return Match("clarify", None, None, decided.score, tuple(offered))
        return decided

    def _classifier_look(self, decided: Match, feats: set[str], classifier: ProcedureClassifier) -> Match:
        """An answer or a choice, with the procedure the classifier finds likeliest offered first when
        it gives it at least `add_at`, or answered when it is all but certain of one offered."""
        if decided.kind not in ("procedure", "clarify"):
            return decided
        guess = classifier.likeliest(feats)
        if guess is None or guess[0] not in self.kb.procedures:
            return decided
        code, chance = guess
        offered = decided.candidates[:3]
        if decided.kind == "clarify" and chance >= classifier.answer_at and code in {c.code for c in offered}:
            # "ck mất ở bv huyện, về xã làm giấy gì": the matcher hesitated between the death's
            # registration and its extract; questions worded like it all meant the registration.
            first = next(c for c in offered if c.code == code)
            return Match("procedure", self.kb.procedures[code], None, decided.score, (first,))
        if chance < classifier.add_at or (decided.procedure is not None and decided.procedure.code == code):
            return decided
        # "vợ sinh ở viện tỉnh, về quê làm giấy cho cháu": questions worded like it meant a procedure
        # the matcher did not answer, or did not even offer; a choice puts it first.
        likeliest = next(
            (c for c in offered if c.code == code),
            Candidate(code, self.kb.procedures[code].name, round(100.0 * chance, 1)),
        )
        others = tuple(c for c in offered if c.code != code)
        return replace(decided, kind="clarify", procedure=None, candidates=(likeliest, *others[:2]))

    def _decide(self, ranking: _Ranking) -> Match:
        ranked = ranking.candidates
        if not ranked:
            return Match("none", None, None, 0.0, ())
        th = self.thresholds
        best = ranked[0]
        doc = self._doc(best.index)
        evidence = round(best.evidence, 1)
        procs = [c for c in ranked if self._doc(c.index).procedure is not None]
        runners = tuple(self._candidate(c) for c in procs[:3])
        if ranking.not_requests:
            # "năm ngoái xã mình có bao nhiêu cặp đăng ký kết hôn": about a procedure, asking for none.
            return Match("none", None, None, evidence, runners, asks_nothing=True)
        other_intent = ranking.other_intents > 0
        if other_intent and doc.referral is None and best.evidence < th.despite_other_intent:
            # "văn phòng luật sư nào soạn di chúc giá rẻ": a procedure's words, another kind of question.
            return Match("none", None, None, evidence, runners)

        if best.evidence < th.evidence:
            return self._when_vague(ranking, procs, evidence, runners)
        confident = self._confident(ranked)
        if doc.referral is not None:
            return self._refer_or_ask(best, procs, confident, other_intent, evidence, runners)
        strongest = max(ranked, key=lambda c: c.evidence)
        # A referral named only in passing ("... mà căn cước ghi là Hường, sửa lại sao") explains less of
        # the question than the procedure ranked first: then it is context.
        if (
            strongest.evidence >= best.evidence + th.referral_lead
            and self._doc(strongest.index).referral
            and strongest.features[1] >= best.features[1]
        ):
            # "làm hộ chiếu lần đầu": "lần đầu" ranks a commune procedure first, but the words of the
            # question are far better explained by another agency's matter.
            referral = self._doc(strongest.index).referral
            return Match("referral", None, referral, round(strongest.evidence, 1), runners)
        # Close siblings ("Đăng ký khai sinh" / "... kết hợp nhận cha, mẹ, con", "Đăng ký giám hộ" /
        # "Đăng ký chấm dứt giám hộ") differ by a word or two: when the one ranked second is clearly
        # better evidenced, a wrong answer is likely, and asking costs one tap.
        sibling_ahead = any(
            c.evidence > best.evidence + th.sibling_lag and self._name_diff(best.index, c.index) is not None
            for c in procs[1:3]
        )
        if confident and not sibling_ahead and best.evidence >= strongest.evidence - th.evidence_lag:
            return Match("procedure", doc.procedure, None, evidence, runners)
        return self._clarify(procs, evidence)

    def _when_vague(
        self, ranking: _Ranking, procs: list[_Scored], evidence: float, runners: tuple[Candidate, ...]
    ) -> Match:
        """Too little evidence for an answer: a choice when something is still pointed at, else none."""
        th = self.thresholds
        best = ranking.candidates[0]
        if ranking.other_intents:
            # Vague, and phrased as another kind of question ("lương bao nhiêu"): nothing to offer.
            return Match("none", None, None, evidence, runners)
        if best.evidence >= th.vague_evidence and best.features[1] >= th.vague_coverage:
            return self._clarify(procs, evidence)
        if ranking.n_content >= th.story_words and best.evidence >= th.story_evidence:
            # A long story that names no procedure outright but keeps pointing at a few: asking
            # beats "not understood".
            return self._clarify(procs, evidence)
        if any(c.evidence >= th.evidence for c in procs[:3]):
            # The likeliest reading is vague, but the question does name a procedure plainly.
            return self._clarify(procs, evidence)
        return Match("none", None, None, evidence, runners)

    def _confident(self, ranked: list[_Scored]) -> bool:
        """Does the best lead the others enough to answer it without asking?"""
        th = self.thresholds
        best = ranked[0]
        runner_up = ranked[1].share if len(ranked) > 1 else 0.0
        # Far better evidenced than every serious rival: the question says this procedure's words
        # outright, even if the rivals' phrasings share more of its context words.
        rivals = [c.evidence for c in ranked[1:] if c.share >= th.rival_share]
        lead = best.evidence - max(rivals, default=0.0)
        # Every word of the question belongs to one of its phrasings ("làm giấy khai sinh"): a smaller
        # lead is enough.
        said_outright = best.features[0] >= th.outright_phrase and best.features[1] >= th.outright_question
        needed = th.outright_lead if said_outright else th.evidence_lead
        if best.share >= th.rival_share and lead >= needed:
            return True
        return best.share >= th.sure_share or (
            best.share >= th.lead_share and best.share >= th.lead_ratio * runner_up
        )

    def _refer_or_ask(
        self,
        best: _Scored,
        procs: list[_Scored],
        confident: bool,
        other_intent: bool,
        evidence: float,
        runners: tuple[Candidate, ...],
    ) -> Match:
        """Another agency's matter ranks first: refer, unless a commune procedure is as likely."""
        th = self.thresholds
        rival = max(procs, key=lambda c: c.evidence, default=None)
        best_procedure = rival.evidence if rival is not None else 0.0
        # "đăng ký kết hôn tại Đại sứ quán Việt Nam ở Tokyo", "công ty xây nhà xưởng trong khu công
        # nghiệp xin giấy phép xây dựng ở đâu": the procedure is named, the rest of the question is
        # another agency's matter.
        certain = best.share >= th.certain_share and (rival is None or best.features[1] > rival.features[1])
        if best_procedure >= best.evidence + th.procedure_lead and not other_intent and not certain:
            # "thường trú ở tỉnh khác thì đăng ký kết hôn ở đâu": the other agency's word is context,
            # the commune procedure is named outright.
            return self._clarify(procs, evidence)
        # "nộp đơn kiện ra tòa án": a phrasing of the other agency's matter said in full, and no commune
        # procedure better evidenced, is that matter even when procedures share its context words.
        said_outright = best.features[0] >= th.outright_phrase and best.evidence > best_procedure
        referral = Match("referral", None, self._doc(best.index).referral, evidence, runners)
        if confident or other_intent or said_outright or best.evidence >= best_procedure + th.referral_lead:
            return referral
        # A commune procedure is nearly as likely: let the citizen choose among those, unless the only
        # one left is less evidenced than the other agency's matter.
        choice = self._clarify(procs, evidence)
        return referral if choice.kind == "procedure" and choice.score < best.evidence else choice

    def _reading(self, question: str) -> _Ranking:
        """The ranking of the likelier reading. "Phá nhà cũ để xây nhà mới": what looked like a purpose
        clause may be the request itself, when the rest of the question says too little on its own."""
        ranking = self._rank(question)
        weak = not ranking.candidates or ranking.candidates[0].evidence < self.thresholds.evidence
        if not (ranking.done or (ranking.purpose and weak)):
            return ranking
        literal = self._rank(question, purpose_is_request=True)
        if not literal.candidates:
            return ranking
        if weak:
            if not ranking.candidates or literal.candidates[0].evidence > ranking.candidates[0].evidence:
                return literal
            return ranking
        # What was done may name what the request is about ("viết di chúc xong, giờ mang ra xã chứng
        # thực"), but it cannot bring in another matter ("kết hôn xong rồi, giờ chuyển khẩu"): it only
        # picks, among the procedures the request could mean read alone, the one it names.
        best, first = literal.candidates[0], ranking.candidates[0]
        alone = {c.index for c in ranking.candidates[: self.DONE_PICKS_AMONG]}
        named = best.index in alone and best.evidence > first.evidence
        if named and self._doc(first.index).procedure is not None:
            return literal
        return ranking

    def _candidate(self, c: _Scored) -> Candidate:
        d = self._doc(c.index)
        return Candidate(d.key, d.name, round(100.0 * c.share, 1))

    def _clarify(self, procs: list[_Scored], evidence: float) -> Match:
        th = self.thresholds
        plausible = [
            c for c in procs[:3] if c.share >= th.clarify_min_share and c.evidence >= th.evidence * 0.5
        ]
        if not plausible:
            return Match("none", None, None, evidence, ())
        only = plausible[0]
        if len(plausible) == 1 and only.evidence >= th.vague_evidence:
            # Nothing else is plausible: a choice of one is a needless tap.
            proc = self._doc(only.index).procedure
            return Match("procedure", proc, None, round(only.evidence, 1), (self._candidate(only),))
        return Match("clarify", None, None, evidence, tuple(self._candidate(c) for c in plausible))

    def _code_in(self, question: str) -> str | None:
        for m in CODE_RE.finditer(question[:MAX_QUESTION_CHARS]):
            if m.group(1) in self.kb.procedures:
                return m.group(1)
        return None


def _neighbours(tokens: Sequence[str], i: int) -> tuple[str | None, str | None]:
    """The words before and after token i, None at either end."""
    return (tokens[i - 1] if i > 0 else None, tokens[i + 1] if i + 1 < len(tokens) else None)


# Onsets many regions pronounce alike, so people spell them interchangeably ("chợ cấp", "dấy tờ").
_CONFUSED_ONSETS = (
    ("ch", "tr"), ("tr", "ch"), ("d", "gi"), ("gi", "d"), ("r", "gi"), ("gi", "r"), ("r", "d"),
    # The Red River delta says l and n alike ("nàm" for "làm", "lộp" for "nộp"); many say s and x alike.
    ("l", "n"), ("n", "l"), ("s", "x"), ("x", "s"),
)
_STROKE = "\u0111"  # đ
# Most of the South and Centre say the hỏi and ngã tones alike, so people write one for the other
# ("sổ hộ khẩu củ", "khai tữ"): they count as the same mark. Other tones stay apart ("cười" ≠ "cưới").
_TONE_ALIKE = {"\u0303": "\u0309"}
_ASIDE = (NEGATED, PURPOSE, DONE)
_ASIDE_MARKERS = "".join(_ASIDE)


def _marks(word: str) -> tuple[frozenset[str], ...]:
    """Per letter, the diacritics it carries (tone, hat, horn, breve, and đ's stroke)."""
    out = []
    for ch in word:
        if ch == _STROKE:
            out.append(frozenset({"stroke"}))
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        out.append(frozenset(_TONE_ALIKE.get(m, m) for m in decomposed[1:]))
    return tuple(out)


def _said(meant: tuple[_Word, ...]) -> dict[str, set[str | None]]:
    """Each word of the question and the ways it was typed (None: without marks)."""
    out: dict[str, set[str | None]] = defaultdict(set)
    for folded, typed in meant:
        out[folded].add(typed)
    return out


def _says_all(said: dict[str, set[str | None]], entry: frozenset[_Word]) -> bool:
    """Does the question say every word of the entry? A word typed bare may be any of its spellings;
    typed with marks it must fit the entry's: "có mặt" says nothing of a paper "mất"."""
    for folded, written in entry:
        typed = said.get(folded)
        if not typed:
            return False
        if not any(_typed_as(t, written) for t in typed):
            return False
    return True


@functools.lru_cache(maxsize=65536)
def _fits(typed: str, written: str) -> bool:
    """Could `typed` be `written` with some marks left out (hỏi and ngã alike)?"""
    return _within(_marks(typed), _marks(written))


def _within(mine: tuple[frozenset[str], ...], theirs: tuple[frozenset[str], ...]) -> bool:
    """Letter by letter, are these marks among those?"""
    return len(mine) == len(theirs) and all(m <= w for m, w in zip(mine, theirs, strict=True))


_NOT_YET = ("chua", "chưa")
GAP_MARK = "…"  # in an `excluded_by` entry: a few of the question's words may stand here
GAP_WORDS = 3
_CLAUSE_END: _Word = ("", None)


def _in_clauses(words: Sequence[_Word], clauses: Sequence[int]) -> tuple[_Word, ...]:
    """The words with a break between clauses, so that no phrase is read across a comma."""
    out: list[_Word] = []
    for n, (word, clause) in enumerate(zip(words, clauses, strict=True)):
        if n and clause != clauses[n - 1]:
            out.append(_CLAUSE_END)
        out.append(word)
    return tuple(out)


def _says(words: tuple[_Word, ...], parts: _Exclusion) -> bool:
    """Do the words hold the parts, each word after word and typed bare or with marks that fit, with
    at most GAP_WORDS words of the same clause between two parts? Not just after "chưa": "chưa đủ 18
    tuổi", "chưa có sổ đỏ" say the opposite of "đủ 18 tuổi", "có sổ đỏ" (whose "có" reading drops)."""
    first = parts[0]
    return any(
        words[i][0] == first[0][0]
        and _holds_at(words, first, i)
        and not _after_not_yet(words, i)
        and _follows(words, parts, 1, i + len(first))
        for i in range(len(words) - len(first) + 1)
    )


def _follows(words: tuple[_Word, ...], parts: _Exclusion, k: int, start: int) -> bool:
    """Do parts[k:] follow, the first of them within GAP_WORDS words of `start`?"""
    if k == len(parts):
        return True
    part = parts[k]
    for j in range(start, min(start + GAP_WORDS, len(words)) + 1):
        if _holds_at(words, part, j) and _follows(words, parts, k + 1, j + len(part)):
            return True
        if j < len(words) and words[j] == _CLAUSE_END:
            return False  # a gap stays inside its clause
    return False


def _holds_at(words: tuple[_Word, ...], part: tuple[_Word, ...], i: int) -> bool:
    n = len(part)
    return i + n <= len(words) and all(
        w[0] == p[0] and _typed_as(w[1], p[1]) for w, p in zip(words[i : i + n], part, strict=True)
    )


def _after_not_yet(words: tuple[_Word, ...], i: int) -> bool:
    return any(w[0] == _NOT_YET[0] and _typed_as(w[1], _NOT_YET[1]) for w in words[max(0, i - 2) : i])


def _typed_as(typed: str | None, written: str | None) -> bool:
    return typed is None or written is None or _fits(typed, written)


def _words_of(entry: _Entry) -> tuple[str, ...]:
    """Everything of a document that is analysed; the same words give the same analysis."""
    return (entry.name, "", *entry.aliases, "", *entry.keywords)


def _phrase_postings(
    phrases: list[_Phrase],
) -> tuple[dict[str, list[tuple[int, float]]], dict[str, tuple[float, ...]]]:
    """The postings of the terms in fewer than half of the phrasings, and the spread of the others."""
    out: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for k, ph in enumerate(phrases):
        for t, idf in ph.terms.items():
            out[t].append((k, ph.weight * idf / ph.total))
    sparse: dict[str, list[tuple[int, float]]] = {}
    spread: dict[str, tuple[float, ...]] = {}
    for t, postings in out.items():
        if 2 * len(postings) < len(phrases):
            sparse[t] = postings
        else:
            shares = [0.0] * len(phrases)
            for k, share in postings:
                shares[k] = share
            spread[t] = tuple(shares)
    return sparse, spread


def _phrase_weight(kind: str, n_words: int) -> float:
    """A fully matched long phrasing is stronger evidence than one matched word; keywords least of all."""
    if kind == "keyword":
        return (0.6, 0.8, 0.9)[min(n_words, 3) - 1] if n_words else 0.0
    return (0.7, 0.85, 1.0)[min(n_words, 3) - 1] if n_words else 0.0
