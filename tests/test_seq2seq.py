"""Additive attention in NumPy against keras.layers.AdditiveAttention (Chapter 12)."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_course.seq2seq import additive_attention, plot_attention


def _case(seed=0, T=6, query_units=4, state_units=5, attention_units=3):
    rng = np.random.default_rng(seed)
    return dict(
        query=rng.standard_normal(query_units),
        states=rng.standard_normal((T, state_units)),
        W_query=rng.standard_normal((attention_units, query_units)) / 2,
        W_key=rng.standard_normal((attention_units, state_units)) / 2,
        v=rng.standard_normal(attention_units),
    )


def test_weights_are_a_distribution_and_context_their_mean():
    case = _case()
    context, weights = additive_attention(**case)
    assert weights.shape == (6,) and context.shape == (5,)
    assert np.all(weights >= 0) and np.isclose(weights.sum(), 1.0)
    np.testing.assert_allclose(context, weights @ case["states"])
    projected = case["W_query"] @ case["query"] + case["states"] @ case["W_key"].T
    scores = np.tanh(projected) @ case["v"]
    np.testing.assert_allclose(weights, np.exp(scores) / np.exp(scores).sum())


def test_mask_gives_padding_no_weight():
    case = _case(seed=1)
    mask = np.array([True, True, True, False, False, False])
    context, weights = additive_attention(**case, mask=mask)
    np.testing.assert_array_equal(weights[3:], 0.0)
    short_context, short_weights = additive_attention(
        **{**case, "states": case["states"][:3]})
    np.testing.assert_allclose(weights[:3], short_weights)
    np.testing.assert_allclose(context, short_context)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numpy_step_equals_keras_additive_attention(seed):
    """Dense projections + AdditiveAttention(scale=v) compute the NumPy step."""
    case = _case(seed=seed)
    units = case["v"].shape[0]
    project_query = keras.layers.Dense(units, use_bias=False)
    project_key = keras.layers.Dense(units, use_bias=False)
    attention = keras.layers.AdditiveAttention()
    query = case["query"][None, None, :].astype("float32")  # (batch, Tq, units)
    states = case["states"][None].astype("float32")  # (batch, Tv, units)
    project_query.build(query.shape)
    project_key.build(states.shape)
    project_query.set_weights([case["W_query"].T])
    project_key.set_weights([case["W_key"].T])
    mask = np.array([[True, True, True, True, True, False]])
    # The first call builds the layer (its scale); then v goes in.
    context, scores = attention(
        [project_query(query), states, project_key(states)],
        mask=[None, mask], return_attention_scores=True)
    attention.set_weights([case["v"]])
    context, scores = attention(
        [project_query(query), states, project_key(states)],
        mask=[None, mask], return_attention_scores=True)
    expected_context, expected_weights = additive_attention(**case, mask=mask[0])
    np.testing.assert_allclose(np.asarray(scores)[0, 0], expected_weights, atol=1e-5)
    np.testing.assert_allclose(np.asarray(context)[0, 0], expected_context, atol=1e-5)


def test_plot_attention_labels_characters():
    weights = np.full((3, 4), 0.25)
    ax = plot_attention(weights, "ab c", "xyz", title="t")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "\u2423", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "y", "z"]
    plt.close("all")


@pytest.mark.parametrize(("change", "error", "words"), [
    (dict(query=np.zeros((2, 4))), ValueError, "query"),
    (dict(states=np.zeros(5)), ValueError, "states"),
    (dict(W_query=np.zeros((3, 3))), ValueError, "W_query"),
    (dict(W_key=np.zeros((2, 5))), ValueError, "W_key"),
    (dict(v=np.array([np.nan, 0, 0])), ValueError, "v"),
    (dict(mask=np.zeros(6, dtype=bool)), ValueError, "mask"),
    (dict(mask=np.ones(6)), TypeError, "mask"),
    (dict(mask=np.ones(5, dtype=bool)), ValueError, "mask"),
])
def test_additive_attention_bad_input(change, error, words):
    with pytest.raises(error, match=words):
        additive_attention(**{**_case(), **change})


@pytest.mark.parametrize(("args", "error", "words"), [
    ((np.zeros((2, 3)), "abcd", "xy"), ValueError, "weights"),
    ((-np.ones((2, 2)), "ab", "xy"), ValueError, "weights"),
    ((np.zeros((2, 2)), 3, "xy"), TypeError, "source"),
    ((np.zeros(2), "ab", "xy"), ValueError, "weights"),
])
def test_plot_attention_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        plot_attention(*args)
