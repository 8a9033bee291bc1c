"""Tests of rnn_course.sentiment (Chapter 6) and of check_review_encoder."""

from __future__ import annotations

import itertools

import keras
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_course.checks import check_review_encoder
from rnn_course.data import encode_review
from rnn_course.data.imdb import KERAS_FILTERS
from rnn_course.models import build_text_classifier
from rnn_course.notebook import set_seed
from rnn_course.plotting import OKABE_ITO
from rnn_course.sentiment import SentimentPrediction, SentimentTable, predict_sentiment
from rnn_course.text import encode_texts, plot_review_lengths, review_lengths, truncation_loss

NUM_WORDS = 20
MAXLEN = 8
# rank 1 = most frequent; the id of a word is rank + 3
WORD_INDEX = {"the": 1, "movie": 2, "was": 3, "good": 4, "bad": 5, "not": 6, "film": 7,
              "boring": 8, "great": 9, "rare": 30}


@pytest.fixture(scope="module")
def model():
    set_seed(0)
    return build_text_classifier(num_words=NUM_WORDS, embedding_dim=4, units=3, maxlen=MAXLEN)


TEXTS = ["The movie was NOT good.", "A great film!", "bad, bad, bad", "the film was boring"]


# ------------------------------------------------------------ encode_texts

def test_encoding_by_hand():
    # lower-cased, punctuation stripped, start id 1, offset 3, unknown 2, zeros before
    ids = encode_texts(["The movie was NOT good.", "A rare film"], WORD_INDEX,
                       num_words=NUM_WORDS, maxlen=MAXLEN)
    assert ids.dtype == np.int32
    np.testing.assert_array_equal(ids, [[0, 0, 1, 4, 5, 6, 9, 7],
                                        [0, 0, 0, 0, 1, 2, 2, 10]])


def test_encoding_is_encode_review_then_pad_sequences():
    # The seeds' bug (no lower-casing, no offset 3, no start id) cannot come back.
    expected = keras.utils.pad_sequences(
        [encode_review(t, WORD_INDEX, num_words=NUM_WORDS) for t in TEXTS], maxlen=MAXLEN)
    np.testing.assert_array_equal(
        encode_texts(TEXTS, WORD_INDEX, num_words=NUM_WORDS, maxlen=MAXLEN), expected)


def test_long_text_keeps_its_last_maxlen_ids():
    text = "good " * 20 + "the movie was bad"
    full = encode_review(text, WORD_INDEX, num_words=NUM_WORDS)
    row = encode_texts(text, WORD_INDEX, num_words=NUM_WORDS, maxlen=MAXLEN)[0]
    assert len(full) > MAXLEN
    np.testing.assert_array_equal(row, full[-MAXLEN:])
    assert list(row[-4:]) == [4, 5, 6, 8]  # "the movie was bad" survives


def test_maxlen_none_pads_to_the_longest():
    ids = encode_texts(["good", "the movie was good"], WORD_INDEX, maxlen=None)
    assert ids.shape == (2, 5)


# ------------------------------------------------------- predict_sentiment

def test_predictions_shapes_probabilities_and_labels(model):
    table = predict_sentiment(model, TEXTS, WORD_INDEX, num_words=NUM_WORDS, maxlen=MAXLEN)
    assert isinstance(table, SentimentTable) and len(table) == len(TEXTS)
    assert all(isinstance(row, SentimentPrediction) for row in table)
    assert [row.text for row in table] == TEXTS
    p = table.probabilities
    assert p.shape == (len(TEXTS),) and np.all((p > 0) & (p < 1))
    # the probabilities are the model's on the encoded texts
    ids = encode_texts(TEXTS, WORD_INDEX, num_words=NUM_WORDS, maxlen=MAXLEN)
    np.testing.assert_allclose(p, model.predict(ids, verbose=0)[:, 0], rtol=1e-6)
    # a threshold between the probabilities gives both labels, each by the rule p >= t
    t = float(np.sort(p)[1] + np.sort(p)[2]) / 2
    assert np.sort(p)[1] < t < np.sort(p)[2]
    table = predict_sentiment(model, TEXTS, WORD_INDEX, num_words=NUM_WORDS, maxlen=MAXLEN,
                              threshold=t)
    assert table.labels == ["positive" if x >= t else "negative" for x in p]
    assert set(table.labels) == {"positive", "negative"}


def test_unknown_words_still_get_a_prediction(model):
    (row,) = predict_sentiment(model, ["zorgle blimfy"], WORD_INDEX, num_words=NUM_WORDS,
                               maxlen=MAXLEN)
    assert 0 < row.probability < 1
    assert encode_texts("zorgle blimfy", WORD_INDEX, maxlen=MAXLEN)[0, -3:].tolist() == [1, 2, 2]


def test_a_single_string_is_a_list_of_one(model):
    alone = predict_sentiment(model, "A great film!", WORD_INDEX, num_words=NUM_WORDS,
                              maxlen=MAXLEN)
    listed = predict_sentiment(model, TEXTS, WORD_INDEX, num_words=NUM_WORDS, maxlen=MAXLEN)
    assert len(alone) == 1 and alone[0].text == "A great film!"
    assert alone[0].probability == pytest.approx(listed[1].probability, rel=1e-6)


