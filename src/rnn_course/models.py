"""Model builders shared by the chapters that train on IMDB.

One function builds every text classifier of the course, so chapters 06, 08,
09 and 10 compare models that differ only in what they name.
"""

from __future__ import annotations

import numbers

from rnn_course import _validate

#: Recurrent cells :func:`build_text_classifier` knows, by name.
CELLS = ("simple_rnn", "lstm", "gru")



def _rate(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}.")
    return float(value)


def _learning_rate(value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not 0 < value < float("inf"):  # NaN fails this too
        raise ValueError(f"learning_rate must be a positive number, got {value!r}.")
    return float(value)


def _compile_for_sentiment(model, learning_rate: float) -> None:
    """The course's recipe: RMSprop, binary cross-entropy, accuracy."""
    import keras

    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=_learning_rate(learning_rate)),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )


def recurrent_layer(
    cell: str = "simple_rnn",
    units: int = 32,
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    bidirectional: bool = False,
    return_sequences: bool = False,
    name: str | None = None,
):
    """One Keras recurrent layer, chosen by name.

    Args:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        units: Size of the hidden state.
        dropout: Dropout rate on the inputs of every step.
        recurrent_dropout: Dropout rate on the recurrent state (disables the
            fused cuDNN kernel on a GPU).
        bidirectional: Wrap the layer in ``keras.layers.Bidirectional``
            (doubles the output size: ``2 * units``).
        return_sequences: Return ``(batch, timesteps, units)`` instead of the
            last state ``(batch, units)``.
        name: Layer name (default: Keras's own).

    Returns:
        A ``keras.layers.Layer``.
    """
    import keras

    layers = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM,
              "gru": keras.layers.GRU}
    if not isinstance(cell, str) or cell not in layers:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}, got {cell!r}.")
    bidirectional = _validate.flag("bidirectional", bidirectional)
    name = _validate.text("name", name, none_ok=True)
    layer = layers[cell](
        _validate.positive_int("units", units),
        dropout=_rate("dropout", dropout),
        recurrent_dropout=_rate("recurrent_dropout", recurrent_dropout),
        return_sequences=_validate.flag("return_sequences", return_sequences),
        name=None if bidirectional else name,
    )
    if bidirectional:
        layer = keras.layers.Bidirectional(layer, name=name)
    return layer


def build_text_classifier(
    cell: str = "simple_rnn",
    num_words: int = 10000,
    embedding_dim: int = 32,
    units: int = 32,
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    bidirectional: bool = False,
    maxlen: int | None = None,
    mask_zero: bool = False,
    learning_rate: float = 1e-3,
    compile: bool = True,
):
    """``Embedding -> recurrent layer -> Dense(1, sigmoid)`` for binary sentiment.

    The recipe of the course (as in Chollet, *Deep Learning with Python*): RMSprop,
    binary cross-entropy, accuracy.

    Args:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        num_words: Vocabulary size; word ids must be below it.
        embedding_dim: Size of each word vector.
        units: Size of the recurrent state.
        dropout: Input dropout of the recurrent layer.
        recurrent_dropout: Recurrent-state dropout of the recurrent layer.
        bidirectional: Read the review in both directions.
        maxlen: Sequence length, or ``None`` for any length.
        mask_zero: Treat id 0 as padding and skip it.
        learning_rate: RMSprop's learning rate.
        compile: Compile the model (``False`` to compile it yourself).

    Returns:
        A ``keras.Model`` mapping int ids ``(batch, maxlen)`` to probabilities
        ``(batch, 1)`` of the positive class.
    """
    import keras

    if maxlen is not None:
        maxlen = _validate.positive_int("maxlen", maxlen)
    compile = _validate.flag("compile", compile)
    bidirectional = _validate.flag("bidirectional", bidirectional)
    learning_rate = _learning_rate(learning_rate)  # checked before building anything
    inputs = keras.Input(shape=(maxlen,), dtype="int32", name="word_ids")
    x = keras.layers.Embedding(
        _validate.positive_int("num_words", num_words),
        _validate.positive_int("embedding_dim", embedding_dim),
        mask_zero=_validate.flag("mask_zero", mask_zero),
        name="embedding",
    )(inputs)
    x = recurrent_layer(cell, units, dropout, recurrent_dropout, bidirectional,
                        name=cell if not bidirectional else f"bidirectional_{cell}")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="positive")(x)
    name = f"{'bi' if bidirectional else ''}{cell}_classifier"
    model = keras.Model(inputs, outputs, name=name)
    if compile:
        _compile_for_sentiment(model, learning_rate)
    return model


