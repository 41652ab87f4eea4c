"""The Function exercises: what each one asks, its references, its inputs and its classic mistakes."""
import torch
import torch.nn.functional as F

from .functions import FunctionExercise, Mistake

EXTREMES = [-1e4, -100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 100.0, 1e4]
# torch ops (aten names, as the dispatcher sees them) from which one line gives an exercise's answer
LOGISTIC = {"sigmoid", "sigmoid_backward", "tanh", "tanh_backward", "log_sigmoid_forward", "log_sigmoid_backward",
            "silu", "silu_backward", "softplus", "softplus_backward"}
RECTIFIERS = {"relu", "threshold", "threshold_backward", "leaky_relu", "leaky_relu_backward", "rrelu_with_noise",
              "rrelu_with_noise_backward", "hardtanh", "hardtanh_backward", "elu", "elu_backward",
              "_prelu_kernel", "_prelu_kernel_backward"}


def _normal(generator, *shape, dtype=torch.float32, scale=3.0):
    return (torch.randn(shape, generator=generator, dtype=torch.float64) * scale).to(dtype)


def _uniform(generator, *shape, low=0.0, high=1.0, dtype=torch.float32):
    return (low + (high - low) * torch.rand(shape, generator=generator, dtype=torch.float64)).to(dtype)


def _teachnet(module, attribute):
    """teachnet's reference, or None while it is not written (or not importable)."""
    try:
        import importlib

        found = getattr(importlib.import_module(f"teachnet.{module}"), attribute)
    except (ImportError, AttributeError):
        return None
    return found


class Elementwise(FunctionExercise):
    """An activation applied to each element: ordinary values, several shapes, dtypes, extremes."""

    def inputs(self, generator):
        extremes = torch.tensor(EXTREMES, dtype=torch.float64)
        return [
            ("float32 (4, 5), ordinary values", (_normal(generator, 4, 5),), False),
            ("float64 (7,), ordinary values", (_normal(generator, 7, dtype=torch.float64),), False),
            ("float32 (2, 3, 4), non-contiguous", (_normal(generator, 2, 3, 4),), True),
            ("float32, extremes +-1e4 and 0", (extremes.float(),), False),
            ("float64, extremes +-1e4 and 0", (extremes,), False),
        ]

    def gradcheck_inputs(self, generator):
        x = _normal(generator, 3, 4, dtype=torch.float64, scale=1.0)
        return [("float64 (3, 4)", (x + 0.1 * x.sign(),))]  # away from ReLU's kink

    def teachnet_reference(self):
        return _teachnet("activations", self.name)


class Sigmoid(Elementwise):
    name, symbol = "sigmoid", "Sigmoid"
    refused_calls = "torch.sigmoid, Tensor.sigmoid, F.sigmoid, torch.special.expit"
    summary = "the logistic sigmoid 1 / (1 + exp(-x)) and its derivative"
    own_ops = {"sigmoid", "expit", "sigmoid_backward"}
    shortcuts = LOGISTIC
    forward_hint = "sigma(x) = 1 / (1 + exp(-x))"
    backward_hint = "d sigma/dx = sigma(x) (1 - sigma(x)), times grad_output"
    overflow_hint = ("exp of a large number overflows to inf, and inf/inf is nan: use forms that exponentiate "
                     "only non-positive numbers (for x >= 0: 1 / (1 + exp(-x)); for x < 0: exp(x) / (1 + exp(x)); "
                     "torch.where picks), and write the derivative as sigma (1 - sigma)")

    def reference(self, x):
        return torch.sigmoid(x)

    def mistakes(self):
        return [
            Mistake("the derivative is sigma(x)(1 - sigma(x)) of the output sigma(x): save the output in forward, "
                    "not the input x", grads=lambda x, g: [g * x * (1 - x)]),
            Mistake(self.overflow_hint, forward=lambda x: torch.exp(x) / (1 + torch.exp(x))),
            Mistake("exp(-x) / (1 + exp(-x))^2 is right on paper but inf/inf = nan at x = -1e4: "
                    "write it as sigma (1 - sigma)", grads=lambda x, g: [g * torch.exp(-x) / (1 + torch.exp(-x)) ** 2]),
        ]


