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
# # Hinge and cross-entropy: two losses for classifiers
#
# The course text on hinge loss: *"The function is of form =[0,1-yf(x)]. when
# yf(x)>=0 the loss function is 0, but when yf(x) < 0 the error increases
# exponentially penalizing more to the mis-classified points that are distant
# from the margin."* On cross-entropy: *"when the value is 0.010 the
# cross-entropy loss is more and the model is bad"*, with the binary formula
# `-(y log(p) + (1-y) log(1-p))`.
#
# What we will measure:
#
# 1. the hinge loss `max(0, 1 - y f(x))` for a label `y` in {-1, +1} and a score
#    `f(x)`, at several margins `y f(x)`: is its growth exponential?
# 2. binary cross-entropy at `p = 0.01` and at `p = 0`, in teachnet (Keras's
#    clipping) and in PyTorch (a clamped log);
# 3. a small classifier trained with each loss on the two-moons data;
# 4. the course's own model, whose output layer is `Dense(1, activation='relu')`,
#    trained with cross-entropy: what a ReLU output does to a loss that expects
#    a probability.

# %%
import functools

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

import teachnet as tn
from teachnet.layers import Dense
from teachnet.lessonkit import Lesson
from teachnet.models import Sequential

lesson = Lesson("hinge_and_crossentropy")
N = lesson.pick(full=400, quick=200)
EPOCHS = lesson.pick(full=40, quick=20)
SEEDS = lesson.pick(full=8, quick=4)  # initialisations of the course's model

# %% [markdown]
# ## 1. Hinge loss grows linearly, not exponentially
#
# We give `tn.losses.hinge` one point at a time, with label `y = +1` and score
# `f(x) = m`, so that the margin `y f(x)` is `m`, and read the loss and its
# gradient with respect to the score.

# %%
margins = torch.tensor([2.0, 1.0, 0.5, 0.0, -1.0, -2.0, -3.0, -4.0])
hinge_values, hinge_grads = [], []
for m in margins:
    score = m.reshape(1, 1).clone().requires_grad_(True)
    loss = tn.losses.hinge(torch.ones(1, 1), score)
    loss.backward()
    hinge_values.append(loss.item())
    hinge_grads.append(score.grad.item())
hinge_at = dict(zip(margins.tolist(), hinge_values))
violated_grads = [grad for m, grad in zip(margins.tolist(), hinge_grads) if m < 1]  # margin below 1
for m, value, grad in zip(margins.tolist(), hinge_values, hinge_grads):
    print(f"y f(x) = {m:+.1f}: hinge = {value:.2f}, d hinge / d f(x) = {grad:+.0f}")

# Equal steps in the margin from -4 to 0: an exponential's second differences
# grow; a straight line's are 0.
violations = np.array([hinge_at[m] for m in (-4.0, -3.0, -2.0, -1.0, 0.0)])
second_difference = np.abs(np.diff(violations, n=2)).max()
print(f"largest second difference of the hinge over y f(x) = -4..0: {second_difference}")

# %% [markdown]
# ## 2. Cross-entropy near p = 0: where Keras and PyTorch differ
#
# For a positive example (`y = 1`) the loss is `-log(p)`. At `p = 0` that is
# infinite, so both frameworks cut it off, differently: Keras (and teachnet)
# clip `p` to `[1e-7, 1 - 1e-7]`, giving at most `-log(1e-7) = 16.1`; PyTorch's
# `F.binary_cross_entropy` clamps the log at -100, giving 100. We compare
# teachnet with PyTorch's function as the reference.

# %%
def bce_and_grad(loss_fn, p):
    prob = torch.tensor([[p]], requires_grad=True)
    loss = loss_fn(prob)
    loss.backward()
    return loss.item(), prob.grad.item()


teachnet_bce = lambda prob: tn.losses.binary_crossentropy(torch.ones_like(prob), prob)  # noqa: E731
torch_bce = lambda prob: F.binary_cross_entropy(prob, torch.ones_like(prob))  # noqa: E731
bce = {
    (framework, p): bce_and_grad(fn, p)
    for framework, fn in (("teachnet", teachnet_bce), ("torch", torch_bce))
    for p in (0.01, 0.0)
}
for (framework, p), (value, grad) in bce.items():
    print(f"{framework:8s} y = 1, p = {p:<4}: loss = {value:7.3f}, d loss / dp = {grad:.3g}")
print(f"-log(0.01) = {-np.log(0.01):.3f}, -log(1e-7) = {-np.log(1e-7):.3f}")

