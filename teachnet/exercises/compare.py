"""Compare what a student's code returned with the reference: type, dtype, shape, then values.

Nothing here calls a method of the student's object: results arrive as plain
tensors rebuilt from bytes (``_wire``), or as ``Opaque`` when they were not a
tensor at all. A difference is described the way a student can act on it:
where, the input there, expected, got, and the largest error.
"""
import torch

from ._wire import Opaque

# (rtol, atol): loose enough for any sound formula, tight enough that a gradient of 1e-7 moves a float64 parameter
TOLERANCES = {torch.float64: (1e-9, 1e-12), torch.float32: (1e-4, 1e-5)}


def tolerance(dtype):
    return TOLERANCES.get(dtype, (1e-2, 1e-3))


def close(got, expected, equal_nan=False):
    """Elementwise: is ``got`` within tolerance of ``expected`` (a bool tensor)."""
    rtol, atol = tolerance(expected.dtype)
    return torch.isclose(got.to(torch.float64), expected.to(torch.float64), rtol=rtol, atol=atol,
                         equal_nan=equal_nan)


def same(got, expected):
    """True when ``got`` is a tensor of ``expected``'s dtype and shape with the same values, nans alike."""
    if expected is None or got is None:
        return got is None and expected is None
    return (type(got) is torch.Tensor and got.dtype == expected.dtype and got.shape == expected.shape
            and bool(close(got, expected, equal_nan=True).all()))


def difference(got, expected, what, around=None, accept=None, after=""):
    """None when ``got`` matches ``expected``, else a sentence saying how it differs.

    ``around`` is the input tensor whose value at the worst position is quoted
    (elementwise ops); ``accept`` is a bool mask of positions where the value
    already counts as right (for instance a subgradient at a kink).
    """
    if expected is None:
        if got is None:
            return None
        return f"{what}: got a gradient, expected None (this argument is not differentiable)"
    if got is None:
        return f"{what}: got None, expected a tensor of shape {tuple(expected.shape)}"
    if isinstance(got, Opaque) or type(got) is not torch.Tensor:
        return f"{what}: got {describe_type(got)}, expected a torch.Tensor"
    if got.dtype != expected.dtype:
        return f"{what}: got dtype {_dtype(got)}, expected {_dtype(expected)} (the input's dtype)"
    if got.shape != expected.shape:
        return f"{what}: got shape {tuple(got.shape)}, expected {tuple(expected.shape)}"
    ok = close(got, expected)
    if accept is not None:
        ok = ok | accept
    if bool(ok.all()):
        return None
    error = (got.to(torch.float64) - expected.to(torch.float64)).abs()
    error = torch.where(ok, torch.zeros_like(error), error.nan_to_num(nan=float("inf")))
    worst = int(error.view(-1).argmax())
    index = list(torch.unravel_index(torch.tensor(worst), expected.shape)) if expected.dim() else []
    where = "[" + ", ".join(str(int(i)) for i in index) + "]" if index else ""
    at = ""
    if around is not None and around.shape == expected.shape:
        at = f" (input {_number(around.reshape(-1)[worst])})"
    want, have = _numbers(expected.reshape(-1)[worst], got.reshape(-1)[worst])
    bad = int((~ok).sum())
    return (f"{what}{where}{after}{at}: expected {want}, got {have}; "
            f"max error {_number(_max_error(got, expected))} ({bad} of {expected.numel()} values differ)")


def _max_error(got, expected):
    error = (got.to(torch.float64) - expected.to(torch.float64)).abs()
    if bool(error.isnan().any()):
        return float("nan")
    return float(error.max()) if error.numel() else 0.0


def describe_type(value):
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    return f"a {type(value).__name__} ({value!r:.40})"


def _dtype(tensor):
    return str(tensor.dtype).removeprefix("torch.")


def _number(value):
    return f"{float(value):.6g}"


def _numbers(expected, got):
    """Both numbers, with as many digits as it takes to tell them apart."""
    for digits in (6, 10, 17):
        want, have = f"{float(expected):.{digits}g}", f"{float(got):.{digits}g}"
        if want != have:
            break
    return want, have