class Tanh(Elementwise):
    name, symbol = "tanh", "Tanh"
    refused_calls = "torch.tanh, Tensor.tanh, F.tanh"
    summary = "the hyperbolic tangent (e^x - e^-x) / (e^x + e^-x) and its derivative"
    own_ops = {"tanh", "tanh_backward"}
    shortcuts = LOGISTIC
    forward_hint = "tanh(x) = (e^x - e^-x) / (e^x + e^-x) = 2 sigma(2x) - 1"
    backward_hint = "d tanh/dx = 1 - tanh(x)^2, times grad_output"
    overflow_hint = ("(e^x - e^-x) / (e^x + e^-x) is inf/inf = nan at |x| = 1e4: exponentiate only non-positive "
                     "numbers, e.g. sign(x) (1 - exp(-2|x|)) / (1 + exp(-2|x|))")

    def reference(self, x):
        return torch.tanh(x)

    def mistakes(self):
        return [
            Mistake("the derivative is 1 - tanh(x)^2 of the output: save tanh(x) in forward, not the input x",
                    grads=lambda x, g: [g * (1 - x * x)]),
            Mistake(self.overflow_hint,
                    forward=lambda x: (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))),
        ]


class ReLU(Elementwise):
    name, symbol = "relu", "ReLU"
    refused_calls = "torch.relu, Tensor.relu, F.relu"
    summary = "the rectifier max(0, x) and its derivative (any value in [0, 1] at 0)"
    own_ops = {"relu", "threshold", "threshold_backward"}  # torch's relu is a threshold at 0
    shortcuts = RECTIFIERS
    forward_hint = "relu(x) = max(0, x): torch.where or clamp(min=0)"
    backward_hint = "d relu/dx = 1 where x > 0, 0 where x < 0 (at 0 anything in [0, 1]), times grad_output"

    def reference(self, x):
        return torch.relu(x)

    def subgradient(self, args, grad_output):
        x = args[0]
        return x == 0, torch.zeros_like(grad_output), grad_output

    def mistakes(self):
        return [
            Mistake("ReLU's derivative is 0 where x < 0: the gradient does not pass through there",
                    grads=lambda x, g: [g.clone()]),
            Mistake("the derivative is a step (0 or 1), not the output max(0, x)",
                    grads=lambda x, g: [g * x.clamp(min=0)]),
        ]


class LeakyReLU(Elementwise):
    name, symbol = "leaky_relu", "LeakyReLU"
    refused_calls = "F.leaky_relu"
    arg_names = ("x", "negative_slope")
    differentiable = (True, False)
    summary = "max(0, x) + negative_slope * min(0, x); backward returns None for the slope"
    own_ops = {"leaky_relu", "leaky_relu_backward", "rrelu_with_noise", "rrelu_with_noise_backward"}
    shortcuts = RECTIFIERS
    forward_hint = "leaky_relu(x) = x where x > 0, negative_slope * x elsewhere"
    backward_hint = ("d/dx = 1 where x > 0, negative_slope where x < 0 (at 0 anything between), times grad_output; "
                     "return None for negative_slope")

    def inputs(self, generator):
        slopes = [0.01, 0.2, 0.01, 0.1, 0.1]
        return [(f"{label}, slope {slope}", (args[0], slope), noncontiguous)
                for (label, args, noncontiguous), slope in zip(super().inputs(generator), slopes)]

    def gradcheck_inputs(self, generator):
        return [(label + ", slope 0.1", (args[0], 0.1)) for label, args in super().gradcheck_inputs(generator)]

    def reference(self, x, negative_slope):
        return F.leaky_relu(x, negative_slope)

    def subgradient(self, args, grad_output):
        x, slope = args
        return x == 0, grad_output * slope, grad_output

    def mistakes(self):
        return [
            Mistake("for x < 0 the derivative is negative_slope, not 0 (that is ReLU's)",
                    grads=lambda x, s, g: [g * (x > 0)]),
            Mistake("for x < 0 the derivative is negative_slope, not 1", grads=lambda x, s, g: [g.clone()]),
        ]