def test_table_prints_one_row_per_text(model):
    texts = TEXTS + ["the movie " * 50]
    table = predict_sentiment(model, texts, WORD_INDEX, num_words=NUM_WORDS, maxlen=MAXLEN)
    lines = str(table).splitlines()
    assert len(lines) == 2 + len(texts)
    assert "probability" in lines[0] and "label" in lines[0]
    assert lines[-1].endswith("...") and len(lines[-1]) < 100
    assert repr(table) == str(table)
    assert f"{table[0].probability:.3f}" in lines[2] and table[0].label in lines[2]


@pytest.mark.parametrize(
    "texts, error, pattern",
    [
        (["good film", ""], ValueError, r"texts\[1\] has no words"),
        (["good film", "   "], ValueError, r"texts\[1\] has no words"),
        ([" ... !"], ValueError, r"texts\[0\] has no words"),
        ("", ValueError, r"texts\[0\] has no words"),
        ([], ValueError, "texts is empty"),
        (["good film", 3], TypeError, r"texts\[1\] must be a string, got int"),
        (["good film", None], TypeError, r"texts\[1\] must be a string, got NoneType"),
        (42, TypeError, "texts must be a string or a list of strings, got int"),
        (b"good film", TypeError, "bytes"),
        ({"good film": 1}, TypeError, "got dict"),
    ],
)
def test_bad_texts_raise_one_line_errors(model, texts, error, pattern):
    with pytest.raises(error, match=pattern) as info:
        predict_sentiment(model, texts, WORD_INDEX, num_words=NUM_WORDS, maxlen=MAXLEN)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("threshold", [0, 1, -0.1, 1.5, True, "0.5"])
def test_bad_threshold(model, threshold):
    with pytest.raises(ValueError, match="threshold"):
        predict_sentiment(model, TEXTS, WORD_INDEX, maxlen=MAXLEN, threshold=threshold)


def test_bad_arguments():
    with pytest.raises(TypeError, match="Keras model"):
        predict_sentiment("not a model", TEXTS, WORD_INDEX)
    with pytest.raises(ValueError, match="maxlen"):
        encode_texts(TEXTS, WORD_INDEX, maxlen=0)
    with pytest.raises(ValueError, match="num_words"):
        encode_texts(TEXTS, WORD_INDEX, num_words=-1)
    with pytest.raises(TypeError, match="word_index"):
        encode_texts(TEXTS, ["the", "movie"])


def test_probability_equal_to_the_threshold_is_positive():
    class Constant:
        def __init__(self, value):
            self.value = value

        def predict(self, x, verbose=0):
            return np.full((len(x), 1), self.value, dtype="float32")

    at = predict_sentiment(Constant(0.5), TEXTS, WORD_INDEX, maxlen=MAXLEN, threshold=0.5)
    below = predict_sentiment(Constant(0.25), TEXTS, WORD_INDEX, maxlen=MAXLEN, threshold=0.5)
    assert at.labels == ["positive"] * len(TEXTS)
    assert below.labels == ["negative"] * len(TEXTS)
    assert below.probabilities.tolist() == [0.25] * len(TEXTS)


def test_model_with_wrong_output_is_refused():
    class TwoOutputs:
        def predict(self, x, verbose=0):
            return np.full((len(x), 2), 0.5)

    with pytest.raises(ValueError, match="one probability per text"):
        predict_sentiment(TwoOutputs(), TEXTS, WORD_INDEX, maxlen=MAXLEN)


# ------------------------------------------------------- lengths and truncation

REVIEWS = [[1, 5, 6], [1] + [7] * 9, [1, 4, 4, 4, 4], [1, 8, 9, 9, 9, 9, 9]]


def test_truncation_loss_by_hand():
    loss = truncation_loss(REVIEWS, 5)
    assert loss == (5, 4, 2, 25, 5 + 2)
    assert loss.share_cut == pytest.approx(0.5)
    assert loss.share_lost == pytest.approx(7 / 25)
    assert truncation_loss(REVIEWS, 100).ids_lost == 0


@pytest.mark.parametrize("maxlen", [1, 3, 5, 8, 10])
def test_truncation_loss_agrees_with_pad_sequences(maxlen):
    kept = np.count_nonzero(keras.utils.pad_sequences(REVIEWS, maxlen=maxlen))
    loss = truncation_loss(REVIEWS, maxlen)
    assert kept == loss.ids - loss.ids_lost


def test_review_lengths_and_errors():
    np.testing.assert_array_equal(review_lengths(REVIEWS), [3, 10, 5, 7])
    with pytest.raises(ValueError, match="empty"):
        review_lengths([])
    with pytest.raises(TypeError):
        review_lengths("abc")
    with pytest.raises(TypeError):
        review_lengths([1, 2, 3])
    with pytest.raises(ValueError, match="maxlen"):
        truncation_loss(REVIEWS, 0)


