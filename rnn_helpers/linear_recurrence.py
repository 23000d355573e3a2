"""Where recurrence went next, the maths: linear recurrences, parallel scans, linear attention, state-space models.

Introduced in notebook 09. What is inside:

- `min_gru_gates`, `min_lstm_gates`: notebook 05's GRU (and notebook 04's LSTM) with `h_{t-1}` taken out of
  the gates (Feng et al., 2024), which leaves a linear recurrence `h_t = a_t ⊙ h_{t-1} + b_t`.
- `linear_recurrence` (the loop), `combine` (the scan's operator), `hillis_steele_scan` (a parallel scan in
  numpy), `log_space_recurrence` (the same sums in log space), `scan_cost` (depth and work), and
  `min_gru_forward`, which runs a minGRU either way.
- `keras_scan`: `keras.ops.associative_scan`, or the same Hillis–Steele rounds in `keras.ops` where Keras
  cannot trace it (before 3.14 on TensorFlow); `rnn_helpers.min_gru` builds its Keras layer on it.
- `linear_attention_*`: causal linear attention (Katharopoulos et al., 2020) as a masked product, a cumulative
  sum and a recurrent state; `linear_attention_step`: one generated token.
- `ssm_*`: a linear time-invariant state-space model as a recurrence and as an FFT convolution.

What they cost on this machine is measured in `rnn_helpers.recurrence_costs`.
"""

import math

import numpy as np

from . import cells, numpy_rnn
from ._validation import (Array, Check, Choice, Count, Optional, check_params, check_shape, check_state,
                          validate)


@validate(cell=Choice(cells.MINIMAL))
def min_param_names(cell):
    """The weight names of a minimal cell: only input kernels and biases, no recurrent kernel.

    Introduced in notebook 09. minGRU: update gate z and candidate h; minLSTM: forget f, input i, candidate h.
    """
    gates = cells.get(cell).gates
    return tuple(name for g in gates for name in (f"W_x{g}", f"b_{g}"))


def _check_inputs(cell, X, params):
    p, units = check_params(params, min_param_names(cell), X.shape[2])
    return X, p, units


@validate(X=Array(ndim=3), checked_in_body=("params",))
def min_gru_gates(X, params):
    """The coefficients of a minGRU: its update gate and candidate see only the input.

    z_t = σ(x_t W_xz + b_z),   h̃_t = x_t W_xh + b_h,   h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t
    so h_t = a_t ⊙ h_{t-1} + b_t with a_t = z_t and b_t = (1 − z_t) ⊙ h̃_t (Keras's convention: z keeps).

    Introduced in notebook 09.

    Args:
        X: inputs `(batch, time, features)`.
        params: dict with `W_xz`, `W_xh` `(features, units)` and `b_z`, `b_h` `(units,)`.

    Returns:
        `(a, b)`, each float64 `(batch, time, units)`: all time steps at once, since no gate waits for a state.
    """
    X, p, _ = _check_inputs("mingru", X, params)
    z = numpy_rnn.sigmoid(X @ p["W_xz"] + p["b_z"])  # update gate, from the input only
    h_tilde = X @ p["W_xh"] + p["b_h"]  # candidate, from the input only (no tanh)
    return z, (1.0 - z) * h_tilde


@validate(X=Array(ndim=3), checked_in_body=("params",))
def min_lstm_gates(X, params):
    """The coefficients of a minLSTM: forget and input gates from the input only, normalised to sum to 1.

    f_t = σ(x_t W_xf + b_f), i_t = σ(x_t W_xi + b_i), h̃_t = x_t W_xh + b_h,
    h_t = f_t/(f_t + i_t) ⊙ h_{t-1} + i_t/(f_t + i_t) ⊙ h̃_t.

    Introduced in notebook 09. `params` holds `W_xf, b_f, W_xi, b_i, W_xh, b_h`.

    Returns:
        `(a, b)`, each float64 `(batch, time, units)`.
    """
    X, p, _ = _check_inputs("minlstm", X, params)
    f = numpy_rnn.sigmoid(X @ p["W_xf"] + p["b_f"])  # forget gate
    i = numpy_rnn.sigmoid(X @ p["W_xi"] + p["b_i"])  # input gate
    h_tilde = X @ p["W_xh"] + p["b_h"]  # candidate
    return f / (f + i), i / (f + i) * h_tilde


