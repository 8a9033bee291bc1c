"""Small examples with fixed numbers, shared by the chapters and the tests.

The numbers of a worked example live here and nowhere else: the chapter
shows them (in its prose, its tables and its code) and a unit test checks
them against :func:`rnn_course.numpy_nets.rnn_forward`, so the page can never
disagree with the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnn_course.tables import markdown_table

__all__ = ["HandWorkedRNN", "hand_worked_rnn"]


def _fmt(value: float, decimals: int = 4) -> str:
    """A number as a person writes it by hand: ``1``, ``-0.5``, ``0.7616``."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _factor(value: float, decimals: int = 4) -> str:
    """A number inside a product: negative numbers get parentheses."""
    text = _fmt(value, decimals)
    return f"({text})" if text.startswith("-") else text


@dataclass(frozen=True)
class HandWorkedRNN:
    """A recurrent network small enough to run by hand, with its hand results.

    The network computes ``z_t = W x_t + U h_{t-1} + b`` and
    ``h_t = tanh(z_t)`` from ``h_0 = 0``. The weights and inputs are round
    numbers; ``pre_activations`` and ``states`` are the results worked out
    by hand, keeping ``decimals`` decimals at every step (they are typed in,
    not computed, so that a test can compare them with the code).

    Attributes:
        inputs: ``(timesteps, features)``, one input vector per row.
        W: ``(units, features)``, input weights.
        U: ``(units, units)``, recurrent weights.
        b: ``(units,)``, bias.
        pre_activations: ``(timesteps, units)``, ``z_t`` by hand.
        states: ``(timesteps, units)``, ``h_t = tanh(z_t)`` by hand.
        decimals: Decimals kept by hand at every step.
    """

    inputs: np.ndarray
    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    pre_activations: np.ndarray
    states: np.ndarray
    decimals: int = 4

    @property
    def timesteps(self) -> int:
        """Number of time steps (rows of ``inputs``)."""
        return int(self.inputs.shape[0])

    @property
    def features(self) -> int:
        """Size of each input vector ``x_t``."""
        return int(self.inputs.shape[1])

    @property
    def units(self) -> int:
        """Size of the state ``h_t``."""
        return int(self.W.shape[0])

    def previous_state(self, t: int) -> np.ndarray:
        """``h_{t-1}`` as used by hand at step ``t`` (1-based): zeros at step 1."""
        self._check_step(t)
        return np.zeros(self.units) if t == 1 else self.states[t - 2]

    def input_term(self, t: int) -> np.ndarray:
        """``W x_t`` at step ``t`` (1-based)."""
        self._check_step(t)
        return np.round(self.W @ self.inputs[t - 1], self.decimals)

    def recurrent_term(self, t: int) -> np.ndarray:
        """``U h_{t-1}`` at step ``t`` (1-based), from the hand-rounded ``h_{t-1}``."""
        return np.round(self.U @ self.previous_state(t), self.decimals)

    def _check_step(self, t: int) -> None:
        if (isinstance(t, bool) or not isinstance(t, (int, np.integer))
                or not 1 <= t <= self.timesteps):
            raise ValueError(f"t must be a step between 1 and {self.timesteps}, got {t!r}.")

    def _column(self, values: np.ndarray) -> str:
        rows = r" \\ ".join(_fmt(v, self.decimals) for v in values)
        return rf"\begin{{pmatrix}} {rows} \end{{pmatrix}}"

    def _products(self, matrix: np.ndarray, vector: np.ndarray) -> str:
        rows = r" \\ ".join(
            " + ".join(f"{_factor(m, self.decimals)} \\cdot {_factor(v, self.decimals)}"
                       for m, v in zip(row, vector))
            for row in matrix
        )
        return rf"\begin{{pmatrix}} {rows} \end{{pmatrix}}"

    def _matrix(self, values: np.ndarray) -> str:
        rows = r" \\ ".join(" & ".join(_fmt(v, self.decimals) for v in row) for row in values)
        return rf"\begin{{pmatrix}} {rows} \end{{pmatrix}}"

    def givens_latex(self) -> str:
        """The weights and the inputs as a LaTeX ``aligned`` block."""
        weights = rf"W &= {self._matrix(self.W)}, & U &= {self._matrix(self.U)}, & " \
                  rf"b &= {self._column(self.b)}"
        inputs = ", & ".join(
            rf"x_{t} &= {self._column(x)}" for t, x in enumerate(self.inputs, start=1)
        )
        return rf"\begin{{aligned}} {weights} \\[6pt] {inputs} \end{{aligned}}"

    def step_latex(self, t: int) -> str:
        """The arithmetic of step ``t`` (1-based) as a LaTeX ``aligned`` block.

        Each product of ``W x_t`` and ``U h_{t-1}`` is written out, then the
        sum ``z_t`` and ``h_t = tanh(z_t)``, with the hand values.
        """
        self._check_step(t)
        x_t, h_prev = self.inputs[t - 1], self.previous_state(t)
        lines = [
            rf"W x_{t} &= {self._products(self.W, x_t)} = {self._column(self.input_term(t))}",
        ]
        if t == 1:
            lines.append(r"U h_0 &= 0 \quad \text{(the state starts at zero)}")
        else:
            lines.append(
                rf"U h_{t - 1} &= {self._products(self.U, h_prev)} = "
                rf"{self._column(self.recurrent_term(t))}"
            )
        lines.append(
            rf"z_{t} &= W x_{t} + U h_{t - 1} + b = {self._column(self.input_term(t))} + "
            rf"{self._column(self.recurrent_term(t))} + {self._column(self.b)} = "
            rf"{self._column(self.pre_activations[t - 1])}"
        )
        lines.append(
            rf"h_{t} &= \tanh(z_{t}) = {self._column(self.states[t - 1])}"
        )
        return r"\begin{aligned}" + r" \\[4pt] ".join(lines) + r"\end{aligned}"

    def table_markdown(self) -> str:
        """The hand results as a Markdown table, one row per time step."""

        def pair(values: np.ndarray) -> str:
            return "(" + ", ".join(_fmt(v, self.decimals) for v in values) + ")"

        header = ["step $t$", "input $x_t$",
                  "pre-activation $z_t = W x_t + U h_{t-1} + b$",
                  "state $h_t = \\tanh(z_t)$"]
        rows = [[str(t), pair(self.inputs[t - 1]), pair(self.pre_activations[t - 1]),
                 pair(self.states[t - 1])] for t in range(1, self.timesteps + 1)]
        return markdown_table(header, rows, "center")


