# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Adagrad's learning rate only shrinks
#
# The course text: *"Adagrad: Here in this Adagrad function, there is no need to
# manually tune the learning rate. But the main disadvantage is that the learning
# rate keeps on decreasing. So when the learning rate is shrinking too much for
# every iteration the model does not acquire additional knowledge after that.
# This decreasing learning rate is solved in Adadelta."*
#
# Adagrad divides each weight's step by the root of the sum of all its squared
# gradients so far:
#
#     G <- G + g^2,        w <- w - lr / (sqrt(G) + eps) * g
#
# `G` only grows, so the factor on the gradient, the *effective learning rate*
# `lr / (sqrt(G) + eps)`, only shrinks. RMSprop and Adadelta replace the sum by
# a running average of recent `g^2`, which forgets old gradients. What we will
# measure, on the same small network and the same batches:
#
# 1. the effective learning rate of every weight after every step, checked
#    against `lr / sqrt(sum of g^2)` computed from the gradients ourselves;
# 2. the training loss: how much each optimizer still gains in the second half
#    of training;
# 3. Adadelta at the learning rate of its paper (1.0, torch's default) and at
#    Keras's default (0.001);
# 4. whether Adagrad really needs "no tuning": the same run at four learning rates.

# %%
import functools

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_diabetes

import teachnet as tn
from teachnet.layers import Dense
from teachnet.lessonkit import Lesson

lesson = Lesson("adagrad_decay")
EPOCHS = lesson.pick(full=100, quick=10)
BATCH_SIZE = 32