# %%
fig, (ax_hinge, ax_bce) = plt.subplots(1, 2, figsize=(12, 4.5))
m_grid = np.linspace(-4, 3, 281)
ax_hinge.plot(m_grid, np.maximum(0, 1 - m_grid), lw=2.5, label="hinge max(0, 1 − y·f(x))")
ax_hinge.plot(m_grid, np.exp(-m_grid), "--", color="0.5", label="an exponential, exp(−y·f(x)), for contrast")
ax_hinge.scatter([-4, -2, -1], [hinge_at[-4.0], hinge_at[-2.0], hinge_at[-1.0]], color="tab:red", zorder=3,
                 label="measured with tn.losses.hinge")
for m in (-4.0, -2.0, -1.0):
    ax_hinge.annotate(f"{hinge_at[m]:.0f}", (m, hinge_at[m]), textcoords="offset points", xytext=(6, 4))
ax_hinge.axvspan(0, 1, color="tab:orange", alpha=0.15, label="right side, inside the margin: loss > 0")
ax_hinge.set_ylim(0, 10)
ax_hinge.set_xlabel("margin y·f(x) (label times score)")
ax_hinge.set_ylabel("loss of one point")
ax_hinge.set_title("Hinge loss grows linearly with the violation")
ax_hinge.legend(fontsize=9)

p_grid = np.logspace(-12, 0, 400)
keras_clipped = -np.log(np.clip(p_grid, 1e-7, 1 - 1e-7))
ax_bce.plot(p_grid, -np.log(p_grid), lw=2.5, color="tab:gray", label="exact −log p (PyTorch's until p < 1e-43)")
ax_bce.plot(p_grid, keras_clipped, lw=2.5, label="teachnet / Keras: −log(clip(p, 1e-7, 1 − 1e-7))")
ax_bce.scatter([0.01], [bce["teachnet", 0.01][0]], color="tab:red", zorder=3,
               label=f"p = 0.01: {bce['teachnet', 0.01][0]:.2f} (both)")
ax_bce.axhline(bce["teachnet", 0.0][0], ls=":", color="tab:blue",
               label=f"p = 0, teachnet: {bce['teachnet', 0.0][0]:.1f}, gradient {bce['teachnet', 0.0][1]:.0f}")
ax_bce.annotate(f"p = 0, PyTorch: {bce['torch', 0.0][0]:.0f} (off the scale), gradient {bce['torch', 0.0][1]:.0e}",
                (1.5e-12, 28.5), fontsize=9)
ax_bce.set_xscale("log")
ax_bce.set_ylim(0, 30)
ax_bce.set_xlabel("predicted probability p of the true class (log scale)")
ax_bce.set_ylabel("binary cross-entropy of one point, y = 1")
ax_bce.set_title("Cross-entropy −log p, and where each framework cuts it")
ax_bce.legend(fontsize=9, loc="lower left", bbox_to_anchor=(0, 0.08))
fig.tight_layout()
lesson.save_figure(fig, "hinge_and_crossentropy_losses.png")

# %% [markdown]
# ## 3. A classifier trained with each loss
#
# Two moons, 30% held out for testing. The same hidden layer (16 ReLU units);
# for hinge the output is `tanh` (a score in [-1, 1]) and the labels are -1/+1;
# for cross-entropy the output is a sigmoid (a probability) and the labels 0/1.

# %%
x, y = make_moons(N, noise=0.2, random_state=0)
x = x.astype(np.float32)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0)


def train(layers, loss, targets, seed=0):
    model = Sequential(layers)
    model.compile(loss=loss, optimizer=functools.partial(tn.optim.Adam, lr=0.01))
    history = model.fit(x_train, targets, epochs=EPOCHS, batch_size=32, verbose=0, seed=seed)
    return model, history.history["loss"]


def accuracy(predicted_class):
    return float((predicted_class.numpy().ravel() == y_test).mean())


hinge_model, _ = train([Dense(16, "relu"), Dense(1, "tanh")], "hinge", 2.0 * y_train - 1)
bce_model, _ = train([Dense(16, "relu"), Dense(1, "sigmoid")], "binary_crossentropy", y_train)
hinge_accuracy = accuracy(hinge_model.predict(x_test) > 0)
bce_accuracy = accuracy(bce_model.predict(x_test) > 0.5)
print(f"test accuracy: hinge {hinge_accuracy:.3f}, cross-entropy {bce_accuracy:.3f}")

# %% [markdown]
# ## 4. The course's model: a ReLU output under cross-entropy
#
# The course builds `Dense(10, relu) -> Dense(5, relu) -> Dense(1, relu)`. We
# train it with binary cross-entropy from several random initialisations, and
# the same network with a sigmoid output beside it. For every training point we
# read the output `p` and the gradient the loss sends back to it.

