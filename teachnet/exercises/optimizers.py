"""The optimizer exercises: SGD with momentum, Adagrad, Adam, each with torch's rule."""
import torch

from .steps import Rule, StepExercise

TINY = 1e-7  # gradients this small show where epsilon sits


class SGDMomentum(StepExercise):
    name, symbol = "sgd_momentum", "sgd_momentum_step"
    optimizer, hyper_names = "SGD", ("lr", "momentum")
    summary = "SGD with momentum, torch's rule: buf = momentum * buf + grad; param -= lr * buf"
    own_ops = {"SGD", "sgd", "_fused_sgd_"}
    buffers = {"momentum_buffer": "the momentum buffer buf = momentum * buf + grad"}
    rule_hint = "torch's rule: buf = grad on the first step, then buf = momentum * buf + grad; param -= lr * buf"

    def settings(self):
        return [
            ("float32 (5,), lr 0.1, momentum 0.9", (5,), torch.float32, 200, 1.0, {"lr": 0.1, "momentum": 0.9}),
            ("float64 (3, 4), lr 0.01, momentum 0.5", (3, 4), torch.float64, 150, 1.0, {"lr": 0.01, "momentum": 0.5}),
            ("float64 (6,), gradients ~1e-7, lr 0.1, momentum 0.99", (6,), torch.float64, 100, TINY,
             {"lr": 0.1, "momentum": 0.99}),
        ]

    def mistakes(self):
        def momentum_rule(dampening=False, nesterov=False, sign=1.0, keep=True):
            def update(p, g, state, lr, momentum):
                buf = state.get("buf") if keep else None
                buf = g.clone() if buf is None else momentum * buf + (1 - momentum if dampening else 1) * g
                state["buf"] = buf
                p.sub_(sign * lr * (g + momentum * buf if nesterov else buf))

            return update

        return [
            Rule("keep the momentum buffer in `state` between calls: buf = momentum * buf + grad; param -= lr * buf "
                 "(yours steps by the current gradient alone)", momentum_rule(keep=False)),
            Rule("torch adds the whole gradient: buf = momentum * buf + grad, with no (1 - momentum) factor",
                 momentum_rule(dampening=True)),
            Rule("that is Nesterov's form (grad + momentum * buf); plain momentum steps by lr * buf",
                 momentum_rule(nesterov=True)),
            Rule("step against the gradient: param -= lr * buf", momentum_rule(sign=-1.0)),
        ]


class Adagrad(StepExercise):
    name, symbol = "adagrad", "adagrad_step"
    optimizer, hyper_names = "Adagrad", ("lr", "eps")
    summary = "Adagrad, torch's rule: sum += grad^2; param -= lr * grad / (sqrt(sum) + eps)"
    own_ops = {"Adagrad", "adagrad", "_fused_adagrad_"}
    buffers = {"sum": "the running sum of squared gradients"}
    rule_hint = "torch's rule: sum += grad^2; param -= lr * grad / (sqrt(sum) + eps), sum starting at 0"

    def settings(self):
        return [
            ("float32 (5,), lr 0.1, eps 1e-10", (5,), torch.float32, 200, 1.0, {"lr": 0.1, "eps": 1e-10}),
            ("float64 (3, 4), lr 0.05, eps 1e-6", (3, 4), torch.float64, 150, 1.0, {"lr": 0.05, "eps": 1e-6}),
            ("float64 (6,), gradients ~1e-7, lr 0.1, eps 1e-10", (6,), torch.float64, 100, TINY,
             {"lr": 0.1, "eps": 1e-10}),
        ]

    def mistakes(self):
        def adagrad_rule(eps_inside=False, accumulate=True, root=True):
            def update(p, g, state, lr, eps):
                total = (state.get("sum", torch.zeros_like(g)) if accumulate else torch.zeros_like(g)) + g * g
                state["sum"] = total
                scale = (total + eps).sqrt() if eps_inside else (total.sqrt() if root else total) + eps
                p.sub_(lr * g / scale)

            return update

        return [
            Rule("torch puts epsilon outside the square root: grad / (sqrt(sum) + eps); inside it (Keras's "
                 "form) changes the step when gradients are tiny", adagrad_rule(eps_inside=True)),
            Rule("accumulate: sum += grad^2 over all steps so far, kept in `state`", adagrad_rule(accumulate=False)),
            Rule("divide by the square root of the sum: grad / (sqrt(sum) + eps)", adagrad_rule(root=False)),
        ]


