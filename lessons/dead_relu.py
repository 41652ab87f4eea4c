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
# # Dead ReLUs
#
# The course text: "Sometimes the model suffers from dead neuron problem which
# means a weight update can never be activated on some data points. In that
# leaky Relu function can be used to solve the problems of dying neurons."
#
# A ReLU unit outputs `max(0, w.x + b)`. If `w.x + b <= 0` for every input the
# network will ever see, the unit outputs 0 everywhere, its gradient is 0
# everywhere, and no update can bring it back: it is dead. We count dead units
# with the probe `tn.probes.DeadUnits(x)`, which records, after each epoch,
# the fraction of each ReLU layer's units that output 0 for every row of `x`.
#
# What we will see, on the same two-moons problem and the same starting weights:
# 1. some units are dead before training starts;
# 2. with a large learning rate most ReLU units die and accuracy stalls;
# 3. leaky ReLU, trained the same way, has no dead units;
# 4. He initialisation with a moderate learning rate keeps most units alive.

# %%
import functools

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import make_moons

import teachnet as tn
from teachnet.layers import Dense
from teachnet.lessonkit import Lesson
from teachnet.models import Sequential

lesson = Lesson("dead_relu")
EPOCHS = lesson.pick(full=30, quick=6)
LARGE_LR, MODERATE_LR = 6.0, 0.5
WIDTH = 64

x, y = make_moons(n_samples=512, noise=0.2, random_state=lesson.seed)
x = (x - x.mean(axis=0)) / x.std(axis=0)  # standardised: both features centred on 0

# %% [markdown]
# ## The network and its loss
#
# Two hidden layers of 64 units and one output unit. The output is a logit
# (no activation) and the loss is binary cross-entropy computed from logits:
# a saturated sigmoid output would also stop learning, and we want to see
# only what the hidden units do. A prediction is class 1 when the logit is
# above 0.

# %%
def bce_from_logits(y_true, logits):
    return tn.losses.binary_crossentropy(y_true, logits, from_logits=True)


def accuracy(y_true, logits):
    return tn.metrics.binary_accuracy(y_true, logits, threshold=0.0)


def train(activation, initializer, lr, callbacks=()):
    """Train the network; return its history with the dead fractions before training as epoch 0."""
    torch.manual_seed(lesson.seed)  # every run starts from the same random draws
    model = Sequential([
        Dense(WIDTH, activation, input_shape=(2,), kernel_initializer=initializer),
        Dense(WIDTH, activation, kernel_initializer=initializer),
        Dense(1),
    ])
    model.compile(loss=bce_from_logits, optimizer=functools.partial(tn.optim.SGD, lr=lr), metrics=[accuracy])
    probe = tn.probes.DeadUnits(x)
    # A probe is a callback: called by hand, it measures the untrained network.
    probe.set_model(model)
    at_start = {}
    probe.on_epoch_end(-1, at_start)
    history = model.fit(x, y, epochs=EPOCHS, batch_size=32, verbose=0, callbacks=[probe, *callbacks], seed=lesson.seed)
    series = {key: [at_start[key]] + values for key, values in history.history.items() if key in at_start}
    series["accuracy"] = history.history["accuracy"]
    return series


def dead_fraction(series, epoch=-1):
    """The fraction of all hidden units that are dead at ``epoch`` (the layers are equally wide)."""
    return float(np.mean([values[epoch] for key, values in series.items() if key.startswith("dead_units/")]))


runs = {
    f"ReLU, Glorot, lr {LARGE_LR:g}": train("relu", "glorot_uniform", LARGE_LR),
    f"leaky ReLU, Glorot, lr {LARGE_LR:g}": train("leaky_relu", "glorot_uniform", LARGE_LR),
    f"ReLU, He, lr {MODERATE_LR:g}": train("relu", "he_uniform", MODERATE_LR),
    f"ReLU, Glorot, lr {MODERATE_LR:g}": train("relu", "glorot_uniform", MODERATE_LR),
}
relu_large, leaky_large, he_moderate, glorot_moderate = runs.values()

# %% [markdown]
# He initialisation at the large learning rate: its weights are larger than
# Glorot's, and so are its first steps. `fit` stops with a `FloatingPointError`
# when the loss becomes NaN or infinite; a callback notes which epoch was running.