def build_conv1d_text_classifier(
    num_words: int = 10000,
    embedding_dim: int = 32,
    filters: int = 32,
    kernel_size: int = 7,
    pool_size: int = 5,
    conv_layers: int = 2,
    cell: str | None = None,
    units: int = 32,
    maxlen: int | None = None,
    learning_rate: float = 1e-3,
    compile: bool = True,
):
    """``Embedding -> (Conv1D -> MaxPooling1D) x n -> pooling -> Dense(1, sigmoid)``.

    The one-dimensional convnet of Chollet's *Deep Learning with Python* for
    sentiment: each ``Conv1D`` slides ``filters`` windows of ``kernel_size``
    words along the review (``relu``); a ``MaxPooling1D(pool_size)`` follows
    every convolution but the last, which is followed by
    ``GlobalMaxPooling1D`` (the strongest response of each filter anywhere in
    the review). With ``cell`` set, a recurrent layer reads the pooled
    sequence instead: a convolutional front end that shortens the review, then
    a recurrence that sees the order of what remains. Compiled with the recipe
    of :func:`build_text_classifier` (RMSprop, binary cross-entropy, accuracy).

    Args:
        num_words: Vocabulary size; word ids must be below it.
        embedding_dim: Size of each word vector.
        filters: Filters of every ``Conv1D`` layer.
        kernel_size: Words seen by one window.
        pool_size: Window (and stride) of every ``MaxPooling1D``.
        conv_layers: Number of ``Conv1D`` layers (at least 1).
        cell: ``None`` (global max pooling), or ``"simple_rnn"``, ``"lstm"`` or
            ``"gru"`` (with a pooling after the last convolution too).
        units: Units of the recurrent layer when ``cell`` is set.
        maxlen: Sequence length, or ``None`` for any length (every review must
            then be long enough for the windows).
        learning_rate: RMSprop's learning rate.
        compile: Compile the model (``False`` to compile it yourself).

    Returns:
        A ``keras.Model`` mapping int ids ``(batch, maxlen)`` to probabilities
        ``(batch, 1)`` of the positive class.
    """
    import keras

    num_words = _validate.positive_int("num_words", num_words)
    embedding_dim = _validate.positive_int("embedding_dim", embedding_dim)
    filters = _validate.positive_int("filters", filters)
    kernel_size = _validate.positive_int("kernel_size", kernel_size)
    pool_size = _validate.positive_int("pool_size", pool_size)
    conv_layers = _validate.positive_int("conv_layers", conv_layers)
    units = _validate.positive_int("units", units)
    compile = _validate.flag("compile", compile)
    learning_rate = _learning_rate(learning_rate)  # checked before building anything
    if cell is not None and cell not in CELLS:
        raise ValueError(f"cell must be None or one of {', '.join(CELLS)}, got {cell!r}.")
    if maxlen is not None:
        maxlen = _validate.positive_int("maxlen", maxlen)
        length = maxlen
        for k in range(conv_layers):
            length -= kernel_size - 1
            if length < 1:
                raise ValueError(f"maxlen={maxlen} is too short for {conv_layers} convolutions "
                                 f"of {kernel_size} words and pooling by {pool_size}.")
            if k < conv_layers - 1 or cell is not None:
                length //= pool_size
                if length < 1:
                    raise ValueError(f"maxlen={maxlen} is too short for {conv_layers} "
                                     f"convolutions of {kernel_size} words and pooling "
                                     f"by {pool_size}.")

    inputs = keras.Input(shape=(maxlen,), dtype="int32", name="word_ids")
    x = keras.layers.Embedding(num_words, embedding_dim, name="embedding")(inputs)
    for k in range(conv_layers):
        x = keras.layers.Conv1D(filters, kernel_size, activation="relu", name=f"conv1d_{k + 1}")(x)
        if k < conv_layers - 1 or cell is not None:
            x = keras.layers.MaxPooling1D(pool_size, name=f"max_pooling1d_{k + 1}")(x)
    if cell is None:
        x = keras.layers.GlobalMaxPooling1D(name="global_max_pooling1d")(x)
    else:
        x = recurrent_layer(cell, units, name=cell)(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="positive")(x)
    name = "conv1d_classifier" if cell is None else f"conv1d_{cell}_classifier"
    model = keras.Model(inputs, outputs, name=name)
    if compile:
        _compile_for_sentiment(model, learning_rate)
    return model