class Softmax(FunctionExercise):
    name, symbol = "softmax", "Softmax"
    refused_calls = "torch.softmax, Tensor.softmax, F.softmax"
    summary = "softmax over the last axis, exp(x_i) / sum_j exp(x_j), and its Jacobian-vector product"
    own_ops = {"softmax", "_softmax", "_softmax_backward_data", "_safe_softmax"}
    shortcuts = {"log_softmax", "_log_softmax", "_log_softmax_backward_data"}
    forward_hint = "s = exp(x - max) / sum(exp(x - max)) over the last axis (dim=-1, keepdim=True)"
    backward_hint = "dL/dx = s * (g - sum(g * s, dim=-1, keepdim=True)) with g = grad_output"
    overflow_hint = ("subtract each row's max before exp: softmax(x) = softmax(x - max(x)); exp(1e4) overflows "
                     "to inf and inf/inf is nan")

    def reference(self, x):
        return torch.softmax(x, dim=-1)

    def teachnet_reference(self):
        return _teachnet("activations", "softmax")

    def inputs(self, generator):
        extremes = torch.tensor([[1e4, -1e4, 0.0, 1.0], [1e4, 1e4, 1e4, 1e4],
                                 [-1e4, -1e4, -1e4, -1e4], [0.0, 0.0, 0.0, 0.0]], dtype=torch.float64)
        return [
            ("float32 (4, 5), ordinary values", (_normal(generator, 4, 5),), False),
            ("float64 (6,), ordinary values", (_normal(generator, 6, dtype=torch.float64),), False),
            ("float32 (2, 3, 4), non-contiguous", (_normal(generator, 2, 3, 4),), True),
            ("float32, rows with +-1e4", (extremes.float(),), False),
            ("float64, rows with +-1e4", (extremes,), False),
        ]

    def gradcheck_inputs(self, generator):
        return [("float64 (3, 4)", (_normal(generator, 3, 4, dtype=torch.float64, scale=1.0),))]

    def mistakes(self):
        def jvp_summed_everywhere(x, g):
            s = torch.softmax(x, -1)
            return [s * (g - (g * s).sum())]

        return [
            Mistake(self.overflow_hint, forward=lambda x: torch.exp(x) / torch.exp(x).sum(-1, keepdim=True)),
            Mistake("softmax runs over the last axis (dim=-1): each row sums to 1",
                    forward=lambda x: torch.softmax(x, 0)),
            Mistake("every output of a row depends on every input of the row: dL/dx = s * (g - sum(g * s, "
                    "dim=-1, keepdim=True)), not g * s * (1 - s) (only the diagonal of the Jacobian)",
                    grads=lambda x, g: [g * torch.softmax(x, -1) * (1 - torch.softmax(x, -1))]),
            Mistake("sum g * s over the last axis only (dim=-1, keepdim=True), not over the whole tensor",
                    grads=jvp_summed_everywhere),
        ]


class Loss(FunctionExercise):
    """A loss ``(y_true, y_pred) -> batch mean``; y_true requires grad in the checks, and must get None."""

    arg_names = ("y_true", "y_pred")
    differentiable = (False, True)
    asks_grad = (True, True)

    def teachnet_reference(self):
        return _teachnet("losses", self.teachnet_name)


class MeanSquaredError(Loss):
    name, symbol, teachnet_name = "mse", "MeanSquaredError", "mean_squared_error"
    refused_calls = "F.mse_loss"
    summary = "mean((y_pred - y_true)^2) over all elements, a 0-d tensor; None for y_true's gradient"
    own_ops = {"mse_loss", "mse_loss_backward"}
    shortcuts = {"huber_loss", "huber_loss_backward", "smooth_l1_loss", "smooth_l1_loss_backward"}
    forward_hint = "mean over all elements of (y_pred - y_true)^2, returned as a 0-d tensor"
    backward_hint = "dL/dy_pred = 2 (y_pred - y_true) / N * grad_output with N = y_pred.numel(); None for y_true"

    def reference(self, y_true, y_pred):
        return F.mse_loss(y_pred, y_true)

    def inputs(self, generator):
        def pair(*shape, dtype=torch.float32, scale=1.0):
            return tuple(_normal(generator, *shape, dtype=dtype, scale=scale) for _ in range(2))

        extremes = torch.tensor([[1e4, -1e4, 0.0, 3.0], [-1e4, 1e4, 1.0, 0.0]], dtype=torch.float64)
        return [
            ("float32 (8, 1)", pair(8, 1), False),
            ("float64 (16, 3)", pair(16, 3, dtype=torch.float64), False),
            ("float32 (5,)", pair(5), False),
            ("float32 (4, 6), non-contiguous", pair(4, 6), True),
            ("float64, y_pred +-1e4", (torch.zeros_like(extremes), extremes), False),
        ]

    def gradcheck_inputs(self, generator):
        return [("float64 (4, 3)", (_normal(generator, 4, 3, dtype=torch.float64),
                                    _normal(generator, 4, 3, dtype=torch.float64)))]

    def mistakes(self):
        n = lambda p: p.numel()  # noqa: E731
        rows = lambda p: p.shape[0] if p.dim() else 1  # noqa: E731
        return [
            Mistake("the loss is the batch mean, not the sum: divide by the number of elements",
                    forward=lambda t, p: ((p - t) ** 2).sum()),
            Mistake("d/dp (p - t)^2 = 2 (p - t): the factor 2 is missing",
                    grads=lambda t, p, g: [None, g * (p - t) / n(p)]),
            Mistake("the loss is a mean: divide the gradient by the number of elements N = y_pred.numel()",
                    grads=lambda t, p, g: [None, g * 2 * (p - t)]),
            Mistake("divide by the number of elements (y_pred.numel()), not by the number of rows",
                    grads=lambda t, p, g: [None, g * 2 * (p - t) / rows(p)]),
            Mistake("check the sign: dL/dy_pred = 2 (y_pred - y_true) / N",
                    grads=lambda t, p, g: [None, -g * 2 * (p - t) / n(p)]),
        ]