# %%
class EpochCounter(tn.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1  # counted from 1, as fit's messages count


counter = EpochCounter()
try:
    train("relu", "he_uniform", LARGE_LR, callbacks=[counter])
    he_large_lr_diverges, he_large_lr_diverged_epoch = False, -1
except FloatingPointError as error:
    print("He init, lr 6:", error)
    he_large_lr_diverges, he_large_lr_diverged_epoch = True, counter.epoch

# %% [markdown]
# ## Dead before the first step
#
# Keras's default start is Glorot-uniform weights and zero biases. In the first
# hidden layer a unit computes `w.x` on centred inputs, which is positive for
# about half of them: it cannot be dead. The second layer's inputs are ReLU
# outputs, all `>= 0`; a unit whose weights on the active inputs happen to be
# mostly negative gets `w.h <= 0` for every row.

# %%
for key, values in relu_large.items():
    if key.startswith("dead_units/"):
        print(f"{key}: {values[0]:.3f} dead before training")

# %% [markdown]
# ## Training

# %%
fig, (ax_dead, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
for label, series in runs.items():
    epochs = np.arange(EPOCHS + 1)
    ax_dead.plot(epochs, [dead_fraction(series, e) for e in epochs], marker=".", label=label)
    ax_acc.plot(np.arange(1, EPOCHS + 1), series["accuracy"], marker=".", label=label)
ax_dead.set(xlabel="epoch (0 = before training)", ylabel="fraction of hidden units dead",
            title="Dead units (output 0 on every sample)", ylim=(-0.03, 1.03))
ax_acc.set(xlabel="epoch", ylabel="training accuracy (fraction)", title="Accuracy on two moons",
           ylim=(0.3, 1.03))
ax_acc.axhline(0.5, color="grey", linestyle=":", linewidth=1)
ax_acc.annotate("chance", (EPOCHS, 0.5), xytext=(0, 4), textcoords="offset points", ha="right", color="grey")
fig.suptitle("Dying ReLU: SGD, 2 hidden layers of 64 units, same starting draws")
fig.legend(*ax_dead.get_legend_handles_labels(), loc="lower center", ncol=4, fontsize=9, frameon=False)
fig.subplots_adjust(top=0.85, bottom=0.25, wspace=0.25)  # set by hand: tight_layout is slow
lesson.save_figure(fig, "dead_relu.png")

# %%
lesson.record(
    relu_dead_fraction_at_start=dead_fraction(relu_large, 0),
    relu_first_layer_dead_at_start=relu_large["dead_units/dense"][0],
    relu_second_layer_dead_at_start=relu_large["dead_units/dense_1"][0],
    he_dead_fraction_at_start=dead_fraction(he_moderate, 0),
    relu_dead_fraction_large_lr_epoch_1=dead_fraction(relu_large, 1),
    relu_dead_fraction_large_lr_epoch_5=dead_fraction(relu_large, 5),
    relu_dead_fraction_large_lr=dead_fraction(relu_large),
    leaky_dead_fraction_large_lr=dead_fraction(leaky_large),
    he_dead_fraction_moderate_lr=dead_fraction(he_moderate),
    glorot_dead_fraction_moderate_lr=dead_fraction(glorot_moderate),
    relu_accuracy_large_lr=relu_large["accuracy"][-1],
    leaky_accuracy_large_lr=leaky_large["accuracy"][-1],
    he_accuracy_moderate_lr=he_moderate["accuracy"][-1],
    glorot_accuracy_moderate_lr=glorot_moderate["accuracy"][-1],
    he_large_lr_diverges=he_large_lr_diverges,
    he_large_lr_diverged_epoch=he_large_lr_diverged_epoch,
)
print(lesson.findings)

# %% [markdown]
# ## What the numbers say
#
# (The numbers quoted are the full run's, 30 epochs; the quick run stops after 6.
# Each is in `findings.json` under `dead_relu`.)
#
# - **Dead from the start.** With Glorot-uniform weights and zero biases no unit
#   of the first hidden layer is dead, but 8 of the 64 units of the second
#   (12.5%, `relu_second_layer_dead_at_start`) output 0 on all 512 samples
#   before the first update, so they never learn. He initialisation does not
#   change that: its draws here are Glorot's times a constant, with the same
#   signs, so the same units are dead, and the He run starts with 6.25% of all
#   hidden units dead (`he_dead_fraction_at_start`), as the Glorot runs do
#   (`relu_dead_fraction_at_start`).
# - **A large learning rate kills most units.** With SGD at lr 6 about half the
#   units (48%, `relu_dead_fraction_large_lr_epoch_1`) are dead after one epoch
#   and 88% after five (`relu_dead_fraction_large_lr_epoch_5`), where it stays
#   to the end (`relu_dead_fraction_large_lr`); accuracy falls to chance (0.5) and stays
#   there. A dead unit's gradient is 0, so no later update can revive it: in the
#   first layer, whose input never changes, a dead unit stays dead for good (the
#   dip at epoch 4 is second-layer units brought back by changes below them).
#   This is the course's "a weight update can never be activated on some data
#   points".
# - **Leaky ReLU keeps every unit alive** (`leaky_dead_fraction_large_lr` = 0 at
#   every epoch), from the same weights at the same learning rate. Its output is
#   `0.01 * (w.x + b)` below 0, which is 0 only where the pre-activation is
#   exactly 0, and its slope there is 0.01, not 0, so gradient still flows.
#   Training is noisy, because lr 6 is still too large, but it keeps learning:
#   0.83 training accuracy after 30 epochs (`leaky_accuracy_large_lr`), where
#   ReLU's is 0.49. The course is right that leaky ReLU cures dying units.
# - **He initialisation with a moderate learning rate (0.5) keeps most units
#   alive**: 3% dead after 30 epochs, 0.97 accuracy. Glorot at the same lr does
#   as well (2% dead, 0.96): on a network this shallow the learning rate, not
#   the initialiser, decides whether units die. He initialisation earns its
#   keep in deep networks (see the lesson `vanishing_gradients`), and at lr 6
#   its larger weights make the loss overflow: `fit` stops with a
#   `FloatingPointError` in epoch 2 (`he_large_lr_diverges`,
#   `he_large_lr_diverged_epoch`).