def build_fast_classifier(cell: str = "simple_rnn", mask: bool = True, jit_compile: bool = False,
                          **kwargs):
    """The course's text classifier, built to read per-batch padded reviews.

    The same model as :func:`rnn_course.models.build_text_classifier` (same
    layers, same RMSprop recipe) for any length (``maxlen=None``), so one
    model serves every batch of :func:`bucketed_dataset`; with ``mask`` its
    embedding has ``mask_zero=True`` and the recurrent layer skips the
    padding.

    Args:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        mask: Skip the id 0 (``Embedding(mask_zero=True)``); needed when the
            padding comes after the text.
        jit_compile: Compile the training step with XLA. Off by default: XLA
            compiles once per batch shape, and length buckets make many
            shapes; on a GPU a cuDNN layer cannot be compiled by XLA anyway
            (Keras turns it off).
        **kwargs: Any other argument of ``build_text_classifier`` but
            ``maxlen``, ``mask_zero`` and ``compile``.

    Returns:
        A compiled ``keras.Model`` mapping ids ``(batch, length)``, any
        length, to probabilities ``(batch, 1)``.
    """
    for name in ("maxlen", "mask_zero", "compile"):
        if name in kwargs:
            raise TypeError(f"build_fast_classifier sets {name} itself; do not pass it.")
    if not isinstance(mask, bool):
        raise TypeError(f"mask must be True or False, got {mask!r}.")
    if not isinstance(jit_compile, bool):
        raise TypeError(f"jit_compile must be True or False, got {jit_compile!r}.")
    model = build_text_classifier(cell, maxlen=None, mask_zero=mask, **kwargs)
    # build_text_classifier compiles with Keras's default ("auto": XLA on a
    # GPU, off on CPU); the setter takes effect when fit builds the step.
    model.jit_compile = jit_compile
    return model


def cudnn_problems(model) -> list[str]:
    """Why the recurrent layers of ``model`` could not run on the fused cuDNN kernel.

    Keras runs an ``LSTM`` or ``GRU`` layer on a GPU with cuDNN when
    ``activation`` is tanh, ``recurrent_activation`` sigmoid,
    ``recurrent_dropout`` 0, ``unroll`` off, ``use_bias`` on, ``use_cudnn``
    not ``False``, and for a GRU ``reset_after`` on; a mask must moreover be
    strictly right-padded (zeros after the text), which only the data can
    tell. A ``SimpleRNN`` has no cuDNN kernel at all.

    Args:
        model: A Keras model (or layer).

    Returns:
        One line per problem, naming the layer (an empty list: every
        recurrent layer qualifies).
    """
    import keras

    if not isinstance(model, keras.layers.Layer):
        raise TypeError(f"model must be a Keras model or layer, got {type(model).__name__}.")
    layers = model._flatten_layers(include_self=True)
    problems = []
    tanh, sigmoid = keras.activations.tanh, keras.activations.sigmoid
    for layer in layers:
        if isinstance(layer, keras.layers.SimpleRNN):
            problems.append(f"{layer.name}: a SimpleRNN has no cuDNN kernel")
            continue
        if not isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
            continue
        cell = layer.cell
        checks = [
            (cell.activation is tanh, "activation must be tanh"),
            (cell.recurrent_activation is sigmoid, "recurrent_activation must be sigmoid"),
            (not cell.recurrent_dropout,
             f"recurrent_dropout must be 0, not {cell.recurrent_dropout}"),
            (not layer.unroll, "unroll must be False"),
            (cell.use_bias, "use_bias must be True"),
            (layer.use_cudnn is not False, "use_cudnn=False turns cuDNN off"),
        ]
        if isinstance(layer, keras.layers.GRU):
            checks.append((cell.reset_after, "reset_after must be True"))
        problems += [f"{layer.name}: {why}" for ok, why in checks if not ok]
    return problems