# %%
labels = torch.as_tensor(y_train)


def output_gradients(model):
    """The output p for each training point and d loss / d p (the signal that trains the network)."""
    p = model.predict(x_train).requires_grad_(True)
    tn.losses.binary_crossentropy(labels.reshape(-1, 1), p).backward()
    return p.detach().ravel(), p.grad.ravel()


runs = {"relu": [], "sigmoid": []}
for seed in range(SEEDS):
    for output in runs:
        layers = [Dense(10, "relu"), Dense(5, "relu"), Dense(1, output)]
        model, losses = train(layers, "binary_crossentropy", y_train, seed=seed)
        p, grad = output_gradients(model)
        runs[output].append({
            "p": p,
            "accuracy": accuracy(model.predict(x_test) > 0.5),
            "dead": bool((p == 0).all()),
            "no_gradient": float((grad == 0).float().mean()),
            # No gradient and on the wrong side of 0.5: the loss is 16.1 and nothing moves it.
            "stuck_wrong": float(((grad == 0) & ((p > 0.5) != labels)).float().mean()),
            "above_one": float((p > 1).float().mean()),
            "final_loss": losses[-1],
        })
for output, results in runs.items():
    print(f"{output:7s} output: accuracies {[round(r['accuracy'], 3) for r in results]}, "
          f"dead runs {sum(r['dead'] for r in results)}/{len(results)}, "
          f"points without gradient {np.mean([r['no_gradient'] for r in results]):.2f} "
          f"(misclassified {np.mean([r['stuck_wrong'] for r in results]):.2f}), "
          f"p > 1 for {np.mean([r['above_one'] for r in results]):.2f} of the points")
dead_losses = [r["final_loss"] for r in runs["relu"] if r["dead"]]
print(f"final training loss of the dead ReLU runs: {dead_losses}; "
      f"{y_train.mean():.3f} of the labels are 1, times 16.118 = {y_train.mean() * 16.118:.2f}")

# %%
fig, (ax_hist, ax_acc) = plt.subplots(1, 2, figsize=(12, 4.5))
bins = np.linspace(0, max(1.6, max(float(r["p"].max()) for r in runs["relu"])) + 0.05, 41)
for output, color in (("relu", "tab:red"), ("sigmoid", "tab:blue")):
    values = np.concatenate([r["p"].numpy() for r in runs[output]])
    ax_hist.hist(values, bins=bins, alpha=0.6, color=color, label=f"{output} output ({SEEDS} runs)")
ax_hist.axvline(1.0, color="k", ls="--", label="p = 1: a probability stops here")
ax_hist.set_yscale("log")
ax_hist.set_xlabel("network output p for a training point")
ax_hist.set_ylabel("number of points (log scale)")
ax_hist.set_title("The course's model: ReLU output vs sigmoid output")
ax_hist.legend(fontsize=9)

names = ["hinge,\ntanh", "BCE,\nsigmoid"] + [f"relu\n#{seed}" for seed in range(SEEDS)]
values = [hinge_accuracy, bce_accuracy] + [r["accuracy"] for r in runs["relu"]]
colors = ["tab:green", "tab:blue"] + ["0.3" if r["dead"] else "tab:red" for r in runs["relu"]]
ax_acc.bar(range(len(values)), values, color=colors)
ax_acc.axhline(max(y_test.mean(), 1 - y_test.mean()), color="k", ls=":", label="always the majority class")
ax_acc.set_xticks(range(len(values)), names, fontsize=9)
ax_acc.set_xlabel("loss and output activation (relu #k: the course's model, initialisation k)")
ax_acc.set_ylim(0, 1)
ax_acc.set_ylabel("test accuracy")
ax_acc.set_title("Test accuracy (dark grey: ReLU output dead, p = 0 everywhere)")
ax_acc.legend(fontsize=9, loc="lower right")
fig.tight_layout()
lesson.save_figure(fig, "hinge_and_crossentropy_classifiers.png")

