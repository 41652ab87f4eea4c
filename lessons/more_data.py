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
# # Does a network gain more from more data?
#
# The course text: "Deep learning models would improve well when more data is
# added to the architecture", and, at its end, "The model keeps acquiring
# knowledge for every data that has been fed to it." The usual form of the
# claim is comparative: a neural network keeps improving with more data where
# a classical model levels off.
#
# We measure it on scikit-learn's handwritten digits (8 x 8 images, 10
# classes, 1797 in all): a fixed test set of 540 images, and training sets of
# growing size drawn from the remaining 1257. At each size we train
# - a small teachnet network: two hidden ReLU layers of 64 units, softmax output, Adam;
# - scikit-learn's logistic regression (a linear model);
# - scikit-learn's random forest (50 trees);
#
# and score each on the same test set.

# %%
import functools
import itertools
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

import teachnet as tn
from teachnet.layers import Dense
from teachnet.lessonkit import Lesson
from teachnet.models import Sequential

lesson = Lesson("more_data")
SIZES = lesson.pick(full=[25, 50, 100, 200, 400, 800, 1257], quick=[50, 250, 1257])
REPEATS = lesson.pick(full=2, quick=1)  # different draws of each training set, averaged
STEPS = lesson.pick(full=300, quick=100)  # network updates at every size

x, y = load_digits(return_X_y=True)
x = x / 16.0  # pixel intensities 0..16 -> 0..1
x_pool, x_test, y_pool, y_test = train_test_split(x, y, test_size=540, stratify=y, random_state=lesson.seed)

# %% [markdown]
# ## The three models
#
# Each function trains on `(x_train, y_train)` and returns the accuracy on the
# test set. The network gets the same number of updates (batches of 32) at
# every size, so a small training set is seen for many epochs and a large one
# for few: what changes between sizes is the data, not the training effort.