#: The forecasters :func:`build_forecaster` knows (Chapter 13), by name.
FORECASTERS = ("dense", "gru", "reversed_gru", "bidirectional_gru")


def build_forecaster(
    kind: str = "gru",
    sequence_length: int = 48,
    features: int = 18,
    units: int = 16,
    recurrent_dropout: float = 0.0,
    learning_rate: float = 1e-3,
    compile: bool = True,
):
    """A model that reads a window of the past and forecasts one change (Chapter 13).

    Every kind ends in ``Dense(1)`` with zero weights, so before training it
    answers 0 for every window: with targets that are the change from the
    window's last value (:func:`rnn_course.forecasting.make_windows`), an
    untrained model makes the naive forecast, and training starts from there.

    Args:
        kind: ``"dense"`` (the window flattened, then ``Dense(units, relu)``),
            ``"gru"`` (a ``GRU`` reading the window from the oldest step to the
            newest), ``"reversed_gru"`` (the same from the newest to the
            oldest, ``go_backwards=True``) or ``"bidirectional_gru"`` (both,
            ``keras.layers.Bidirectional``).
        sequence_length: Steps per window.
        features: Numbers per step.
        units: Hidden units (of each direction).
        recurrent_dropout: Dropout rate on the GRU's recurrent state (not for
            ``"dense"``).
        learning_rate: RMSprop's learning rate.
        compile: Compile with the course's recipe for forecasts: RMSprop,
            mean squared error, and the mean absolute error as a metric.

    Returns:
        A ``keras.Model`` mapping ``(batch, sequence_length, features)`` to
        ``(batch, 1)``.
    """
    import keras

    if not isinstance(kind, str) or kind not in FORECASTERS:
        raise ValueError(f"kind must be one of {', '.join(FORECASTERS)}, got {kind!r:.40}.")
    sequence_length = _validate.positive_int("sequence_length", sequence_length)
    features = _validate.positive_int("features", features)
    units = _validate.positive_int("units", units)
    recurrent_dropout = _rate("recurrent_dropout", recurrent_dropout)
    if kind == "dense" and recurrent_dropout:
        raise ValueError("recurrent_dropout needs a recurrent kind, not 'dense'.")
    learning_rate = _learning_rate(learning_rate)
    compile = _validate.flag("compile", compile)
    inputs = keras.Input(shape=(sequence_length, features), name="window")
    if kind == "dense":
        x = keras.layers.Flatten(name="flatten")(inputs)
        x = keras.layers.Dense(units, activation="relu", name="hidden")(x)
    else:
        gru = keras.layers.GRU(units, recurrent_dropout=recurrent_dropout,
                               go_backwards=kind == "reversed_gru",
                               name=None if kind == "bidirectional_gru" else "gru")
        layer = keras.layers.Bidirectional(gru, name="bidirectional_gru") \
            if kind == "bidirectional_gru" else gru
        x = layer(inputs)
    outputs = keras.layers.Dense(1, kernel_initializer="zeros", name="change")(x)
    model = keras.Model(inputs, outputs, name=f"{kind}_forecaster")
    if compile:
        model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=learning_rate),
                      loss="mse", metrics=["mae"])
    return model