class Adam(StepExercise):
    name, symbol = "adam", "adam_step"
    optimizer, hyper_names = "Adam", ("lr", "beta1", "beta2", "eps")
    summary = "Adam, torch's rule, with bias correction and epsilon outside the square root"
    own_ops = {"Adam", "adam", "AdamW", "adamw", "_fused_adam_", "_fused_adamw_"}
    buffers = {"exp_avg": "the running mean of gradients m", "exp_avg_sq": "the running mean of squared gradients v"}
    rule_hint = ("torch's rule: t += 1; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; "
                 "m_hat = m / (1 - b1^t); v_hat = v / (1 - b2^t); param -= lr m_hat / (sqrt(v_hat) + eps)")

    def optimizer_kwargs(self, lr, beta1, beta2, eps):
        return {"lr": lr, "betas": (beta1, beta2), "eps": eps}

    def settings(self):
        return [
            ("float32 (5,), lr 0.01", (5,), torch.float32, 200, 1.0,
             {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
            ("float64 (3, 4), lr 0.001, betas (0.8, 0.99), eps 1e-6", (3, 4), torch.float64, 150, 1.0,
             {"lr": 0.001, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
            ("float64 (6,), gradients ~1e-7, lr 0.01, eps 1e-8", (6,), torch.float64, 100, TINY,
             {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        ]

    def mistakes(self):
        def adam_rule(correct_m=True, correct_v=True, eps_inside=False, keras=False, first_t=1):
            def update(p, g, state, lr, beta1, beta2, eps):
                t = state.get("t", first_t - 1) + 1
                m = beta1 * state.get("m", torch.zeros_like(g)) + (1 - beta1) * g
                v = beta2 * state.get("v", torch.zeros_like(g)) + (1 - beta2) * g * g
                state.update(t=t, m=m, v=v)
                if keras:
                    p.sub_(lr * (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t) * m / (v.sqrt() + eps))
                    return
                m_hat = m / (1 - beta1 ** t) if correct_m else m
                v_hat = v / (1 - beta2 ** t) if correct_v else v
                p.sub_(lr * m_hat / ((v_hat + eps).sqrt() if eps_inside else v_hat.sqrt() + eps))

            return update

        return [
            Rule("bias correction is missing: m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t), t = 1 on the "
                 "first step (m and v start at 0, so early on they are far too small)",
                 adam_rule(correct_m=False, correct_v=False)),
            Rule("correct both moments: m_hat = m / (1 - beta1^t) and v_hat = v / (1 - beta2^t)",
                 adam_rule(correct_v=False)),
            Rule("correct both moments: m_hat = m / (1 - beta1^t) and v_hat = v / (1 - beta2^t)",
                 adam_rule(correct_m=False)),
            Rule("torch puts epsilon outside the square root: m_hat / (sqrt(v_hat) + eps); inside it changes the "
                 "step when gradients are tiny", adam_rule(eps_inside=True)),
            Rule("that is Keras's form (epsilon added to sqrt(v) before bias correction); torch adds it to "
                 "sqrt(v_hat): m_hat / (sqrt(v_hat) + eps), which differs when gradients are tiny",
                 adam_rule(keras=True)),
            Rule("t counts from 1 on the first step: 1 - beta^0 = 0 divides by zero", adam_rule(first_t=0)),
        ]


EXERCISES = [SGDMomentum(), Adagrad(), Adam()]