class BinaryCrossentropy(Loss):
    name, symbol, teachnet_name = "binary_crossentropy", "BinaryCrossentropy", "binary_crossentropy"
    refused_calls = "F.binary_cross_entropy"
    summary = "-mean(y log p + (1 - y) log(1 - p)) with p clipped to [1e-7, 1 - 1e-7]; None for y_true"
    own_ops = {"binary_cross_entropy", "binary_cross_entropy_backward", "binary_cross_entropy_with_logits",
               "logsigmoid", "log_sigmoid_forward", "log_sigmoid_backward"}
    forward_hint = ("p = y_pred clipped to [eps, 1 - eps] (eps = 1e-7 in y_pred's dtype); "
                    "loss = -mean(y log p + (1 - y) log(1 - p))")
    backward_hint = ("dL/dy_pred = -(y / p - (1 - y) / (1 - p)) / N * grad_output where y_pred lies inside "
                     "[eps, 1 - eps], 0 outside (the clip's gradient); None for y_true")
    overflow_hint = ("clip y_pred to [eps, 1 - eps] with eps = 1e-7 (in y_pred's dtype) before the logs: "
                     "log(0) is -inf, and 0 * -inf is nan")

    @staticmethod
    def clipped(p):
        eps = torch.tensor(1e-7, dtype=p.dtype)
        return p.clamp(eps, 1 - eps)

    def reference(self, y_true, y_pred):
        return F.binary_cross_entropy(self.clipped(y_pred), y_true)

    def inputs(self, generator):
        def labels(*shape, dtype=torch.float32):
            return (torch.rand(shape, generator=generator, dtype=torch.float64) < 0.5).to(dtype)

        y_extreme = torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0], dtype=torch.float64)
        p_extreme = torch.tensor([0.0, 0.0, 1.0, 1.0, 1e-9, 1 - 1e-9, 0.5, 0.25], dtype=torch.float64)
        return [
            ("float32 (8, 1)", (labels(8, 1), _uniform(generator, 8, 1, low=0.01, high=0.99)), False),
            ("float64 (16, 3), soft labels",
             (_uniform(generator, 16, 3, dtype=torch.float64),
              _uniform(generator, 16, 3, low=0.01, high=0.99, dtype=torch.float64)), False),
            ("float32 (4, 6), non-contiguous", (labels(4, 6), _uniform(generator, 4, 6, low=0.01, high=0.99)), True),
            ("float32, probabilities exactly 0 and 1", (y_extreme.float(), p_extreme.float()), False),
            ("float64, probabilities exactly 0 and 1", (y_extreme, p_extreme), False),
        ]

    def gradcheck_inputs(self, generator):
        return [("float64 (4, 3)", (_uniform(generator, 4, 3, dtype=torch.float64),
                                    _uniform(generator, 4, 3, low=0.05, high=0.95, dtype=torch.float64)))]

    def mistakes(self):
        def unclipped(t, p):
            return -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()

        def clipped_everywhere(t, p, g):
            q = self.clipped(p)
            return [None, -g * (t / q - (1 - t) / (1 - q)) / p.numel()]

        return [
            Mistake(self.overflow_hint, forward=unclipped),
            Mistake(self.overflow_hint, grads=lambda t, p, g: [None, -g * (t / p - (1 - t) / (1 - p)) / p.numel()]),
            Mistake("the gradient is that of the clipped loss: 0 where y_pred lies outside [eps, 1 - eps] "
                    "(nothing changes the clipped value there)", grads=clipped_everywhere),
            Mistake("the loss is a mean: divide the gradient by the number of elements N = y_pred.numel()",
                    grads=lambda t, p, g: [None, clipped_everywhere(t, p, g)[1] * p.numel() * (p == self.clipped(p))]),
            Mistake("check the sign: dL/dp = -(y / p - (1 - y) / (1 - p)) / N",
                    grads=lambda t, p, g: [None, -clipped_everywhere(t, p, g)[1] * (p == self.clipped(p))]),
        ]