def build_char_lstm(
    vocab_size: int,
    units: int = 128,
    embedding_dim: int = 32,
    learning_rate: float = 1e-2,
    clipnorm: float = 1.0,
    stateful: bool = False,
    batch_size: int | None = None,
):
    """``Embedding -> LSTM(return_sequences=True) -> Dense(vocab)``: a character-level model.

    At every step the model reads one character id and gives the logits of
    the next character. It is compiled with Adam, gradients clipped to a
    global norm of ``clipnorm`` (``global_clipnorm``), and
    ``SparseCategoricalCrossentropy(from_logits=True)``, whose value is the
    cross-entropy in nats per character.

    Args:
        vocab_size: The number of distinct characters; ids are below it.
        units: Size of the LSTM's state.
        embedding_dim: Size of each character's vector.
        learning_rate: Adam's learning rate.
        clipnorm: The global norm the gradients are clipped to.
        stateful: Keep each row's states from one batch to the next
            (``LSTM(stateful=True)``); needs ``batch_size``.
        batch_size: The fixed number of rows of every batch (required by
            ``stateful=True``; ``None`` otherwise means any).

    Returns:
        A compiled ``keras.Model`` mapping ids ``(batch, timesteps)`` to
        logits ``(batch, timesteps, vocab_size)``. Give a stateful copy the
        trained weights with ``copy.set_weights(model.get_weights())``.
    """
    import keras

    vocab_size = _validate.positive_int("vocab_size", vocab_size)
    units = _validate.positive_int("units", units)
    embedding_dim = _validate.positive_int("embedding_dim", embedding_dim)
    learning_rate = _learning_rate(learning_rate)
    clipnorm = _validate.positive_number("clipnorm", clipnorm)
    stateful = _validate.flag("stateful", stateful)
    if batch_size is not None:
        batch_size = _validate.positive_int("batch_size", batch_size)
    if stateful and batch_size is None:
        raise ValueError("stateful=True needs a fixed batch_size: row i of a batch "
                         "continues row i of the batch before.")
    inputs = keras.Input(shape=(None,), batch_size=batch_size, dtype="int32", name="char_ids")
    x = keras.layers.Embedding(vocab_size, embedding_dim, name="embedding")(inputs)
    x = keras.layers.LSTM(units, return_sequences=True, stateful=stateful, name="lstm")(x)
    outputs = keras.layers.Dense(vocab_size, name="next_char_logits")(x)
    model = keras.Model(inputs, outputs, name="char_lstm")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate, global_clipnorm=clipnorm),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def build_recall_model(cell: str = "simple_rnn", units: int = 16, n_symbols: int = 4,
                       learning_rate: float = 1e-2, compile: bool = True):
    """``recurrent layer (every step) -> Dense(n_symbols, softmax)`` for Chapter 8b's task.

    The model answers at every step of a sequence of
    :func:`rnn_course.memory_tasks.marked_recall`: which symbol was marked
    last. Compiled with Adam, sparse categorical cross-entropy and accuracy.

    Args:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        units: Size of the recurrent state.
        n_symbols: Size of the alphabet; the input has ``n_symbols + 1``
            features per step (the one-hot symbol and the mark bit).
        learning_rate: Adam's learning rate.
        compile: Compile the model (``False`` to compile it yourself).

    Returns:
        A ``keras.Model`` mapping ``(batch, timesteps, n_symbols + 1)``, any
        length, to probabilities ``(batch, timesteps, n_symbols)``.
    """
    import keras

    n_symbols = _validate.positive_int("n_symbols", n_symbols, minimum=2)
    compile = _validate.flag("compile", compile)
    learning_rate = _learning_rate(learning_rate)  # checked before building anything
    inputs = keras.Input(shape=(None, n_symbols + 1), name="symbols_and_marks")
    states = recurrent_layer(cell, units, return_sequences=True, name=cell)(inputs)
    outputs = keras.layers.Dense(n_symbols, activation="softmax", name="recalled")(states)
    model = keras.Model(inputs, outputs, name=f"{cell}_recall")
    if compile:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
