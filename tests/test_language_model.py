"""Helpers of the character-level language model: vocabulary, baselines, sampling, batches."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_course.language_model import (
    CharVocabulary,
    generate,
    keras_stepper,
    known_word_fraction,
    next_char_windows,
    ngram_cross_entropy,
    repeating_tail,
    softmax_with_temperature,
    stateful_batches,
    words,
)
from rnn_course.models import build_char_lstm


def test_vocabulary_round_trip():
    text = "To be, or not to be: that is the question. Ça va?"
    vocab = CharVocabulary(text)
    assert vocab.size == len(set(text)) == len(vocab)
    assert list(vocab.chars) == sorted(set(text))
    ids = vocab.encode(text)
    assert ids.dtype == np.int64 and ids.shape == (len(text),)
    assert vocab.decode(ids) == text
    with pytest.raises(ValueError, match="'z'"):
        vocab.encode("zebra")
    with pytest.raises(ValueError, match="'€'"):
        vocab.encode("€")


def test_unigram_is_the_entropy_of_the_counts():
    train = np.array([0, 0, 0, 1])
    # Add-1 smoothing over 2 symbols: p(0) = 4/6, p(1) = 2/6.
    expected = -(3 * math.log(4 / 6) + math.log(2 / 6)) / 4
    assert ngram_cross_entropy(train, train, 2, order=1) == pytest.approx(expected)


def test_bigram_sees_what_the_unigram_cannot():
    text = np.tile(np.arange(5), 200)  # 0 1 2 3 4 0 1 ...: uniform, yet predictable
    unigram = ngram_cross_entropy(text, text, 5, order=1)
    bigram = ngram_cross_entropy(text, text, 5, order=2)
    assert unigram == pytest.approx(math.log(5), rel=1e-3)
    assert bigram < 0.02
    assert ngram_cross_entropy(text, text, 5, order=3) < 0.03
    # A pair never seen in training still gets a probability: smoothing.
    assert math.isfinite(ngram_cross_entropy(text, np.array([4, 3, 2]), 5, order=2))


def test_softmax_with_temperature():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 5.0]])
    p1 = softmax_with_temperature(logits, 1.0)
    np.testing.assert_allclose(p1, np.exp(logits) / np.exp(logits).sum(1, keepdims=True))
    sharp, flat = softmax_with_temperature(logits, 0.5), softmax_with_temperature(logits, 2.0)
    assert (sharp.max(1) > p1.max(1)).all() and (flat.max(1) < p1.max(1)).all()
    np.testing.assert_array_equal(softmax_with_temperature(logits, 0), [[1, 0, 0], [0, 0, 1]])
    big = softmax_with_temperature(np.array([1000.0, 999.0]), 1.0)
    assert np.isfinite(big).all()
    for bad, error in ((-1.0, ValueError), (np.nan, ValueError), ("1", TypeError)):
        with pytest.raises(error):
            softmax_with_temperature(logits, bad)


class Counter:
    """A fake network: the next character is always (current + 1) mod 4, surely."""

    def __init__(self):
        self.calls = []

    def __call__(self, ids):
        self.calls.append(ids.copy())
        return 10.0 * np.eye(4)[(ids + 1) % 4]


def test_generate_feeds_the_prompt_then_samples_each_row_at_its_temperature():
    step = Counter()
    out = generate(step, [0, 1, 2], length=5, temperatures=[0, 0.5, 50.0], seed=1)
    assert len(out) == 3 and all(o.shape == (5,) for o in out)
    np.testing.assert_array_equal(out[0], [3, 0, 1, 2, 3])  # greedy
    np.testing.assert_array_equal(step.calls[0], [0, 0, 0])  # the prompt, in every row
    assert len(step.calls) == 2 + 5
    hot = generate(Counter(), [0], length=200, temperatures=[50.0], seed=0)[0]
    assert len(set(hot.tolist())) == 4  # a high temperature samples every character
    again = generate(Counter(), [0], length=200, temperatures=[50.0], seed=0)[0]
    np.testing.assert_array_equal(hot, again)
    with pytest.raises(ValueError, match="temperatures"):
        generate(Counter(), [0], 3, [])
    with pytest.raises(TypeError, match="step"):
        generate("net", [0], 3, [1.0])


def test_words_and_known_word_fraction():
    assert words("Don't stop, STOP!") == ["don", "t", "stop", "stop"]
    known = set(words("the cat sat on the mat"))
    assert known_word_fraction("The cat zat on thh mat", known) == pytest.approx(4 / 6)
    assert known_word_fraction("cat", ["cat"]) == 1.0
    with pytest.raises(ValueError, match="no words"):
        known_word_fraction("... 123", known)


def test_repeating_tail():
    assert repeating_tail("so the cat and the cat and the cat and the cat") == (12, 44)
    assert repeating_tail("abcabcabc") == (3, 9)
    assert repeating_tail("xxxxx") == (1, 5)
    assert repeating_tail("abcdefg") == (0, 0)
    assert repeating_tail("abab", min_repeats=2) == (2, 4)


def test_next_char_windows():
    x, y = next_char_windows(np.arange(11), 3)
    np.testing.assert_array_equal(x, [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    np.testing.assert_array_equal(y, x + 1)
    with pytest.raises(ValueError):
        next_char_windows(np.arange(3), 3)


def test_stateful_batches_line_up_row_by_row():
    ids = np.arange(101)
    x, y = stateful_batches(ids, batch_size=4, seq_len=5)
    assert x.shape == y.shape == (5, 4, 5)
    np.testing.assert_array_equal(y, x + 1)
    # Row i of batch k+1 continues row i of batch k.
    np.testing.assert_array_equal(x[1:, :, 0], x[:-1, :, -1] + 1)
    np.testing.assert_array_equal(x[0, :, 0], [0, 25, 50, 75])
    with pytest.raises(ValueError, match="too few"):
        stateful_batches(np.arange(10), batch_size=4, seq_len=5)


def test_char_lstm_and_its_stateful_copy():
    model = build_char_lstm(6, units=4, embedding_dim=3)
    ids = np.array([[1, 2, 3, 4, 5]])
    assert model(ids).shape == (1, 5, 6)
    copy = build_char_lstm(6, units=4, embedding_dim=3, stateful=True, batch_size=1)
    copy.set_weights(model.get_weights())
    step = keras_stepper(copy)
    stepped = np.stack([step(ids[:, t]) for t in range(5)], axis=1)
    np.testing.assert_allclose(stepped, np.asarray(model(ids)), rtol=1e-5, atol=1e-5)
    keras_stepper(copy)  # resets: the first step again gives the first logits
    np.testing.assert_allclose(step(ids[:, 0]), stepped[:, 0], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="batch_size"):
        build_char_lstm(6, stateful=True)
    with pytest.raises(TypeError, match="stateful"):
        keras_stepper(model)


def test_figures_of_the_chapter():
    import matplotlib.pyplot as plt

    from rnn_course.plotting import plot_bits_per_char, plot_next_char_distributions

    fig = plot_bits_per_char({"unigram": 3.0, "LSTM": math.log(4)}, title="t")
    ax = fig.axes[0]
    widths = sorted(round(bar.get_width(), 6) for bar in ax.patches)
    assert widths == [2.0, round(3.0 / math.log(2), 6)]
    assert any("perplexity 4.0" in text.get_text() for text in ax.texts)
    fig = plot_next_char_distributions(np.array([2.0, 0.0, 1.0]), ["a", " ", "\n"],
                                       temperatures=[0.5, 2.0], top=2)
    assert len(fig.axes) == 2
    first = [bar.get_height() for bar in fig.axes[0].patches]
    np.testing.assert_allclose(first, softmax_with_temperature([2.0, 0.0, 1.0], 0.5)[[0, 2]])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["a", "newline"]
    plt.close("all")
