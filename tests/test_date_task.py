"""The date task of Chapter 12: made by code, the same everywhere, reversible."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from rnn_course.date_task import (
    DATE_STYLES,
    END,
    INPUT_CHARS,
    OUTPUT_CHARS,
    START,
    TARGET_LENGTH,
    decode_outputs,
    encode_inputs,
    encode_targets,
    exact_match,
    format_date,
    make_date_pairs,
)


@pytest.mark.parametrize("style", sorted(DATE_STYLES))
def test_every_style_writes_its_example(style):
    assert format_date(datetime.date(1999, 9, 23), style) == DATE_STYLES[style]


@pytest.mark.parametrize(("day", "written"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"),
                                              (11, "11th"), (12, "12th"), (13, "13th"),
                                              (21, "21st"), (22, "22nd"), (31, "31st")])
def test_ordinals(day, written):
    text = format_date(datetime.date(2001, 1, day), "dth month yyyy")
    assert text == f"{written} January 2001"


def test_pairs_are_seeded_and_correct():
    sources, targets = make_date_pairs(500, seed=3)
    assert (sources, targets) == make_date_pairs(500, seed=3)
    assert make_date_pairs(500, seed=4) != (sources, targets)
    for source, target in zip(sources, targets):
        date = datetime.date.fromisoformat(target)
        assert source in {format_date(date, style) for style in DATE_STYLES}
    # Every style is drawn, and the inputs span a wide range of lengths.
    lengths = [len(s) for s in sources]
    assert min(lengths) == 10 and max(lengths) >= 28


def test_first_pairs_are_pinned():
    """The same pairs on every machine and NumPy version (default_rng's stream)."""
    sources, targets = make_date_pairs(3, seed=0)
    assert targets == ["2035-01-24", "2013-09-12", "2001-02-11"]
    assert sources == ["24-Jan-2035", "12 September 2013", "11/02/2001"]


def test_inputs_encode_with_padding_at_the_end():
    ids = encode_inputs(["3 May 1999", "1 May 2000"], maxlen=12)
    assert ids.shape == (2, 12) and ids.dtype == np.int32
    assert ids[0, 0] == INPUT_CHARS.index("3") + 1
    assert (ids[:, 10:] == 0).all() and (ids[:, :10] > 0).all()
    assert encode_inputs(["ab", "abc"]).shape == (2, 3)


def test_targets_are_shifted_for_teacher_forcing():
    decoder_in, decoder_out = encode_targets(["1999-05-03"])
    assert decoder_in.shape == decoder_out.shape == (1, TARGET_LENGTH + 1)
    assert decoder_in[0, 0] == START and decoder_out[0, -1] == END
    np.testing.assert_array_equal(decoder_in[0, 1:], decoder_out[0, :-1])
    assert decode_outputs(decoder_out) == ["1999-05-03"]
    assert decode_outputs(decoder_in) == ["1999-05-03"]  # START is skipped


def test_decoding_stops_at_end_or_padding():
    one = OUTPUT_CHARS.index("1") + 3
    ids = np.array([[one, one, END, one], [one, 0, one, one], [one, one, one, one]])
    assert decode_outputs(ids) == ["11", "1", "1111"]


def test_exact_match():
    np.testing.assert_array_equal(exact_match(["a", "b"], ["a", "c"]), [True, False])


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda: format_date("1999-05-03", "d month yyyy"), TypeError, "date"),
    (lambda: format_date(datetime.datetime(1999, 5, 3), "d month yyyy"), TypeError, "date"),
    (lambda: format_date(datetime.date(1999, 5, 3), "yyyy/mm/dd"), ValueError, "style"),
    (lambda: make_date_pairs(0), ValueError, "n"),
    (lambda: make_date_pairs(5, seed=-1), ValueError, "seed"),
    (lambda: encode_inputs("3 May 1999"), TypeError, "texts"),
    (lambda: encode_inputs([]), ValueError, "texts"),
    (lambda: encode_inputs([""]), ValueError, "texts[0]"),
    (lambda: encode_inputs(["3 Mai 1999 \u00e9"]), ValueError, "INPUT_CHARS"),
    (lambda: encode_inputs(["3 May 1999"], maxlen=5), ValueError, "maxlen"),
    (lambda: encode_targets(["1999/05/03"]), ValueError, "targets[0]"),
    (lambda: encode_targets(["1999-5-3"]), ValueError, "ISO"),
    (lambda: decode_outputs(np.array([[1.5, 2.0]])), TypeError, "ids"),
    (lambda: decode_outputs(np.array([3, 4])), ValueError, "ids"),
    (lambda: decode_outputs(np.array([[99]])), ValueError, "ids"),
    (lambda: exact_match(["a"], ["a", "b"]), ValueError, "predicted"),
    (lambda: exact_match("a", ["a"]), TypeError, "predicted"),
])
def test_bad_input_gets_one_line(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert words.lower() in message.lower() and "\n" not in message