class Dense(FunctionExercise):
    name, symbol = "dense", "DenseFunction"
    refused_calls = "F.linear, torch.addmm"
    arg_names = ("x", "weight", "bias")
    differentiable = (True, True, True)
    summary = "the affine map x @ weight + bias, weight (in, out), and the gradients of all three"
    own_ops = {"linear", "addmm"}
    shortcuts = {"addmv", "addbmm", "baddbmm", "_addmm_activation"}
    forward_hint = "y = x @ weight + bias, weight of shape (in, out); bias may be None (then y = x @ weight)"
    backward_hint = ("dL/dx = g @ weight.T, dL/dweight = x.T @ g, dL/dbias = g.sum(0) with g = grad_output "
                     "(None for a bias that is None)")

    def reference(self, x, weight, bias):
        return F.linear(x, weight.T, bias)

    def teachnet_reference(self):
        function = _teachnet("layers", "DenseFunction")
        return None if function is None else function.apply

    def inputs(self, generator):
        def triple(batch, n_in, n_out, dtype=torch.float32, bias=True, scale=1.0):
            return (_normal(generator, batch, n_in, dtype=dtype, scale=scale),
                    _normal(generator, n_in, n_out, dtype=dtype),
                    _normal(generator, n_out, dtype=dtype) if bias else None)

        return [
            ("float32, x (4, 3), weight (3, 2)", triple(4, 3, 2), False),
            ("float64, x (5, 4), weight (4, 4)", triple(5, 4, 4, dtype=torch.float64), False),
            ("float32, x (3, 2), weight (2, 5), bias None", triple(3, 2, 5, bias=False), False),
            ("float32, x (6, 3), weight (3, 3), non-contiguous", triple(6, 3, 3), True),
            ("float64, x with entries up to 1e4", triple(4, 3, 3, dtype=torch.float64, scale=1e4), False),
        ]

    def gradcheck_inputs(self, generator):
        return [("float64, x (3, 4), weight (4, 2)", tuple(
            _normal(generator, *shape, dtype=torch.float64, scale=1.0) for shape in ((3, 4), (4, 2), (2,))))]

    def mistakes(self):
        def grads(x, w, b, g, dx=None, dw=None, db=None):
            return [g @ w.T if dx is None else dx, x.T @ g if dw is None else dw,
                    (g.sum(0) if db is None else db) if b is not None else None]

        transposed = ("dL/dweight = x.T @ grad_output, of shape (in, out) like the weight: "
                      "yours is its transpose (grad_output.T @ x)")
        return [
            Mistake(transposed, grads=lambda x, w, b, g: grads(x, w, b, g, dw=g.T @ x)),
            Mistake("dL/dx = grad_output @ weight.T (shape of x)",
                    grads=lambda x, w, b, g: grads(x, w, b, g, dx=g @ w)),
            Mistake("dL/dbias sums grad_output over the batch (every row added the bias): grad_output.sum(0)",
                    grads=lambda x, w, b, g: grads(x, w, b, g, db=g.mean(0))),
            Mistake("weight has shape (in, out) as in Keras: y = x @ weight, not x @ weight.T",
                    forward=lambda x, w, b: x @ w.T + (0 if b is None else b)),
        ]

    def shape_hint(self, message):
        if "at index 2" in message:
            return "dL/dbias sums grad_output over the batch: grad_output.sum(0), shape (out,)"
        if "at index 1" in message:
            return "dL/dweight = x.T @ grad_output, of shape (in, out) like the weight (a transposed weight gradient?)"
        return "dL/dx = grad_output @ weight.T, of shape (batch, in) like x"


EXERCISES = [Sigmoid(), Tanh(), ReLU(), LeakyReLU(), Softmax(), MeanSquaredError(), BinaryCrossentropy(), Dense()]