# 442 diabetes patients, 10 measurements each (standardised here), and a
# disease-progression score one year later: the target, in its own units (25 to 346).
x, y = load_diabetes(return_X_y=True)
x = ((x - x.mean(0)) / x.std(0)).astype(np.float32)
y = y.astype(np.float32)
STEPS = EPOCHS * -(-len(x) // BATCH_SIZE)  # fit takes ceil(n / batch) steps per epoch
LATE = 100  # past the first hundred steps, RMSprop's running average has filled up
print(f"{len(x)} patients, target {y.min():.0f} to {y.max():.0f}; {EPOCHS} epochs of batch {BATCH_SIZE}: {STEPS} steps")


# %% [markdown]
# ## Looking at every step
#
# `fit` calls a callback after every batch; at that moment the weights'
# `.grad` still hold the batch's gradient and `model.optimizer` has just
# stepped. The probe below keeps its own sum of squared gradients `G`, and at
# about sixty steps spread evenly on a log scale it records the training loss
# and the median effective learning rate over all weights (the median, because
# a weight that never gets a gradient, such as one fed by an always-blank
# pixel, keeps Adagrad's rate at `lr / eps = 1e8`). For Adagrad it also
# compares the optimizer's `effective_learning_rates()` with
# `lr / (sqrt(G) + eps)` from its own `G`.

# %%
class StepProbe(tn.callbacks.Callback):
    """After each step: sum of g^2 every step; loss and effective lr at log-spaced steps."""

    def __init__(self, x, y, steps, check_adagrad=False):
        super().__init__()
        self.x, self.y, self.check_adagrad = x, y, check_adagrad
        self.when = set(np.unique(np.geomspace(1, steps, 60).round().astype(int))) | {LATE, steps // 2, steps}
        self.steps, self.loss, self.effective_lr = [0], [], []
        self.formula_error = 0.0

    def on_train_begin(self, logs=None):
        self.step = 0
        self.params = list(self.model.parameters())
        self.sum_g2 = [torch.zeros_like(p) for p in self.params]
        self.loss.append(self.model.evaluate(self.x, self.y)["loss"])
        self.effective_lr.append(self.median_effective_lr())

    def median_effective_lr(self):
        rates = self.model.optimizer.effective_learning_rates()
        return torch.cat([r.flatten() for r in rates]).median().item()

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        for total, p in zip(self.sum_g2, self.params):
            total.addcmul_(p.grad, p.grad)
        if self.step not in self.when:
            return
        self.steps.append(self.step)
        self.loss.append(self.model.evaluate(self.x, self.y)["loss"])
        self.effective_lr.append(self.median_effective_lr())
        if self.check_adagrad:
            group = self.model.optimizer.param_groups[0]
            for rate, total in zip(self.model.optimizer.effective_learning_rates(), self.sum_g2):
                expected = group["lr"] / (total.sqrt() + group["eps"])
                error = ((rate - expected).abs() / expected).max().item()
                self.formula_error = max(self.formula_error, error)


def train(optimizer, check_adagrad=False):
    """Train a fresh, identically initialised network with ``optimizer`` (params -> optimizer)."""
    # No input_shape: fit(seed=0) then builds the weights, the same ones for every optimizer.
    model = tn.Sequential([Dense(16, activation="relu"), Dense(1)])
    model.compile(loss="mse", optimizer=optimizer)
    probe = StepProbe(x, y, STEPS, check_adagrad)
    model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0, seed=0, callbacks=[probe])
    return probe


# %% [markdown]
# ## Four optimizers, each at its default learning rate
#
# torch's defaults (what `compile(optimizer="adagrad")` etc. give): Adagrad
# lr 0.01, RMSprop lr 0.01, Adadelta lr 1.0. Then Adadelta with Keras's
# defaults (lr 0.001, rho 0.95, eps 1e-7): `convention="keras"`.

# %%
runs = {
    "Adagrad (lr 0.01)": train(tn.optim.Adagrad, check_adagrad=True),
    "RMSprop (lr 0.01)": train(tn.optim.RMSprop),
    "Adadelta (lr 1.0, torch)": train(tn.optim.Adadelta),
    "Adadelta (lr 0.001, Keras)": train(functools.partial(tn.optim.Adadelta, convention="keras")),
}
adagrad, rmsprop, adadelta, adadelta_keras = runs.values()


# %%
def last_half_gain(run):
    """Orders of magnitude the training loss fell in the second half: log10(loss at T/2 / loss at T)."""
    middle = run.loss[run.steps.index(STEPS // 2)]
    return float(np.log10(middle / run.loss[-1]))


def decay_slope(run):
    """Slope of log(effective lr) against log(step) over the second half (Adagrad with steady g^2: -1/2)."""
    steps, rates = np.array(run.steps), np.array(run.effective_lr)
    late = steps >= STEPS // 2
    return float(np.polyfit(np.log(steps[late]), np.log(rates[late]), 1)[0])


def rate_range(run, from_step=1):
    """Largest over smallest median effective lr from ``from_step`` to the end: how far the rate moves."""
    rates = [rate for step, rate in zip(run.steps, run.effective_lr) if step >= from_step]
    return max(rates) / min(rates)


for name, run in runs.items():
    print(
        f"{name:28s} effective lr {run.effective_lr[1]:.3g} -> {run.effective_lr[-1]:.3g}   "
        f"loss {run.loss[0]:.3f} -> {run.loss[-1]:.4f}   gain in the last half {last_half_gain(run):.3f} decades"
    )
print(f"Adagrad: largest relative gap to lr / (sqrt(sum g^2) + eps): {adagrad.formula_error:.2g}")

# %%
fig, (ax_lr, ax_loss) = plt.subplots(1, 2, figsize=(12, 4.5))
for (name, run), color in zip(runs.items(), ["C3", "C0", "C2", "C7"]):
    ax_lr.plot(run.steps[1:], run.effective_lr[1:], color=color, label=name)
    ax_loss.plot(run.steps[1:], run.loss[1:], color=color, label=name)
reference = np.array(adagrad.steps[1:], dtype=float)
ax_lr.plot(
    reference, adagrad.effective_lr[1] / np.sqrt(reference), "k:", label=r"$\propto 1/\sqrt{\mathrm{step}}$"
)
ax_lr.set(
    xscale="log", yscale="log", xlabel="training step (batches of 32)",
    ylabel="median effective learning rate (factor on g)", title="Effective learning rate per step",
)
ax_loss.set(
    xscale="log", yscale="log", xlabel="training step (batches of 32)",
    ylabel="training loss (MSE, score units²)", title="Training loss on all 442 patients",
)
ax_lr.legend(fontsize=8)
ax_loss.legend(fontsize=8)
fig.suptitle("Adagrad's rate shrinks like 1/sqrt(sum g^2); RMSprop's and Adadelta's do not")
fig.tight_layout()
lesson.save_figure(fig, "adagrad_decay.png")

# %% [markdown]
# ## "No need to manually tune the learning rate"?
#
# The same Adagrad run at four learning rates. If Adagrad found the step size
# on its own, they would end at about the same loss.

# %%
LEARNING_RATES = [0.01, 0.1, 1.0, 10.0]
sweep = {
    lr: adagrad if lr == 0.01 else train(functools.partial(tn.optim.Adagrad, lr=lr)) for lr in LEARNING_RATES
}
final_losses = {lr: run.loss[-1] for lr, run in sweep.items()}
for lr, loss in final_losses.items():
    print(f"Adagrad lr {lr:<6g} final training loss {loss:.4f}")

fig, ax = plt.subplots(figsize=(7, 4.5))
for (lr, run), color in zip(sweep.items(), plt.cm.viridis(np.linspace(0, 0.9, len(sweep)))):
    ax.plot(run.steps[1:], run.loss[1:], color=color, label=f"Adagrad lr {lr:g}")
ax.set(
    xscale="log", yscale="log", xlabel="training step (batches of 32)",
    ylabel="training loss (MSE, score units²)", title="Adagrad still needs its learning rate tuned",
)
ax.legend()
fig.tight_layout()
lesson.save_figure(fig, "adagrad_lr_tuning.png")

# %%
best_lr = min(final_losses, key=final_losses.get)
lesson.record(
    adagrad_lr_first_over_last=adagrad.effective_lr[1] / adagrad.effective_lr[-1],
    adagrad_lr_decay_slope=decay_slope(adagrad),
    rmsprop_lr_decay_slope=decay_slope(rmsprop),
    adadelta_lr_decay_slope=decay_slope(adadelta),
    adagrad_lr_formula_max_rel_error=adagrad.formula_error,
    rmsprop_lr_first_over_last=rmsprop.effective_lr[1] / rmsprop.effective_lr[-1],
    adadelta_lr_first_over_last=adadelta.effective_lr[1] / adadelta.effective_lr[-1],
    adagrad_lr_max_over_min=rate_range(adagrad),
    adadelta_lr_max_over_min=rate_range(adadelta),
    adagrad_lr_max_over_min_after_step_100=rate_range(adagrad, LATE),
    rmsprop_lr_max_over_min_after_step_100=rate_range(rmsprop, LATE),
    adagrad_last_half_gain_decades=last_half_gain(adagrad),
    rmsprop_last_half_gain_decades=last_half_gain(rmsprop),
    adadelta_last_half_gain_decades=last_half_gain(adadelta),
    adadelta_keras_last_half_gain_decades=last_half_gain(adadelta_keras),
    adagrad_loss_left_fraction=adagrad.loss[-1] / adagrad.loss[0],
    rmsprop_loss_left_fraction=rmsprop.loss[-1] / rmsprop.loss[0],
    adadelta_loss_left_fraction=adadelta.loss[-1] / adadelta.loss[0],
    adadelta_keras_loss_left_fraction=adadelta_keras.loss[-1] / adadelta_keras.loss[0],
    adagrad_best_lr=best_lr,
    adagrad_worst_lr=max(final_losses, key=final_losses.get),
    adagrad_final_loss_worst_over_best=max(final_losses.values()) / final_losses[best_lr],
)
print(lesson.findings)

# %% [markdown]
# ## What the numbers say
#
# (The numbers quoted are the full run's, 100 epochs of 14 steps: 1400 steps;
# the quick run stops after 140. Each is in `findings.json` under `adagrad_decay`.)
#
# - **The rate follows the formula.** At every recorded step Adagrad's
#   `effective_learning_rates()` equals `lr / (sqrt(sum of g^2) + eps)` from the
#   gradients we summed ourselves (`adagrad_lr_formula_max_rel_error`, 0 here).
#   Its median falls by a factor of 93 from the first step to the last
#   (`adagrad_lr_first_over_last`), and it keeps falling: 7.7-fold after step 100
#   alone (`adagrad_lr_max_over_min_after_step_100`), and on the log-log plot its
#   slope in the second half is -0.85 (`adagrad_lr_decay_slope`; steady gradients
#   would give exactly -1/2, the dotted line; here the gradients grow as the
#   network's weights do, so it is steeper).
#   RMSprop's rate falls 22-fold (`rmsprop_lr_first_over_last`) while its running
#   average `v` fills up from 0, and then levels off: after step 100 it moves by
#   a factor of 1.18 at most (`rmsprop_lr_max_over_min_after_step_100`; slope
#   +0.05). Adadelta's goes down and up, but stays within a factor of 2.4 over
#   the whole run (`adadelta_lr_max_over_min`), where Adagrad's spans 93; it ends
#   1.95 times below its first step's (`adadelta_lr_first_over_last`), with a
#   second-half slope of -0.12 (`adadelta_lr_decay_slope`; the quick run's 140
#   steps end while it is rising). Both forget old gradients; Adagrad never does.
# - **So Adagrad falls behind.** With torch's default lr of 0.01 it still has
#   most of its initial loss left at the end (69 % after 1400 steps,
#   `adagrad_loss_left_fraction`), when RMSprop and Adadelta have removed 91 % of
#   it (`rmsprop_loss_left_fraction` 0.088, `adadelta_loss_left_fraction` 0.093).
#   The course says the model "does not acquire additional knowledge": not quite.
#   Adagrad does not stop; it crawls. In the full run it still gains more in its
#   last half (0.081 decades of loss, `adagrad_last_half_gain_decades`) than
#   RMSprop (0.019) or Adadelta (0.014), because they have already arrived and it
#   has not.
# - **Adadelta fixes the decay, but the learning rate matters there too.** At
#   its paper's lr of 1.0 (torch's default) it ends level with RMSprop. At
#   Keras's default lr of 0.001, a thousand times smaller, the loss moves by less
#   than a tenth of a percent in the whole run (`adadelta_keras_loss_left_fraction`
#   0.9996).
# - **"No need to manually tune the learning rate" is wrong.** Of the four
#   learning rates, lr 0.01 (torch's default, `adagrad_worst_lr`) ends worst and
#   lr 1.0 best (`adagrad_best_lr`), 8.6 times lower
#   (`adagrad_final_loss_worst_over_best`). Adagrad adapts the *relative* step of
#   each weight; the overall scale is still `lr`, and it must match how far the
#   weights have to travel, which here (a target in units of tens to hundreds)
#   is far.