def _check_coefficients(a, b):
    check_shape("b", b, a.shape, "a and b are (batch, time, units) and must have the same shape.")
    return a, b


_COEFFICIENTS = Array(ndim=3)  # a or b of h_t = a_t ⊙ h_{t-1} + b_t: (batch, time, units)


@validate(a=_COEFFICIENTS, b=_COEFFICIENTS, checked_in_body=("h0",))
def linear_recurrence(a, b, h0=None):
    """The loop: h_t = a_t ⊙ h_{t-1} + b_t, one step after the other (T sequential steps).

    Introduced in notebook 09.

    Args:
        a, b: `(batch, time, units)`. h0: the state before the first step `(batch, units)`; zeros if None.

    Returns:
        H, float64 `(batch, time, units)`.
    """
    a, b = _check_coefficients(a, b)
    h = check_state("h0", h0, a.shape[0], a.shape[2])
    H = np.empty_like(a)
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        H[:, t] = h
    return H


def _check_pair(name, pair):
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"{name} must be a pair (a, b), got {type(pair).__name__}. Pass e.g. (0.5, 1.0).")
    return pair


@validate(first=Check(_check_pair), second=Check(_check_pair))
def combine(first, second):
    """The scan's operator: two steps `h ↦ a₁h + b₁` then `h ↦ a₂h + b₂` make one, `(a₁a₂, a₂b₁ + b₂)`.

    Introduced in notebook 09. It is associative, which is all a parallel scan needs. Each argument is a pair
    `(a, b)` of numbers or arrays of one shape.
    """
    (a1, b1), (a2, b2) = first, second
    return a1 * a2, a2 * b1 + b2


@validate(a=_COEFFICIENTS, b=_COEFFICIENTS)
def hillis_steele_scan(a, b):
    """All prefixes `(A_t, B_t)` = (a₁, b₁) ∘ … ∘ (a_t, b_t) in ⌈log₂ T⌉ rounds (Hillis & Steele, 1986).

    Round k combines every position t ≥ 2^k with the one 2^k steps before it, all at once; after the last
    round position t holds the whole prefix, and h_t = A_t ⊙ h_0 + B_t. Introduced in notebook 09.

    Args:
        a, b: `(batch, time, units)`.

    Returns:
        `(A, B, rounds)`: two float64 arrays of the shape of `a`, and the number of rounds.
    """
    A, B = _check_coefficients(a, b)
    return _hillis_steele_rounds(A.copy(), B.copy(), np.concatenate)


def _hillis_steele_rounds(A, B, concatenate):
    """The rounds of `hillis_steele_scan` on numpy arrays or, with `keras.ops.concatenate`, on Keras tensors of a
    fixed time length. No array is changed in place, so that the same code runs inside a TensorFlow graph."""
    rounds, shift = 0, 1
    while shift < A.shape[1]:
        earlier = (A[:, :-shift], B[:, :-shift])  # position t - shift, before this round changes it
        A_new, B_new = combine(earlier, (A[:, shift:], B[:, shift:]))
        A, B = concatenate([A[:, :shift], A_new], axis=1), concatenate([B[:, :shift], B_new], axis=1)
        rounds, shift = rounds + 1, 2 * shift
    return A, B, rounds


@validate(T=Count())
def scan_cost(T):
    """Depth (sequential rounds) and work (combines) of the loop and of the Hillis–Steele scan for T steps.

    Introduced in notebook 09. The loop: depth T, work T. The scan: depth ⌈log₂ T⌉, work Σ_k (T − 2^k).

    Returns:
        dict with `loop_depth, loop_work, scan_depth, scan_work`.
    """
    shifts = [2**k for k in range(math.ceil(math.log2(T)))] if T > 1 else []
    return {"loop_depth": T, "loop_work": T, "scan_depth": len(shifts), "scan_work": sum(T - s for s in shifts)}


@validate(x=Array())
def g(x):
    """The paper's positive activation: x + 0.5 for x ≥ 0, σ(x) below (continuous, always > 0)."""
    e = np.exp(np.minimum(x, 0.0))  # σ(x) = eˣ / (1 + eˣ) below 0: exact to the last digit far out, for log g
    return np.where(x >= 0, x + 0.5, e / (1.0 + e))