# %%
def network(x_train, y_train, seed):
    torch.manual_seed(seed)
    model = Sequential([
        Dense(64, "relu", input_shape=(64,)),
        Dense(64, "relu"),
        Dense(10, "softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=functools.partial(tn.optim.Adam, lr=0.01))
    model.fit(x_train, y_train, epochs=math.ceil(STEPS * 32 / len(x_train)), batch_size=32, verbose=0, seed=seed)
    return float((model.predict(x_test).argmax(dim=1).numpy() == y_test).mean())


def logistic_regression(x_train, y_train, seed):
    return LogisticRegression(max_iter=2000).fit(x_train, y_train).score(x_test, y_test)


def random_forest(x_train, y_train, seed):
    return RandomForestClassifier(n_estimators=50, random_state=seed).fit(x_train, y_train).score(x_test, y_test)


MODELS = {
    "network": (network, "teachnet network (64-64 ReLU)"),
    "logistic_regression": (logistic_regression, "logistic regression"),
    "random_forest": (random_forest, "random forest (50 trees)"),
}

# %%
def training_set(size, seed):
    """A class-balanced draw of ``size`` images from the pool (all of it at full size)."""
    if size == len(x_pool):
        return x_pool, y_pool
    x_train, _, y_train, _ = train_test_split(x_pool, y_pool, train_size=size, stratify=y_pool, random_state=seed)
    return x_train, y_train


accuracy = {name: np.zeros((len(SIZES), REPEATS)) for name in MODELS}
# One thread for the linear algebra: these models are too small to gain from
# more, and the lessons share the machine's cores.
with threadpool_limits(limits=1):
    for (i, size), repeat in itertools.product(enumerate(SIZES), range(REPEATS)):
        x_train, y_train = training_set(size, seed=lesson.seed + repeat)
        for name, (fit_and_score, _) in MODELS.items():
            accuracy[name][i, repeat] = fit_and_score(x_train, y_train, seed=lesson.seed + repeat)
mean_accuracy = {name: values.mean(axis=1) for name, values in accuracy.items()}
for name, values in mean_accuracy.items():
    print(f"{name:>20}: " + "  ".join(f"{size}: {value:.3f}" for size, value in zip(SIZES, values)))

# %%
fig, (ax_acc, ax_err) = plt.subplots(1, 2, figsize=(11, 4))
for name, (_, label) in MODELS.items():
    ax_acc.plot(SIZES, mean_accuracy[name], marker="o", label=label)
    ax_err.loglog(SIZES, 1 - mean_accuracy[name], marker="o", label=label)
ax_acc.set(xscale="log", xlabel="training images (log scale)", ylabel="test accuracy (fraction of 540 images)",
           title="Accuracy against training-set size")
ax_err.set(xlabel="training images (log scale)", ylabel="test error rate (log scale)",
           title="Error rate: a steeper line gains more per image")
for ax in (ax_acc, ax_err):
    ax.set_xticks(SIZES, [str(size) for size in SIZES])
    ax.minorticks_off()
error_ticks = [0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5]
ax_err.set_yticks(error_ticks, [f"{tick:.0%}" for tick in error_ticks])
fig.suptitle(f"Handwritten digits: more data, three models (mean of {REPEATS} draw(s) per size)")
fig.legend(*ax_acc.get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=9, frameon=False)
fig.subplots_adjust(top=0.85, bottom=0.25, wspace=0.25)  # set by hand: tight_layout is slow
lesson.save_figure(fig, "more_data.png")

# %%
gains = {name: values[-1] - values[0] for name, values in mean_accuracy.items()}
for name, values in mean_accuracy.items():
    # The slope of the right-hand panel: error ~ size ** slope, fitted by least squares.
    error_slope = np.polyfit(np.log(SIZES), np.log(1 - values), 1)[0]
    lesson.record(**{
        f"{name}_accuracy_smallest": values[0],
        f"{name}_accuracy_largest": values[-1],
        f"{name}_gain": gains[name],
        f"{name}_error_slope": error_slope,
    })
best_classical = np.maximum(mean_accuracy["logistic_regression"], mean_accuracy["random_forest"])
largest = [values[-1] for values in mean_accuracy.values()]
lesson.record(
    smallest_size=SIZES[0],
    largest_size=SIZES[-1],
    test_images=len(x_test),
    network_gains_most=gains["network"] > max(gains["logistic_regression"], gains["random_forest"]),
    # Negative where the better classical model is ahead of the network.
    network_minus_best_classical_smallest=mean_accuracy["network"][0] - best_classical[0],
    network_minus_best_classical_largest=mean_accuracy["network"][-1] - best_classical[-1],
    accuracy_spread_largest=max(largest) - min(largest),
)
print(lesson.findings)

# %% [markdown]
# ## What the numbers say
#
# (The numbers quoted are the full run's: sizes 25 to 1257, two draws each,
# 300 network updates per size. The quick run uses sizes 50, 250 and 1257, one
# draw and 100 updates; the tests check the same conclusions on it. Every
# number is in `findings.json` under `more_data`.)
#
# - **Every model improves with more data**: from 25 to 1257 training images
#   the network goes from 0.73 to 0.97 test accuracy, logistic regression
#   from 0.75 to 0.97, the random forest from 0.64 to 0.97
#   (`*_accuracy_smallest`, `*_accuracy_largest`). The course is right that
#   the network "would improve well when more data is added".
# - **It does not improve more than the classical models.** Its gain (0.24,
#   `network_gain`) is about logistic regression's (0.22) and below the random
#   forest's (0.33; `network_gains_most` is false). On the right-hand panel
#   the error rates fall about equally fast: a straight line fitted to each
#   (`*_error_slope`) has slope -0.55 for the network, -0.51 for logistic
#   regression and -0.64 for the forest.
# - **A bigger gain mostly means a worse start.** The forest gains most and is
#   the weakest with 25 images (0.64); at 1257 images the three are within
#   0.2 points of each other (0.969, 0.970, 0.971; `accuracy_spread_largest`
#   0.002), the network 0.2 points behind the better classical model
#   (`network_minus_best_classical_largest`).
# - So on this problem the comparative claim, that a neural network profits
#   more from data than a classical model, is not borne out. It is usually
#   made for much larger data sets and models (natural images, speech, text);
#   1257 digit images of 8 x 8 pixels are not that regime, and this lesson
#   cannot speak for it. Nor is the network here at a disadvantage with little
#   data: with 25 images it is 1.8 points behind logistic regression
#   (`network_minus_best_classical_smallest`) and ahead of the forest (0.73
#   against 0.64).
