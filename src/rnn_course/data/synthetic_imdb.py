"""Offline twin of the IMDB reviews dataset, made by code.

What the twin is
----------------
50,000 "reviews" (25,000 for training, 25,000 for testing) stored exactly like
the file behind ``keras.datasets.imdb.load_data``: each review is a list of
word *ranks* (1 = the most frequent word of the training set) and each label is
0 (negative) or 1 (positive), balanced. :func:`rnn_course.data.load_imdb` turns
them into Keras's format (start id 1, out-of-vocabulary id 2, word ids = rank +
3). About 30,000 distinct words follow a Zipf-like law: the most frequent are
real English and movie words ("the", "and", "a", "of", "to", "is", "br", ...),
the rare ones pronounceable pseudo-words ("feshen", "rycoun"). Lengths are
lognormal like IMDB's (median about 200 words, a long tail up to 2,000).

How the label is carried
------------------------
A review is neutral filler with sentiment *phrases* planted in it, about one
every ten words, one in each of ``K`` equal segments (``K`` odd, at least 3),
so the cues are spread over the whole review; the last phrase closes the
review like a verdict. A phrase ends in one of 20 positive or 20 negative
adjectives ("good", "awful", ...) and starts either with a negation ("not
good", "not very good", "was not good"), which flips the adjective's polarity,
or with a neutral word ("very good", "was really good"). As in real reviews,
most phrases agree with the label and some do not: each review draws how
often its phrases agree (between ``AGREEMENT_LOW`` and ``AGREEMENT_HIGH``, so
some reviews are mixed and some one-sided), the closing verdict agrees
``VERDICT_AGREEMENT`` of the time, 10 % of the phrases are negated, and
``LABEL_NOISE`` of the labels are flipped (mislabelled reviews).

The constants are calibrated against what is known of the real IMDB with
10,000 words (``make bench`` records the comparison): the words alone carry
most of the label, so a bag of words or an average of word vectors reaches
about 0.88, like on the real reviews; reading in order adds the negations,
so an ``LSTM`` or a ``GRU`` reaches about 0.90; a ``SimpleRNN``, whose short
memory keeps mostly the end of a pre-padded review, leans on the verdict and
lands a few points lower. What the twin does not have is the real reviews'
vocabulary: its sentiment sits in 40 frequent adjectives rather than in
thousands of words, so models learn it in far fewer updates than they need
on the real reviews.

The twin is generated once per machine in a few seconds (vectorised NumPy,
fixed seed, so every machine gets the same reviews) and cached as flat integer
arrays with offsets, which need no pickle to read. The generator's version is
part of the cache file's name, so a changed generator never reads an old cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rnn_course import _validate
from rnn_course.data._cache import cache_dir, load_arrays, save_arrays

#: Bump whenever the generated data changes: the cache file's name includes it.
GENERATOR_VERSION = 2

#: The twin's content is fixed (like the real dataset): this seed is not the
#: shuffling ``seed`` of ``load_imdb``, which only reorders the reviews.
DATA_SEED = 20240613

N_TRAIN = 25_000
N_TEST = 25_000
N_WORDS = 30_000

# Log-normal review lengths: median about 200 words, as on IMDB.
LENGTH_MEDIAN = 200
LENGTH_SIGMA = 0.65
MIN_LENGTH = 24
MAX_LENGTH = 2000

# Zipf-Mandelbrot filler frequencies: p(rank r) proportional to (r + q) ** -s.
ZIPF_EXPONENT = 1.1
ZIPF_OFFSET = 2.7

# The sentiment design, calibrated against the real IMDB (see the module
# docstring): bag of words about 0.88, gated cells about 0.9.
PHRASE_SPACING = 10     # one sentiment phrase per 10 words
AGREEMENT_LOW = 0.65    # a review's phrases agree with its label with a
AGREEMENT_HIGH = 1.0    # probability drawn between these two
VERDICT_AGREEMENT = 0.92  # the closing phrase agrees this often
NEGATION_RATE = 0.1     # chance that a phrase is negated ("not good")
CLOSING_TAIL = 2        # filler words allowed after the closing phrase
LABEL_NOISE = 0.06

POSITIVE = (
    "good", "great", "excellent", "wonderful", "brilliant", "amazing",
    "superb", "enjoyable", "fantastic", "perfect", "beautiful", "moving",
    "memorable", "outstanding", "delightful", "charming", "impressive",
    "entertaining", "touching", "gripping",
)
NEGATIVE = (
    "bad", "awful", "terrible", "boring", "dull", "horrible", "poor",
    "stupid", "weak", "pointless", "annoying", "lame", "predictable",
    "mediocre", "dreadful", "pathetic", "tedious", "ridiculous",
    "disappointing", "bland",
)

# Phrase openers (word, weight). Two-word phrases: OPENER ADJ ("very good")
# or NEGATION ADJ ("not good", "wasn't good"). Three-word phrases: COPULA
# ADVERB ADJ ("was really good"), or negated NEGATION ADVERB ADJ ("not very
# good") and COPULA INNER_NEGATION ADJ ("was never boring"). Several words
# share each role so that no single one dominates the word counts.
NEGATIONS = (("not", 0.55), ("wasn't", 0.2), ("isn't", 0.15), ("never", 0.1))
INNER_NEGATIONS = (("not", 0.75), ("never", 0.25))
OPENERS = tuple((w, 1.0) for w in (
    "very", "really", "so", "quite", "truly", "just", "pretty", "rather",
    "simply", "totally", "extremely", "incredibly", "absolutely", "was", "is",
))
ADVERBS = tuple((w, 1.0) for w in (
    "very", "really", "so", "quite", "too", "that", "particularly",
    "especially", "rather", "pretty",
))
NEGATED_ADVERBS = tuple((w, 1.0) for w in (
    "very", "really", "so", "quite", "too", "that", "particularly", "especially",
))
COPULAS = (("was", 0.45), ("is", 0.35), ("seems", 0.1), ("looks", 0.1))
NEGATED_COPULAS = (("was", 0.55), ("is", 0.45))

# Filler words that read as negations: never placed just before a phrase,
# where they would change its meaning ("no really good", "not very good").
NEGATION_LIKE = (
    "not", "no", "never", "nothing", "don't", "doesn't", "didn't", "isn't",
    "wasn't", "can't", "nor", "without", "hardly",
)

# Real words for the head of the Zipf distribution, roughly in IMDB's order.
# Sentiment words are left out on purpose: in the twin they only occur inside
# phrases, so that the filler is neutral.
COMMON_WORDS = """
the and a of to is br in it i this that was as for with movie but film on not
you are his have he be one all at by an they who so from like her just or about
it's out has if some there what more when very up no time she even my would
which only story really see their had can were me well than we much been get
will do also into people other first because how him most don't made its then
way make them too could any movies after think characters watch two films
character seen many being life plot acting never little where over did show
know off ever does your end still man here these say scene while why scenes go
such something through should back i'm real those watching now though doesn't
years old thing actors work 10 before another didn't new nothing actually makes
director look find going few same part again every lot cast us quite down want
things world horror around seems can't young take however got thought big fact
enough long both that's give i've own may between comedy right series action
must music without times saw always original isn't role come almost gets guy
point done there's whole least far bit script minutes feel anything might since
am family he's last performance kind probably tv away yet rather sure hard
anyone girl each played found woman day screen although especially our having
believe course comes looking trying set goes looks place book different put
ending money maybe once sense reason true actor everything wasn't shows dvd
three year job main someone together watched play american plays said
effects takes instead later seem john audience special seemed himself version
night house war star during left father half wife seeing idea else black
shot second mind used simply short high help completely friends death
hollywood men fan poor use until along episode home need either budget kids
let read camera given production try enough sex hand school boy women rest
truly tell dead video classic until line couple stars full start
small next getting name mother understand keep human came remember others
city felt lines went top head piece son itself playing often person written
early case final days moment name stupid sort picture able absolutely
friend dialogue entire lost live certainly gives title become based
against already low style problem heart hope killer overall
despite lead children cinema white feeling episodes sound evil dark totally
mr viewer flick under turn laugh humor wanted called past guys genre example
throughout fans wonder stuff kill michael act game history behind beginning
quality directed others town writing side killed car close expect eyes hour
amazing save daughter hero took art soon happens matter led kid child girls
run late obviously turns brother coming involved thinking police strong
except heard violence says taken parts hit stop anyway myself happened
stories voice extremely james type attempt pretty particularly incredibly
""".split()

_ONSETS = (
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t",
    "v", "w", "z", "br", "cr", "dr", "fl", "gr", "pl", "st", "tr", "sh", "ch",
    "th", "qu",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou", "ie", "y")
_CODAS = ("", "", "", "", "n", "r", "l", "s", "t", "m", "nd", "st", "ck")

KEYS = (
    "x_train_values", "x_train_offsets", "y_train",
    "x_test_values", "x_test_offsets", "y_test",
    "words",
)


def _pseudo_words(count: int, exclude: set[str], rng: np.random.Generator) -> list[str]:
    """Return ``count`` distinct pronounceable lower-case pseudo-words."""
    onsets = np.array(_ONSETS)
    vowels = np.array(_VOWELS)
    codas = np.array(_CODAS)
    words: list[str] = []
    seen = set(exclude)
    while len(words) < count:
        n = 2 * (count - len(words)) + 100
        syllables = np.where(rng.random(n) < 0.25, 3, 2)
        parts = []
        for position in range(3):
            part = (
                onsets[rng.integers(len(onsets), size=n)].astype(object)
                + vowels[rng.integers(len(vowels), size=n)].astype(object)
                + codas[rng.integers(len(codas), size=n)].astype(object)
            )
            if position == 2:
                part = np.where(syllables == 3, part, "")
            parts.append(part)
        for word in parts[0] + parts[1] + parts[2]:
            if word not in seen:
                seen.add(word)
                words.append(word)
                if len(words) == count:
                    break
    return words


def _vocabulary(rng: np.random.Generator) -> tuple[np.ndarray, int, int]:
    """Build the twin's words: neutral filler first (in Zipf order), then sentiment.

    Returns:
        ``(words, n_neutral, n_sentiment)``; ``words[:n_neutral]`` is the
        filler vocabulary in the order of its Zipf probabilities, then the
        positive adjectives, then the negative ones.
    """
    sentiment = set(POSITIVE) | set(NEGATIVE)
    common = list(dict.fromkeys(w for w in COMMON_WORDS if w not in sentiment))
    n_neutral = N_WORDS - len(POSITIVE) - len(NEGATIVE)
    pseudo = _pseudo_words(n_neutral - len(common), set(common) | sentiment, rng)
    words = np.array(common + pseudo + list(POSITIVE) + list(NEGATIVE))
    return words, n_neutral, len(POSITIVE) + len(NEGATIVE)


def _lengths(n: int, rng: np.random.Generator) -> np.ndarray:
    lengths = np.exp(rng.normal(np.log(LENGTH_MEDIAN), LENGTH_SIGMA, size=n))
    return np.clip(np.rint(lengths), MIN_LENGTH, MAX_LENGTH).astype(np.int64)


def _phrases_per_review(lengths: np.ndarray) -> np.ndarray:
    # One phrase per PHRASE_SPACING words, at least 3, and an odd number so
    # that the majority is never a tie.
    k = np.maximum(lengths // PHRASE_SPACING, 3)
    return np.where(k % 2 == 0, k + 1, k)


def _generate_split(
    n: int,
    words: np.ndarray,
    n_neutral: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Generate ``n`` reviews as vocabulary indices.

    Returns:
        ``(values, offsets, labels)``: review ``i`` is
        ``values[offsets[i]:offsets[i + 1]]`` (indices into ``words``), and
        ``labels`` is an int64 array of 0/1, exactly half of them 1.
    """
    index = {word: i for i, word in enumerate(words.tolist())}
    lengths = _lengths(n, rng)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    total = int(offsets[-1])

    # Filler: Zipf-Mandelbrot over the neutral words only.
    ranks = np.arange(1, n_neutral + 1, dtype=np.float64)
    cdf = np.cumsum((ranks + ZIPF_OFFSET) ** -ZIPF_EXPONENT)
    cdf /= cdf[-1]
    values = np.searchsorted(cdf, rng.random(total), side="right").astype(np.int32)
    np.minimum(values, n_neutral - 1, out=values)

    # Labels: exactly balanced. The phrases follow the "clean" label, which
    # differs from the published one on LABEL_NOISE of the reviews (real
    # reviews have mislabelled and mixed ones too).
    labels = np.zeros(n, dtype=np.int64)
    labels[rng.permutation(n)[: n // 2]] = 1
    clean = np.where(rng.random(n) < LABEL_NOISE, 1 - labels, labels)

    # One phrase per segment; review i owns phrases first[i] .. first[i+1]-1.
    k = _phrases_per_review(lengths)
    review = np.repeat(np.arange(n), k)
    n_phrases = len(review)
    first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(k, out=first[1:])
    segment = np.arange(n_phrases) - first[review]
    seg_start = (segment * lengths[review]) // k[review]
    seg_stop = ((segment + 1) * lengths[review]) // k[review]
    last = segment == k[review] - 1

    # Effective polarities (+1/-1): each phrase agrees with the review's
    # clean label with a probability of its own review, drawn between
    # AGREEMENT_LOW and AGREEMENT_HIGH (some reviews are mixed, some
    # one-sided); the closing phrase, a verdict, agrees with VERDICT_AGREEMENT.
    sign = np.where(clean == 1, 1, -1)[review]
    agreement = rng.uniform(AGREEMENT_LOW, AGREEMENT_HIGH, size=n)[review]
    agreement = np.where(last, VERDICT_AGREEMENT, agreement)
    polarity = np.where(rng.random(n_phrases) < agreement, sign, -sign)

    negated = rng.random(n_phrases) < NEGATION_RATE
    adjective_sign = np.where(negated, -polarity, polarity)
    size = rng.integers(2, 4, size=n_phrases)  # 2 or 3 words per phrase

    # Adjectives: Zipf-like within each list, so "good" and "bad" dominate.
    n_pos, n_neg = len(POSITIVE), len(NEGATIVE)
    weights = 1.0 / np.arange(1, max(n_pos, n_neg) + 1) ** 0.8
    pick_pos = rng.choice(n_pos, size=n_phrases, p=weights[:n_pos] / weights[:n_pos].sum())
    pick_neg = rng.choice(n_neg, size=n_phrases, p=weights[:n_neg] / weights[:n_neg].sum())
    adjective = np.where(
        adjective_sign > 0, n_neutral + pick_pos, n_neutral + n_pos + pick_neg
    )

    def choose(options: tuple[tuple[str, float], ...]) -> np.ndarray:
        ids = np.array([index[word] for word, _ in options])
        weights = np.array([weight for _, weight in options])
        return ids[rng.choice(len(ids), size=n_phrases, p=weights / weights.sum())]

    opener, adverb, copula = choose(OPENERS), choose(ADVERBS), choose(COPULAS)
    negation, inner_negation = choose(NEGATIONS), choose(INNER_NEGATIONS)
    negated_adverb, negated_copula = choose(NEGATED_ADVERBS), choose(NEGATED_COPULAS)
    # A negation word is always one of the two words before the adjective it
    # negates, and never there otherwise.
    negation_first = rng.random(n_phrases) < 0.5
    word1 = np.where(
        size == 2,
        np.where(negated, negation, opener),
        np.where(negated, np.where(negation_first, negation, negated_copula), copula),
    )
    word2 = np.where(
        negated, np.where(negation_first, negated_adverb, inner_negation), adverb
    )

    # Phrase start: anywhere in its segment after at least one filler word
    # (segments are at least 8 words long, phrases at most 3).
    room = seg_stop - seg_start - size
    start = offsets[review] + seg_start + 1 + (rng.random(n_phrases) * room).astype(np.int64)
    # The last phrase closes the review, as a verdict does, followed by at
    # most CLOSING_TAIL filler words.
    tail = rng.integers(0, CLOSING_TAIL + 1, size=n_phrases)
    start = np.where(last, offsets[review] + lengths[review] - size - tail, start)

    values[start + size - 1] = adjective
    three = size == 3
    values[start[three] + 1] = word2[three]
    values[start] = word1

    # A negation-like filler word right before a phrase would change its
    # meaning ("not very good"): replace it by a neutral one.
    before = start - 1
    negation_like = np.array([index[w] for w in NEGATION_LIKE if w in index])
    replace = np.isin(values[before], negation_like)
    values[before[replace]] = index["the"]
    return values, offsets, labels


def generate_imdb_twin(
    n_train: int = N_TRAIN, n_test: int = N_TEST, seed: int = DATA_SEED
) -> dict[str, np.ndarray]:
    """Generate the twin in the layout of Keras's ``imdb.npz``, as flat arrays.

    Args:
        n_train: Number of training reviews.
        n_test: Number of test reviews.
        seed: Seed of the generator (the content, not the shuffling).

    Returns:
        A dict with, for ``split`` in ``train``/``test``, ``x_{split}_values``
        (int32 word ranks, 1 = most frequent training word) and
        ``x_{split}_offsets`` (int64, ``len + 1`` entries) and ``y_{split}``
        (int64 labels 0/1); and ``words`` (str array, ``words[r - 1]`` is
        the word of rank ``r``).
    """
    n_train = _validate.positive_int("n_train", n_train)
    n_test = _validate.positive_int("n_test", n_test)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    words, n_neutral, _ = _vocabulary(rng)
    train_values, train_offsets, y_train = _generate_split(n_train, words, n_neutral, rng)
    test_values, test_offsets, y_test = _generate_split(n_test, words, n_neutral, rng)

    # Ranks are the true frequency order in the training set (ties by index).
    counts = np.bincount(train_values, minlength=len(words))
    order = np.argsort(-counts, kind="stable")
    seen = counts[order] > 0
    order = order[seen]
    rank = np.zeros(len(words), dtype=np.int32)  # 0: never seen in training
    rank[order] = np.arange(1, len(order) + 1, dtype=np.int32)

    # Like the real data, test words never seen in training are dropped.
    test_ranks = rank[test_values]
    if not test_ranks.all():
        keep = test_ranks > 0
        kept_before = np.concatenate([[0], np.cumsum(keep)])
        test_offsets = kept_before[test_offsets]
        test_ranks = test_ranks[keep]
    return {
        "x_train_values": rank[train_values],
        "x_train_offsets": train_offsets,
        "y_train": y_train,
        "x_test_values": test_ranks.astype(np.int32),
        "x_test_offsets": test_offsets.astype(np.int64),
        "y_test": y_test,
        "words": words[order],
    }


def twin_cache_path() -> Path:
    """Path of the cached twin (it depends on ``RNN_COURSE_CACHE``)."""
    return cache_dir() / f"imdb_twin_v{GENERATOR_VERSION}.npz"


def load_imdb_twin(keys: tuple[str, ...] = KEYS) -> dict[str, np.ndarray]:
    """Return the twin's raw arrays (see :func:`generate_imdb_twin`), cached on disk.

    The first call generates the data (a few seconds) and writes it
    atomically; later calls read only ``keys`` from the cache.
    """
    keys = tuple(_validate.strings("keys", keys))
    unknown = [key for key in keys if key not in KEYS]
    if unknown:
        raise ValueError(f"keys holds {', '.join(map(repr, unknown))}; the twin has "
                         f"{', '.join(KEYS)}.")
    path = twin_cache_path()
    arrays = load_arrays(path, tuple(keys))
    if arrays is None:
        arrays = generate_imdb_twin()
        save_arrays(path, **arrays)
        arrays = {key: arrays[key] for key in keys}
    return arrays