@validate(log_a=_COEFFICIENTS, log_b=_COEFFICIENTS)
def log_space_recurrence(log_a, log_b):
    """h_t = a_t h_{t-1} + b_t from h_0 = 0 for positive a, b, computed with logarithms only.

    log h_t = a*_t + log Σ_{s≤t} exp(log b_s − a*_s), with a*_t = Σ_{s≤t} log a_s: a cumulative sum and a
    cumulative log-sum-exp (both scans). Products of thousands of gates underflow; their logarithms do not.
    Introduced in notebook 09.

    Args:
        log_a, log_b: `(batch, time, units)`, the logarithms of the coefficients.

    Returns:
        H, float64 `(batch, time, units)`.
    """
    check_shape("log_b", log_b, log_a.shape, "log_a and log_b must have the same shape.")
    a_star = np.cumsum(log_a, axis=1)
    return np.exp(a_star + np.logaddexp.accumulate(log_b - a_star, axis=1))


@validate(method=Choice(("loop", "scan")), checked_in_body=("X", "params", "h0"))
def min_gru_forward(X, params, h0=None, method="loop"):
    """Run a minGRU over a batch of sequences: `method` "loop" (T steps) or "scan" (Hillis–Steele rounds).

    Introduced in notebook 09. Both give the same states to float64 round-off.

    Returns:
        H, float64 `(batch, time, units)`.
    """
    a, b = min_gru_gates(X, params)
    if method == "loop":
        return linear_recurrence(a, b, h0)
    h0 = check_state("h0", h0, a.shape[0], a.shape[2])
    A, B, _ = hillis_steele_scan(a, b)
    return A * h0[:, None, :] + B


@validate(X=Array(ndim=3), checked_in_body=("params",))
def min_gru_gradient_norms(X, params):
    """‖∂h_T/∂h_t‖ of a minGRU for every distance T − t = 1 .. T: the largest product of update gates.

    In a minGRU ∂h_T/∂h_t = diag(∏_{s=t+1..T} a_s): no tanh′, no recurrent matrix. Introduced in notebook 09.

    Args:
        X: one sequence as `(1, time, features)`. params: minGRU weights.

    Returns:
        1-D float64 array; entry k − 1 is ‖∂h_T/∂h_{T−k}‖ (largest singular value = largest diagonal entry).
    """
    a, _ = min_gru_gates(X, params)
    if a.shape[0] != 1:
        raise ValueError(f"X must hold one sequence, got a batch of {a.shape[0]}. Pass X[:1].")
    kept = np.cumprod(a[0, ::-1], axis=0)  # row k-1: the product of the last k gates
    return kept.max(axis=1)


# --- the same scan in Keras: keras.ops.associative_scan, or its rounds where Keras cannot trace it ---------------

KERAS_SCAN_TRACES_FROM = (3, 14)  # the first Keras whose associative_scan traces in a TensorFlow graph (keras #22072)
KERAS_BACKENDS = ("tensorflow", "jax", "torch", "numpy", "openvino")


def _check_version(name, version):
    if not isinstance(version, str):
        raise TypeError(f"{name} must be a string such as '3.13.2', got {type(version).__name__}. "
                        "Pass keras.version().")
    parts = version.split(".")
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        raise ValueError(f"{name} must look like '3.13.2', got {version!r}. Pass keras.version().")
    return version


@validate(version=Optional(Check(_check_version)), backend=Optional(Choice(KERAS_BACKENDS)))
def keras_scan_traces(version=None, backend=None):
    """Whether `keras.ops.associative_scan` can be traced into a graph: not on TensorFlow before Keras 3.14.

    Keras 3.13 (Colab's in 2026) recurses without end while tracing it inside `tf.function` (RecursionError);
    Keras 3.14 fixed it. Introduced in notebook 09.

    Args:
        version: a Keras version such as "3.13.2"; the installed one if None. backend: "tensorflow", "jax",
            "torch", ...; the active one if None.
    """
    if version is None or backend is None:
        import keras

        version = keras.version() if version is None else version
        backend = keras.backend.backend() if backend is None else backend
    parts = version.split(".")
    return backend != "tensorflow" or (int(parts[0]), int(parts[1])) >= KERAS_SCAN_TRACES_FROM