def hand_worked_rnn() -> HandWorkedRNN:
    """The example worked by hand in Chapter 2: 2 inputs, 2 units, 3 steps.

    The weights are 0, 0.5, 1 or -1 and the inputs 0 or 1, so that the first
    pre-activation is read off directly; steps 1 and 3 have the same input
    but not the same state, because the state remembers step 2. Each call
    returns fresh arrays, so a chapter may modify them freely.

    Returns:
        The example, with its hand results to 4 decimals.

    Example:
        >>> from rnn_course.numpy_nets import rnn_forward
        >>> ex = hand_worked_rnn()
        >>> bool(np.allclose(rnn_forward(ex.inputs, ex.W, ex.U, ex.b), ex.states, atol=1e-4))
        True
    """
    return HandWorkedRNN(
        inputs=np.array([[1.0, 0.0],
                         [0.0, 1.0],
                         [1.0, 0.0]]),
        W=np.array([[0.0, 1.0],
                    [-1.0, 0.5]]),
        U=np.array([[1.0, 0.5],
                    [-1.0, 0.5]]),
        b=np.array([-0.5, 0.0]),
        # Worked out by hand, 4 decimals kept at every step.
        pre_activations=np.array([[-0.5, -1.0],
                                  [-0.3429, 0.5813],
                                  [-0.5683, -0.4081]]),
        states=np.array([[-0.4621, -0.7616],
                         [-0.3301, 0.5236],
                         [-0.5141, -0.3869]]),
    )