def test_plot_review_lengths_marks_the_cut_off():
    fig = plot_review_lengths(REVIEWS * 10, maxlen=6)
    try:
        ax = fig.axes[0]
        cut_line = [line for line in ax.get_lines() if "maxlen" in line.get_label()]
        assert len(cut_line) == 1 and list(cut_line[0].get_xdata()) == [6, 6]
        labels = [text.get_text() for text in ax.get_legend().get_texts()]
        assert any("cut to 6" in label and "50%" in label for label in labels)
        colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches}
        assert colours <= {c.lower() for c in OKABE_ITO}
        # every review is in one of the two histograms, on the right side of the cut
        heights = [sum(p.get_height() for p in container) for container in ax.containers]
        assert heights == [20, 20]
    finally:
        plt.close(fig)


# ----------------------------------------------------- check_review_encoder

CHECK_INDEX = dict(WORD_INDEX)
CHECK_INDEX.update({w: r for r, w in enumerate(
    ("this", "is", "really", "i", "do", "like", "because", "direction", "horrible"), start=10)})
CHECK_INDEX.update({"".join(p): r for r, p in enumerate(itertools.product("kmpqs", repeat=3),
                                                         start=40)})
CHECK_NUM_WORDS = 60  # ranks of 57 and more are rare: they must become 2
_TABLE = str.maketrans(KERAS_FILTERS, " " * len(KERAS_FILTERS))


def handmade(text, word_index, num_words, lower=True, strip=True, offset=3, start=True,
             unknown=2, cap=True):
    """An encoder written independently of the checker, with optional slips."""
    text = text.lower() if lower else text
    text = text.translate(_TABLE) if strip else text
    ids = [1] if start else []
    for word in text.split():
        word_id = word_index[word] + offset if word in word_index else unknown
        ids.append(unknown if cap and word_id >= num_words else word_id)
    return ids


def notes_encode(text, word_index, num_words):
    return [word_index[word] if word in word_index else 1 for word in text.split()]


def test_checker_accepts_right_encoders(one_line):
    assert check_review_encoder(encode_review, CHECK_INDEX, num_words=CHECK_NUM_WORDS)
    assert one_line().startswith("Correct!")
    assert check_review_encoder(handmade, CHECK_INDEX, num_words=CHECK_NUM_WORDS)
    assert one_line().startswith("Correct!")
    assert check_review_encoder(lambda t, w, n: np.array(encode_review(t, w, n)), CHECK_INDEX,
                                num_words=CHECK_NUM_WORDS)
    one_line()


@pytest.mark.parametrize(
    "slip, hint",
    [
        ({"lower": False}, "lower-case"),
        ({"strip": False}, "punctuation"),
        ({"offset": 0}, "add 3"),
        ({"start": False}, "start id 1"),
        ({"unknown": 1}, "unknown words the id 2"),
        ({"cap": False}, "not below num_words"),
    ],
)
def test_checker_names_each_slip(one_line, slip, hint):
    def student(text, word_index, num_words):
        return handmade(text, word_index, num_words, **slip)

    assert not check_review_encoder(student, CHECK_INDEX, num_words=CHECK_NUM_WORDS)
    message = one_line()
    assert message.startswith("Not quite") and hint in message
    others = [h for h in ("lower-case", "punctuation", "add 3", "start id 1",
                          "unknown words the id 2", "not below num_words") if h != hint]
    assert not any(h in message for h in others), message


def test_checker_names_all_slips_of_the_course_notes(one_line):
    assert not check_review_encoder(notes_encode, CHECK_INDEX, num_words=CHECK_NUM_WORDS)
    message = one_line()
    for hint in ("lower-case", "punctuation", "add 3", "start id 1", "unknown words the id 2"):
        assert hint in message, message


@pytest.mark.parametrize(
    "student, expected",
    [
        (lambda t, w, n: None, "got None"),
        (lambda t, w, n: "1 4 5", "got str"),
        (lambda t, w, n: [[1, 4]], "got list"),
        (lambda t, w, n: [1.0, 4.0], "got list"),
        (lambda t, w, n: 1 / 0, "raised ZeroDivisionError"),
        (lambda t, w, n: [7], "Wrong ids for"),
        ("encode_review", "Pass your function itself"),
    ],
)
def test_checker_reports_other_problems(one_line, student, expected):
    assert not check_review_encoder(student, CHECK_INDEX, num_words=CHECK_NUM_WORDS)
    assert expected in one_line()


def test_checker_is_quiet_without_verbose(capsys):
    assert not check_review_encoder(notes_encode, CHECK_INDEX, num_words=CHECK_NUM_WORDS,
                                    verbose=False)
    assert capsys.readouterr().out == ""


def test_checker_rejects_bad_calls():
    with pytest.raises(TypeError, match="word_index"):
        check_review_encoder(encode_review, {})
    with pytest.raises(ValueError, match="num_words"):
        check_review_encoder(encode_review, CHECK_INDEX, num_words=0)