def _check_keras_coefficient(name, value):
    """A Keras tensor or array `(batch, time, units)` with a fixed time length, passed on as given."""
    shape = getattr(value, "shape", None)
    if shape is None:
        raise TypeError(f"{name} must be a tensor or array (batch, time, units), got {type(value).__name__}.")
    if len(shape) != 3 or shape[1] is None:
        raise ValueError(f"{name} must be (batch, time, units) with a fixed time length, got shape "
                         f"{tuple(shape)}. Use keras.Input(shape=(T, features)).")
    return value


_KERAS_COEFFICIENT = Check(_check_keras_coefficient)


def _check_keras_coefficients(a, b):
    if tuple(a.shape[1:]) != tuple(b.shape[1:]):
        raise ValueError(f"a and b must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}.")


@validate(a=_KERAS_COEFFICIENT, b=_KERAS_COEFFICIENT)
def keras_hillis_steele(a, b):
    """`hillis_steele_scan` in `keras.ops`: all prefixes `(A_t, B_t)` along axis 1, by the same rounds.

    For Keras tensors (or arrays) `(batch, time, units)` of a fixed time length; it traces in any graph.
    Introduced in notebook 09, where it stands in for `keras.ops.associative_scan` on Keras before 3.14.

    Returns:
        `(A, B)`, two tensors of the shape of `a`.
    """
    from keras import ops

    _check_keras_coefficients(a, b)
    A, B, _ = _hillis_steele_rounds(a, b, ops.concatenate)
    return A, B


@validate(a=_KERAS_COEFFICIENT, b=_KERAS_COEFFICIENT)
def keras_scan(a, b):
    """All prefixes `(A_t, B_t)` of h_t = a_t ⊙ h_{t-1} + b_t along axis 1, in Keras: with
    `keras.ops.associative_scan(combine, (a, b), axis=1)` where it traces (`keras_scan_traces`), otherwise with
    `keras_hillis_steele`. Both equal the loop to round-off. Introduced in notebook 09.
    """
    from keras import ops

    _check_keras_coefficients(a, b)
    if keras_scan_traces():
        return ops.associative_scan(combine, (a, b), axis=1)
    return keras_hillis_steele(a, b)


# --- linear attention is a recurrent network (Katharopoulos et al., 2020) ---------------------------------------


_MATRIX = Array(ndim=2)  # queries, keys or values: (time, d)


def _check_qkv(Q, K, V):
    check_shape("K", K, Q.shape, "Queries and keys are (time, d) with the same d.")
    if V.shape[0] != Q.shape[0]:
        raise ValueError(f"V must have one row per step, {Q.shape[0]}, got shape {V.shape}.")
    return Q, K, V


@validate(x=Array())
def feature_map(x):
    """φ(x) = elu(x) + 1: positive features, so that φ(q)·φ(k) can stand in for exp(q·k)."""
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


@validate(Q=_MATRIX, K=_MATRIX, V=_MATRIX)
def softmax_attention_causal(Q, K, V):
    """Causal softmax attention (notebook 08's, with a mask): output t averages V over s ≤ t, weights ∝ exp(q·k/√d).

    Introduced in notebook 09. Q, K `(time, d)`, V `(time, d_v)`; O(T²) work: every step looks at all before it.
    """
    Q, K, V = _check_qkv(Q, K, V)
    scores = Q @ K.T / np.sqrt(Q.shape[1])
    scores = np.where(np.tril(np.ones_like(scores, dtype=bool)), scores, -np.inf)  # no peeking ahead
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    return (weights / weights.sum(axis=1, keepdims=True)) @ V


@validate(Q=_MATRIX, K=_MATRIX, V=_MATRIX)
def linear_attention_masked(Q, K, V):
    """Causal linear attention as attention: weights φ(q_t)·φ(k_s) for s ≤ t, normalised (O(T²), like softmax)."""
    Q, K, V = _check_qkv(Q, K, V)
    weights = np.tril(feature_map(Q) @ feature_map(K).T)
    return (weights / weights.sum(axis=1, keepdims=True)) @ V


