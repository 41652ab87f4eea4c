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
# # Which optimizer gets there first?
#
# The course text: *"Adam (Adaptive Moment Estimation): Convergence rates are
# high when compared to other adaptive models. [...] Adam's model is very
# efficient and high speed."*
#
# What we will see: one small network on the handwritten-digits dataset,
# trained from the same initial weights on the same shuffled batches by SGD,
# SGD with momentum, Adagrad, Adadelta, RMSprop and Adam, and the number of
# steps each needs to bring the training loss under a target.
#
# A race between optimizers depends on the learning rates they get. Here every
# one gets **lr = 0.01**, except Adadelta, whose `lr` multiplies a step that
# already has the right units (its paper uses 1.0, torch's default). Two
# extra runs show what the defaults do: Adam at its default lr of 0.001, and
# Adadelta at Keras's default lr of 0.001.

# %%
import functools

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

import teachnet as tn
from teachnet.layers import Dense
from teachnet.lessonkit import Lesson

lesson = Lesson("adam_convergence")
SAMPLES = lesson.pick(full=1797, quick=400)
EPOCHS = lesson.pick(full=20, quick=10)
BATCH_SIZE = 32
TARGET = 0.2  # training loss (cross-entropy, nats) that counts as "arrived"

x, y = load_digits(return_X_y=True)
x, y = (x[:SAMPLES] / 16.0).astype(np.float32), y[:SAMPLES]
STEPS_PER_EPOCH = -(-len(x) // BATCH_SIZE)

optimizers = {
    "SGD": functools.partial(tn.optim.SGD, lr=0.01),
    "SGD + momentum 0.9": functools.partial(tn.optim.SGD, lr=0.01, momentum=0.9),
    "Adagrad": functools.partial(tn.optim.Adagrad, lr=0.01),
    "Adadelta (lr 1.0)": functools.partial(tn.optim.Adadelta, lr=1.0),
    "RMSprop": functools.partial(tn.optim.RMSprop, lr=0.01),
    "Adam": functools.partial(tn.optim.Adam, lr=0.01),
}
defaults = {
    "Adam, default lr 0.001": tn.optim.Adam,
    "Adadelta, Keras default lr 0.001": functools.partial(tn.optim.Adadelta, convention="keras"),
}


# %% [markdown]
# ## The race
#
# `fit(..., seed=0)` builds the same initial weights and shuffles the same way
# for every optimizer; `History.history["loss"]` holds each epoch's mean batch
# loss, as Keras reports it.

# %%
def train(optimizer):
    model = tn.Sequential([Dense(32, activation="relu"), Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)
    history = model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0, seed=0)
    return np.array(history.history["loss"])


def steps_to_target(loss):
    """Steps until the first epoch whose mean loss is under TARGET; -1 if none is."""
    below = np.nonzero(loss < TARGET)[0]
    return int((below[0] + 1) * STEPS_PER_EPOCH) if len(below) else -1


losses = {name: train(optimizer) for name, optimizer in {**optimizers, **defaults}.items()}
steps = {name: steps_to_target(loss) for name, loss in losses.items()}
for name, loss in losses.items():
    arrived = f"{steps[name]} steps" if steps[name] > 0 else "not reached"
    print(f"{name:34s} final loss {loss[-1]:.4f}   to loss < {TARGET}: {arrived}")

# Rank the six at lr 0.01 (1 = fastest): by steps to target, then by final loss.
order = sorted(optimizers, key=lambda name: (steps[name] if steps[name] > 0 else np.inf, losses[name][-1]))
rank = {name: order.index(name) + 1 for name in optimizers}
print("ranking:", ", ".join(order))

# %%
fig, ax = plt.subplots(figsize=(9, 5))
step_axis = np.arange(1, EPOCHS + 1) * STEPS_PER_EPOCH
for (name, loss), color in zip(losses.items(), ["C7", "C1", "C3", "C2", "C0", "C4", "C4", "C2"]):
    style = ":" if name in defaults else "-"
    ax.plot(step_axis, loss, style, color=color, marker="o", ms=3, label=name)
ax.axhline(TARGET, color="k", lw=0.8, ls="--", label=f"target loss {TARGET}")
ax.set(
    yscale="log", xlabel=f"training step (batches of {BATCH_SIZE})",
    ylabel="training loss per epoch (cross-entropy, nats)",
    title=f"Six optimizers at lr 0.01 (Adadelta 1.0) on {len(x)} digits; dotted: defaults",
)
ax.legend(fontsize=8, ncol=2)
fig.tight_layout()
lesson.save_figure(fig, "adam_convergence.png")

# %%
KEYS = {
    "SGD": "sgd", "SGD + momentum 0.9": "momentum", "Adagrad": "adagrad", "Adadelta (lr 1.0)": "adadelta",
    "RMSprop": "rmsprop", "Adam": "adam",
    "Adam, default lr 0.001": "adam_default_lr", "Adadelta, Keras default lr 0.001": "adadelta_keras",
}
lesson.record(
    **{f"steps_to_target_{KEYS[name]}": value for name, value in steps.items()},
    **{f"final_loss_{KEYS[name]}": loss[-1] for name, loss in losses.items()},
    **{f"{KEYS[name]}_rank": place for name, place in rank.items()},
    # ln 10 = 2.30 nats: the loss of guessing all ten digits equally likely.
    adadelta_keras_final_over_chance_loss=losses["Adadelta, Keras default lr 0.001"][-1] / np.log(10),
    # Under 1 if it learned anything between the first epoch and the last.
    adadelta_keras_final_over_first_epoch_loss=(
        losses["Adadelta, Keras default lr 0.001"][-1] / losses["Adadelta, Keras default lr 0.001"][0]
    ),
)
print(lesson.findings)

# %% [markdown]
# ## What the numbers say
#
# (The numbers quoted are the full run's: all 1797 digits, 20 epochs. Each is
# in `findings.json` under `adam_convergence`; `steps_to_target_*` is -1 where
# an optimizer never reached the target, and `*_rank` is its place among the
# six at lr 0.01, by steps to the target, then by final loss.)
#
# - **Adam is among the fastest, together with RMSprop.** At the same lr of
#   0.01 those two reach the target first, both after 171 steps
#   (`steps_to_target_adam`, `_rmsprop`), Adam ending lower (final loss 0.021
#   against 0.035, `final_loss_adam`, `_rmsprop`). Then come Adadelta (399
#   steps), SGD with momentum (513), and Adagrad and plain SGD, which never get
#   there (ranks 3 to 6, `*_rank`). What Adam and RMSprop share is dividing
#   each weight's step by a running root-mean-square of its gradients; Adam
#   adds momentum and bias correction on top. On this problem that earns it a
#   tie, not a clear win: "convergence rates are high when compared to other
#   adaptive models" holds against Adagrad and Adadelta, not against RMSprop.
# - **The learning rate matters as much as the optimizer.** Adam at its
#   default lr of 0.001 (what `compile(optimizer="adam")` gives) needs 855
#   steps (`steps_to_target_adam_default_lr`) where Adam at 0.01 needs 171: it
#   is then slower than Adadelta (399) and SGD with momentum (513) at 0.01. A
#   ranking of optimizers is only as fair as the learning rates they were
#   given.
# - **Momentum helps plain SGD a lot**: final loss 0.10 with momentum 0.9
#   against 0.74 without (`final_loss_momentum`, `final_loss_sgd`). Along a
#   steady gradient, momentum 0.9 adds up the steps to 1 / (1 - 0.9) = 10 times
#   the plain step.
# - **Adadelta at Keras's default lr of 0.001 does not learn here**: its final
#   loss is 1.09 times the loss of guessing all ten digits equally likely
#   (`adadelta_keras_final_over_chance_loss`) and only 1% below its first
#   epoch's (`adadelta_keras_final_over_first_epoch_loss` 0.99), while at the
#   paper's lr of 1.0 it is third (`adadelta_rank`). Adadelta's `lr` multiplies
#   a step that already has the size of the weights' recent updates; 0.001
#   makes each step a thousand times smaller than the paper's.
