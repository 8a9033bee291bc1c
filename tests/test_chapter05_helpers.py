"""Tests of the helpers of chapter 5: the stacked parameter-count checker,
the parameter-count formula against Keras, and rnn_course.text."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_course.checks import check_stacked_param_counts
from rnn_course.numpy_nets import simple_rnn_param_count
from rnn_course.text import (
    SENTIMENT_GROUPS,
    TOY_REVIEWS,
    plot_word_vectors,
    standardize,
    toy_reviews,
    word_sentiment,
)

# ------------------------------------------------ the parameter-count formula


def stacked_simple_rnn(features, units):
    import keras

    model = keras.Sequential([keras.Input(shape=(None, features))])
    for k, u in enumerate(units):
        model.add(keras.layers.SimpleRNN(u, return_sequences=k < len(units) - 1))
    return model


@pytest.mark.parametrize(
    "features, units",
    [(1, [1]), (3, [4, 4]), (16, [32, 32, 32, 32]), (8, [64, 32, 16]), (50, [5, 7, 2])],
)
def test_formula_matches_keras_for_every_layer_of_a_stack(features, units):
    model = stacked_simple_rnn(features, units)
    reads = [features] + units[:-1]
    keras_counts = [layer.count_params() for layer in model.layers]
    formula_counts = [simple_rnn_param_count(f, u) for f, u in zip(reads, units)]
    assert keras_counts == formula_counts
    assert model.count_params() == sum(formula_counts)


def test_formula_of_the_seed_stack():
    # Embedding(10000, 2) then four SimpleRNN(32): 1,120 then 2,080 three times.
    assert simple_rnn_param_count(2, 32) == 1120
    assert simple_rnn_param_count(32, 32) == 2080


# ------------------------------------------------ check_stacked_param_counts

FEATURES, UNITS = 8, [64, 32, 16]
RIGHT = [64 * (8 + 64 + 1), 32 * (64 + 32 + 1), 16 * (32 + 16 + 1)]  # 4672, 3104, 784


def test_checker_accepts_right_counts(one_line):
    assert check_stacked_param_counts(RIGHT, FEATURES, UNITS) is True
    line = one_line()
    assert line.startswith("Correct!") and str(sum(RIGHT)) in line


@pytest.mark.parametrize(
    "answer",
    [tuple(RIGHT), np.array(RIGHT), [float(c) for c in RIGHT], [np.int64(c) for c in RIGHT]],
    ids=["tuple", "array", "floats", "numpy ints"],
)
def test_checker_accepts_other_containers(answer, one_line):
    assert check_stacked_param_counts(answer, FEATURES, UNITS) is True
    assert one_line().startswith("Correct!")


def test_checker_accepts_what_keras_counts(one_line):
    model = stacked_simple_rnn(5, [6, 3])
    counts = [layer.count_params() for layer in model.layers]
    assert check_stacked_param_counts(counts, 5, [6, 3]) is True
    one_line()


@pytest.mark.parametrize(
    "answer, layer, hint",
    [
        ([RIGHT[0], 32 * (8 + 32 + 1), RIGHT[2]], 2, "reads the 64 outputs of layer 1"),
        ([RIGHT[0], RIGHT[1], 16 * (8 + 16 + 1)], 3, "reads the 32 outputs of layer 2"),
        ([RIGHT[0], 32 * (64 + 32), RIGHT[2]], 2, "forgot the bias"),
        ([64 * (8 + 1), RIGHT[1], RIGHT[2]], 1, "forgot the recurrent weights U"),
        ([RIGHT[0], RIGHT[1], 16 * 17], 3, "forgot the input weights W"),
        ([RIGHT[0], RIGHT[1], 785], 3, "reads 32 values per step"),
    ],
)
def test_checker_rejects_wrong_counts_and_names_the_slip(answer, layer, hint, one_line):
    assert check_stacked_param_counts(answer, FEATURES, UNITS) is False
    line = one_line()
    assert line.startswith(f"Layer {layer} ") and hint in line, line


def test_checker_does_not_blame_inputs_when_features_equal_units(one_line):
    # With 32 features and 32 units the "features instead of units" slip is
    # invisible: the hint must then be about something else.
    assert check_stacked_param_counts([2080, 2000], 32, [32, 32]) is False
    assert "outputs of layer" not in one_line()


@pytest.mark.parametrize(
    "answer, message",
    [
        (sum(RIGHT), "is the total"),
        (4000, "got one number"),
        (RIGHT[:2], "Expected 3 counts"),
        (RIGHT + [10], "Expected 3 counts"),
        ("4672, 3104, 784", "got str"),
        (None, "Not written yet"),
        ([RIGHT[0], "3104", RIGHT[2]], "Layer 2: expected a number"),
        ([True, RIGHT[1], RIGHT[2]], "Layer 1: expected a number"),
    ],
)
def test_checker_rejects_malformed_answers(answer, message, one_line):
    assert check_stacked_param_counts(answer, FEATURES, UNITS) is False
    assert message in one_line()


def test_checker_is_silent_when_asked(capsys):
    assert check_stacked_param_counts(RIGHT, FEATURES, UNITS, verbose=False) is True
    assert check_stacked_param_counts([1, 2, 3], FEATURES, UNITS, verbose=False) is False
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "features, units",
    [(0, [4]), (2.5, [4]), (True, [4]), (3, []), (3, [4, 0]), (3, 4), (3, "44"), (3, [4, None])],
)
def test_checker_raises_when_called_wrongly(features, units):
    with pytest.raises((ValueError, TypeError)):
        check_stacked_param_counts([1], features, units)


# ------------------------------------------------ rnn_course.text


def test_toy_reviews_shapes_and_labels():
    texts, labels = toy_reviews()
    assert len(texts) == len(TOY_REVIEWS) == 12
    assert all(isinstance(text, str) and text for text in texts)
    assert labels.shape == (12,) and labels.dtype == np.int32
    assert sorted(set(labels.tolist())) == [0, 1] and labels.sum() == 6
    assert [(t, int(y)) for t, y in zip(texts, labels)] == list(TOY_REVIEWS)


def test_toy_reviews_returns_fresh_copies():
    texts, labels = toy_reviews()
    texts[0] = "changed"
    labels[0] = 0
    again, again_labels = toy_reviews()
    assert again[0] == TOY_REVIEWS[0][0] and again_labels[0] == TOY_REVIEWS[0][1]


def test_standardize_lowercases_and_strips_punctuation():
    assert standardize("Well done!") == ["well", "done"]
    assert standardize("  Could have  done better. ") == ["could", "have", "done", "better"]
    assert standardize("...") == []


def test_standardize_rejects_non_strings():
    with pytest.raises(TypeError):
        standardize(["a", "list"])


def test_standardize_matches_text_vectorization_vocabulary():
    import keras

    texts, _ = toy_reviews()
    vectorize = keras.layers.TextVectorization(output_mode="int")
    vectorize.adapt(texts)
    vocabulary = [str(word) for word in vectorize.get_vocabulary()]
    assert vocabulary[:2] == ["", "[UNK]"]
    ours = {word for text in texts for word in standardize(text)}
    assert set(vocabulary[2:]) == ours


def test_word_sentiment_groups():
    texts, labels = toy_reviews()
    groups = word_sentiment(texts, labels)
    assert groups["great"] == "positive only" and groups["bad"] == "positive only"
    assert groups["boring"] == "negative only" and groups["good"] == "negative only"
    assert groups["not"] == "both" and groups["a"] == "both"
    assert set(groups.values()) == set(SENTIMENT_GROUPS)
    assert list(groups)[:3] == ["what", "a", "great"]  # order of first occurrence


def test_word_sentiment_accepts_float_labels():
    assert word_sentiment(["Good film", "bad film"], np.array([1.0, 0.0])) == {
        "good": "positive only", "film": "both", "bad": "negative only"}


@pytest.mark.parametrize(
    "texts, labels, error",
    [
        ("one string", [1], TypeError),
        (["a", "b"], [1], ValueError),
        (["a", "b"], [[1, 0]], ValueError),
        (["a", "b"], [1, 2], ValueError),
        (["a", "b"], [1, 0.5], ValueError),
        (["a", "b"], [True, False], ValueError),
        (["a", 3], [1, 0], TypeError),
    ],
)
def test_word_sentiment_errors(texts, labels, error):
    with pytest.raises(error):
        word_sentiment(texts, labels)


def test_plot_word_vectors_draws_every_point_and_chosen_labels():
    texts, labels = toy_reviews()
    groups = word_sentiment(texts, labels)
    words = list(groups) + ["extra"]  # "extra" has no group: drawn as "other"
    vectors = np.random.default_rng(0).standard_normal((len(words), 2))
    fig = plot_word_vectors(vectors, words, groups, label_words=["good", "bad"])
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(words)
    assert sorted(t.get_text() for t in ax.texts) == ["bad", "good"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == list(SENTIMENT_GROUPS) + ["other"]
    plt.close(fig)

    fig = plot_word_vectors(vectors[:3], words[:3])
    assert sorted(t.get_text() for t in fig.axes[0].texts) == sorted(words[:3])
    plt.close(fig)


@pytest.mark.parametrize(
    "vectors, words, kwargs, error",
    [
        (np.zeros((3, 3)), ["a", "b", "c"], {}, ValueError),
        (np.zeros(2), ["a"], {}, ValueError),
        (np.zeros((0, 2)), [], {}, ValueError),
        (np.zeros((2, 2)), ["a"], {}, ValueError),
        (np.array([[0.0, np.nan]]), ["a"], {}, ValueError),
        (np.array([["x", "y"]]), ["a"], {}, TypeError),
        (np.zeros((1, 2)), [3], {}, TypeError),
        (np.zeros((1, 2)), ["a"], {"label_words": ["b"]}, ValueError),
        (np.zeros((1, 2)), ["a"], {"label_words": "a"}, TypeError),
    ],
)
def test_plot_word_vectors_errors(vectors, words, kwargs, error):
    before = plt.get_fignums()
    with pytest.raises(error):
        plot_word_vectors(vectors, words, **kwargs)
    assert plt.get_fignums() == before  # no half-drawn figure left open