@validate(Q=_MATRIX, K=_MATRIX, V=_MATRIX)
def linear_attention_cumsum(Q, K, V):
    """The same outputs from cumulative sums: S_t = Σ_{s≤t} φ(k_s)ᵀ v_s and z_t = Σ_{s≤t} φ(k_s)."""
    Q, K, V = _check_qkv(Q, K, V)
    phi_q, phi_k = feature_map(Q), feature_map(K)
    S = np.cumsum(phi_k[:, :, None] * V[:, None, :], axis=0)  # (time, d, d_v): one state per step
    z = np.cumsum(phi_k, axis=0)
    return np.einsum("td,tde->te", phi_q, S) / np.sum(phi_q * z, axis=1, keepdims=True)


@validate(q=Array(ndim=1), k=Array(ndim=1), v=Array(ndim=1), S=Array(ndim=2), z=Array(ndim=1))
def linear_attention_step(q, k, v, S, z):
    """One step of the recurrent form: S ← S + φ(k)ᵀv, z ← z + φ(k), output φ(q)S / φ(q)·z.

    Introduced in notebook 09. q, k `(d,)`, v `(d_v,)`, S `(d, d_v)`, z `(d,)`: a state of fixed size.

    Returns:
        `(output (d_v,), S, z)`.
    """
    check_shape("S", S, (k.size, v.size), "S is (d, d_v): start from np.zeros((d, d_v)).")
    check_shape("z", z, k.shape, "z is (d,): start from np.zeros(d).")
    phi_q, phi_k = feature_map(q), feature_map(k)
    S, z = S + np.outer(phi_k, v), z + phi_k
    return phi_q @ S / (phi_q @ z), S, z


@validate(Q=_MATRIX, K=_MATRIX, V=_MATRIX)
def linear_attention_recurrent(Q, K, V):
    """The same outputs from a loop over `linear_attention_step`: a recurrent network with state (S, z)."""
    Q, K, V = _check_qkv(Q, K, V)
    S, z = np.zeros((Q.shape[1], V.shape[1])), np.zeros(Q.shape[1])
    out = np.empty((Q.shape[0], V.shape[1]))
    for t in range(Q.shape[0]):
        out[t], S, z = linear_attention_step(Q[t], K[t], V[t], S, z)
    return out


# --- state-space models: one linear recurrence, two ways to compute it -------------------------------------------


_VECTOR = Array(ndim=1)  # the input u, or A, B, C of a diagonal state-space model: (time,) or (n,)


def _check_ssm(u, A, B, C):
    for name, value in (("B", B), ("C", C)):
        check_shape(name, value, A.shape, "A (the diagonal of the state matrix), B and C are (n,) for n states.")
    return u, A, B, C


@validate(u=_VECTOR, A=_VECTOR, B=_VECTOR, C=_VECTOR)
def ssm_recurrence(u, A, B, C):
    """A linear time-invariant state-space model run step by step: x_t = A ⊙ x_{t-1} + B u_t, y_t = C · x_t.

    Introduced in notebook 09. A diagonal state matrix, one input and one output channel.

    Args:
        u: input `(time,)`. A, B, C: `(n,)`; A is the diagonal of the state matrix (|A| < 1 forgets).

    Returns:
        y, float64 `(time,)`.
    """
    u, A, B, C = _check_ssm(u, A, B, C)
    x, y = np.zeros_like(A), np.empty_like(u)
    for t in range(u.size):
        x = A * x + B * u[t]  # the same linear recurrence as the minGRU, with a and b fixed in time
        y[t] = C @ x
    return y


@validate(A=_VECTOR, B=_VECTOR, C=_VECTOR, length=Count())
def ssm_kernel(A, B, C, length):
    """The SSM's impulse response K_k = Σ_n C_n A_n^k B_n for k = 0 .. length-1: y = K * u (causal)."""
    _, A, B, C = _check_ssm(np.zeros(1), A, B, C)
    return (C * B) @ (A[:, None] ** np.arange(length))


@validate(u=_VECTOR, A=_VECTOR, B=_VECTOR, C=_VECTOR)
def ssm_convolution(u, A, B, C):
    """The same outputs as `ssm_recurrence`, as a causal convolution with `ssm_kernel`, computed with the FFT.

    Zero-padding to 2T turns the FFT's circular convolution into an ordinary one. O(T log T) work, no loop.
    """
    u, A, B, C = _check_ssm(u, A, B, C)
    T = u.size
    K = ssm_kernel(A, B, C, T)
    return np.fft.irfft(np.fft.rfft(u, 2 * T) * np.fft.rfft(K, 2 * T), 2 * T)[:T]