# %%
lesson.record(
    hinge_at_margin_0_5=hinge_at[0.5],
    hinge_at_margin_minus1=hinge_at[-1.0],
    hinge_at_margin_minus2=hinge_at[-2.0],
    hinge_at_margin_minus4=hinge_at[-4.0],
    hinge_max_second_difference=float(second_difference),
    hinge_gradient_when_violated_min=min(violated_grads),
    hinge_gradient_when_violated_max=max(violated_grads),
    bce_teachnet_p_0_01=bce["teachnet", 0.01][0],
    bce_torch_p_0_01=bce["torch", 0.01][0],
    bce_teachnet_p_0=bce["teachnet", 0.0][0],
    bce_torch_p_0=bce["torch", 0.0][0],
    bce_teachnet_gradient_p_0=bce["teachnet", 0.0][1],
    bce_torch_gradient_p_0=bce["torch", 0.0][1],
    hinge_test_accuracy=hinge_accuracy,
    bce_test_accuracy=bce_accuracy,
    relu_output_runs=SEEDS,
    relu_output_dead_runs=sum(r["dead"] for r in runs["relu"]),
    sigmoid_output_dead_runs=sum(r["dead"] for r in runs["sigmoid"]),
    relu_output_points_without_gradient=float(np.mean([r["no_gradient"] for r in runs["relu"]])),
    sigmoid_output_points_without_gradient=float(np.mean([r["no_gradient"] for r in runs["sigmoid"]])),
    relu_output_points_stuck_wrong=float(np.mean([r["stuck_wrong"] for r in runs["relu"]])),
    relu_output_points_above_one=float(np.mean([r["above_one"] for r in runs["relu"]])),
    relu_output_mean_test_accuracy=float(np.mean([r["accuracy"] for r in runs["relu"]])),
    sigmoid_output_mean_test_accuracy=float(np.mean([r["accuracy"] for r in runs["sigmoid"]])),
    relu_dead_run_final_loss=float(np.mean(dead_losses)) if dead_losses else float("nan"),
)
for key, value in lesson.findings.items():
    print(f"{key}: {value:.4g}")

# %% [markdown]
# ## What the numbers say
#
# **Hinge is linear, not exponential.** At margins `y f(x)` = -1, -2, -4 the
# hinge loss is 2, 3, 5: one more unit of violation adds exactly one unit of
# loss (second differences 0), and the gradient is -1 at every violating point,
# near or far (`hinge_gradient_when_violated_min` and `_max` are both -1).
# That is the point of the hinge: a far-off point pulls no harder
# than a near one, which makes it robust, like MAE (see `mae_vs_mse`). The
# course text is also off about where the loss is zero: not from `y f(x) >= 0`
# but from `y f(x) >= 1`. A point on the right side but inside the margin
# (`y f(x) = 0.5`) still costs 0.5. It is cross-entropy, `log(1 + exp(-z))` in
# terms of the logit, whose loss grows without bound as `p` shrinks.
#
# **Cross-entropy.** For a positive example predicted at `p = 0.01` the loss is
# `-log(0.01) = 4.61` in teachnet and in PyTorch alike. At `p = 0` they part:
# teachnet, like Keras, clips `p` to `1e-7` and reports `-log(1e-7) = 16.1` with
# a gradient of exactly 0 (nothing can move a clipped value); PyTorch clamps the
# log at -100 and reports 100, with a gradient of -1e12
# (`bce_torch_gradient_p_0`). Neither number means anything except "certain and
# wrong".
#
# **Both losses train a classifier.** On the two moons, the hinge network (tanh
# output, -1/+1 labels) and the cross-entropy network (sigmoid output, 0/1
# labels) reach similar test accuracies (`hinge_test_accuracy`,
# `bce_test_accuracy`): the choice matters less than giving each loss the
# output it expects.
#
# **The course's ReLU output layer.** Cross-entropy reads the output as a
# probability; a ReLU output is not one:
#
# - In about one initialisation in four (`relu_output_dead_runs` of
#   `relu_output_runs`) the output unit starts, or soon ends, below zero for
#   every input: `p = 0` everywhere, the clipped loss is 16.1 for every positive
#   example (a training loss of 16.1 times the fraction of positives, about 8,
#   `relu_dead_run_final_loss`), and the gradient is exactly 0, through the
#   clip and through the ReLU. The network never learns; its accuracy is a coin
#   flip. With a sigmoid output this never happened (`sigmoid_output_dead_runs`
#   = 0).
# - When it does train, many outputs exceed 1 (`relu_output_points_above_one`,
#   the histogram's right tail): they cannot be read as probabilities, and the
#   loss only sees them clipped to `1 - 1e-7`, with no gradient.
#
# A sigmoid output (or a linear output with `from_logits=True`) gives every
# point a probability in (0, 1) and a gradient `p - y` that is never stuck at
# zero while the point is wrong. That is why a cross-entropy loss belongs with a
# sigmoid output layer, and ReLU belongs in the hidden layers, as the course
# text itself says of ReLU: *"It can be used only within hidden layers."*
