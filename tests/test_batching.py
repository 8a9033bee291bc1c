"""Tests of rnn_course.batching, Appendix A's fast input recipe, its model and its trainer."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.batching import (
    DEFAULT_BOUNDARIES,
    bucket_batches,
    bucketed_dataset,
    length_cut,
    padding_share,
)
from rnn_course.models import build_fast_classifier, cudnn_problems
from rnn_course.training import steady_seconds


def _reviews(lengths, start=3):
    """Reviews whose ids count up from ``start``, so truncation is visible."""
    return [list(range(start, start + n)) for n in lengths]


# --------------------------------------------------------------------------
# length_cut


def test_length_cut_keeps_the_asked_share_whole():
    lengths = np.arange(1, 101)  # 1, 2, ..., 100
    assert length_cut(lengths, coverage=0.9, multiple=1) == 90
    assert length_cut(lengths, coverage=1.0, multiple=1) == 100
    assert length_cut(lengths, coverage=0.005, multiple=1) == 1


def test_length_cut_rounds_up_and_reads_reviews():
    reviews = _reviews([5, 12, 17, 33])
    assert length_cut(reviews, coverage=0.75, multiple=10) == 20  # 17 rounded up
    rng = np.random.default_rng(0)
    lengths = rng.integers(10, 1000, size=997)
    cut = length_cut(lengths, coverage=0.8, multiple=7)
    assert cut % 7 == 0 and np.mean(lengths <= cut) >= 0.8
    assert np.mean(lengths <= cut - 7) < 0.8  # the shortest such multiple


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"coverage": 0}, "coverage must be a number in"),
        ({"coverage": 1.5}, "coverage must be a number in"),
        ({"coverage": True}, "coverage must be a number in"),
        ({"multiple": 0}, "multiple must be a positive integer"),
    ],
)
def test_length_cut_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        length_cut(np.array([3, 4, 5]), **kwargs)


def test_length_cut_rejects_a_string():
    with pytest.raises(TypeError, match="must be a list of reviews"):
        length_cut("a review")


# --------------------------------------------------------------------------
# Padding waste and boundaries


def test_padding_share_fixed_and_bucketed():
    lengths = np.array([10, 10, 30, 30])
    assert padding_share(lengths, maxlen=40, batch_size=2) == pytest.approx(1 - 80 / 160)
    # Two buckets, each batch holds equal lengths: no padding left.
    assert padding_share(lengths, maxlen=40, batch_size=2, boundaries=[10]) == 0.0
    # One bucket, batches of 4: every review padded to 30.
    assert padding_share(lengths, maxlen=40, batch_size=4, boundaries=[]) == pytest.approx(
        1 - 80 / 120
    )


def test_bucketing_cuts_the_padding_of_imdb_like_lengths():
    lengths = np.clip(np.exp(np.random.default_rng(1).normal(np.log(200), 0.65, 5000)), 20, 2000)
    lengths = lengths.astype(np.int64)
    fixed = padding_share(lengths, maxlen=500, batch_size=128)
    bucketed = padding_share(lengths, maxlen=500, batch_size=128, boundaries=DEFAULT_BOUNDARIES)
    assert fixed > 0.4 and bucketed < 0.15


def test_padding_share_rejects_decreasing_boundaries():
    with pytest.raises(ValueError, match="boundaries must increase"):
        padding_share(np.array([3, 4]), maxlen=10, batch_size=2, boundaries=[5, 4])
    with pytest.raises(TypeError, match="boundaries must be a list"):
        padding_share(np.array([3, 4]), maxlen=10, batch_size=2, boundaries="5")


# --------------------------------------------------------------------------
# The dataset


def _batches(dataset):
    return [(ids.numpy(), labels.numpy()) for ids, labels in dataset]


def test_bucketed_dataset_pads_each_batch_to_its_longest_review():
    lengths = [4, 5, 6, 20, 21, 22, 40, 7]
    reviews, labels = _reviews(lengths), np.arange(8) % 2
    batches = _batches(
        bucketed_dataset(reviews, labels, maxlen=30, batch_size=3, boundaries=[10], shuffle=False)
    )
    widths = sorted(ids.shape[1] for ids, _ in batches)
    # Short bucket: {4,5,6} then {7}; long bucket: {20,21,22} then {40 -> 30}.
    assert widths == [6, 7, 22, 30]
    seen = sorted(int((ids != 0).sum(axis=1)[k]) for ids, _ in batches for k in range(len(ids)))
    assert seen == sorted(min(n, 30) for n in lengths)
    for ids, _ in batches:
        for row in ids:  # text first, then zeros ("post" padding)
            n = int((row != 0).sum())
            assert (row[:n] != 0).all() and (row[n:] == 0).all()
    long_row = next(row for ids, _ in batches for row in ids if (row != 0).sum() == 30)
    assert long_row[-1] == 3 + 40 - 1  # the end of the review survives the cut


def test_bucketed_dataset_pre_padding_and_labels_follow_reviews():
    reviews = _reviews([2, 3, 4])
    labels = np.array([0, 1, 1])
    ((ids, y),) = _batches(
        bucketed_dataset(
            reviews, labels, maxlen=10, batch_size=8, boundaries=[], shuffle=False, padding="pre"
        )
    )
    for row, label in zip(ids, y):
        n = int((row != 0).sum())
        assert (row[: 4 - n] == 0).all() and row[-1] == 3 + n - 1
        assert label == labels[n - 2]


def test_bucketed_dataset_knows_its_length_and_shuffles_reproducibly():
    reviews = _reviews(np.random.default_rng(3).integers(2, 60, size=50))
    labels = np.zeros(50)
    dataset = bucketed_dataset(
        reviews, labels, maxlen=40, batch_size=8, boundaries=[10, 20], seed=5
    )
    first = [ids.shape for ids, _ in dataset]
    assert len(first) == int(dataset.cardinality())
    again = bucketed_dataset(reviews, labels, maxlen=40, batch_size=8, boundaries=[10, 20], seed=5)
    assert [ids.shape for ids, _ in again] == first


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"labels": np.zeros(2)}, ValueError, r"labels must have shape \(3,\)"),
        ({"padding": "middle"}, ValueError, "padding must be 'pre' or 'post'"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive integer"),
        ({"maxlen": -1}, ValueError, "maxlen must be a positive integer"),
        ({"seed": 1.5}, TypeError, "seed must be a non-negative integer"),
        ({"labels": "abc"}, TypeError, "labels must be an array of 0/1 numbers"),
        ({"labels": np.array([0, 1, 2])}, ValueError, "labels must be 0 or 1"),
    ],
)
def test_bucketed_dataset_rejects_bad_arguments(kwargs, error, message):
    arguments = {"sequences": _reviews([2, 3, 4]), "labels": np.zeros(3), "maxlen": 10}
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        bucketed_dataset(**arguments)


# --------------------------------------------------------------------------
# The model


def test_fast_classifier_masks_and_reads_any_length():
    model = build_fast_classifier("gru", num_words=50, embedding_dim=4, units=3)
    assert model.get_layer("embedding").mask_zero and model.jit_compile is False
    short = model.predict(np.array([[5, 6, 0, 0]]), verbose=0)
    # Masked padding changes nothing: the same review with more zeros after it.
    longer = model.predict(np.array([[5, 6, 0, 0, 0, 0, 0]]), verbose=0)
    np.testing.assert_allclose(short, longer, rtol=1e-5)


def test_fast_classifier_refuses_what_it_sets_itself():
    with pytest.raises(TypeError, match="sets maxlen itself"):
        build_fast_classifier("lstm", maxlen=100)
    with pytest.raises(TypeError, match="jit_compile must be True or False"):
        build_fast_classifier("lstm", jit_compile="auto")


# --------------------------------------------------------------------------
# The appendix's checker


def _sorted_cut(lengths, coverage):
    return int(np.sort(lengths)[int(np.ceil(coverage * len(lengths))) - 1])


@pytest.mark.parametrize(
    "answer, ok, words",
    [
        (_sorted_cut, True, "Correct!"),
        (lambda lengths, coverage: length_cut(lengths, coverage, multiple=1), True, "Correct!"),
        (lambda lengths, coverage: np.percentile(lengths, 100 * coverage), False, "whole number"),
        (
            lambda lengths, coverage: int(np.sort(lengths)[int(coverage * len(lengths)) - 1]),
            False,
            "fewer than",
        ),
        (lambda lengths, coverage: _sorted_cut(lengths, coverage) + 1, False, "shorter cut"),
        (lambda lengths, coverage: 1 / 0, False, "ZeroDivisionError"),
    ],
)
def test_check_length_cut(answer, ok, words, capsys):
    from rnn_course.checks import check_length_cut

    assert check_length_cut(answer) is ok
    out = capsys.readouterr().out
    assert words in out and out.count("\n") == 1


def test_check_length_cut_says_what_is_not_a_function_or_not_written(capsys):
    from rnn_course.checks import check_length_cut

    def stub(lengths, coverage):
        raise NotImplementedError

    assert check_length_cut(42) is False
    assert "Pass your function itself" in capsys.readouterr().out
    assert check_length_cut(stub) is False
    assert capsys.readouterr().out.startswith("Not written yet")


# --------------------------------------------------------------------------
# Batches, timing and cuDNN


def test_bucket_batches_hold_every_review_once_within_one_bucket():
    lengths = np.random.default_rng(4).integers(1, 100, size=300)
    batches = bucket_batches(lengths, [20, 50], 16, np.random.default_rng(0))
    assert sorted(np.concatenate(batches).tolist()) == list(range(300))
    for batch in batches:
        assert len(batch) <= 16
        assert len(set(np.searchsorted([20, 50], lengths[batch]))) == 1
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        bucket_batches(lengths, [20], 16, rng=3)


def test_steady_seconds_skips_the_first_epoch():
    assert steady_seconds([9.0, 2.0, 4.0, 3.0]) == 3.0
    assert steady_seconds([5.0]) == 5.0
    with pytest.raises(ValueError, match="non-empty list of seconds"):
        steady_seconds([])


def test_cudnn_problems_names_what_keeps_a_layer_off_the_kernel():
    import keras

    from rnn_course.models import build_text_classifier

    assert cudnn_problems(build_fast_classifier("lstm", num_words=20, units=2)) == []
    problems = cudnn_problems(
        build_text_classifier("gru", num_words=20, units=2, recurrent_dropout=0.2)
    )
    assert problems == ["gru: recurrent_dropout must be 0, not 0.2"]
    assert cudnn_problems(keras.layers.GRU(2, reset_after=False, name="g")) == [
        "g: reset_after must be True"
    ]
    assert (
        "no cuDNN kernel"
        in cudnn_problems(build_text_classifier("simple_rnn", num_words=20, units=2))[0]
    )
    with pytest.raises(TypeError, match="must be a Keras model or layer"):
        cudnn_problems("lstm")
