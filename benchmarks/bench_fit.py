"""How fast is ``model.fit``? Against a plain PyTorch loop and against Keras, in one process.

Two models:

- ``seed``: the course text's 2-10-5-1 network (relu, relu, sigmoid), Adam,
  binary cross-entropy, batch 32, 20 epochs on 3,300 make_moons points. Small
  enough that per-batch Python overhead is what is measured.
- ``mlp``: 784-256-128-10 (relu, relu, softmax), Adam, sparse categorical
  cross-entropy, batch 128, 3 epochs on 10,000 random points. Here the matrix
  products dominate.

The plain loop is what a careful PyTorch user writes: ``nn.Linear`` layers,
``torch.optim.Adam``, the data on the device once, a fresh permutation per
epoch, ``zero_grad / forward / loss / backward / step``, the epoch loss summed
as a tensor (no ``.item()`` per batch). Keras runs ``fit(verbose=0)`` on its
torch backend. Runs are interleaved (teachnet, torch, Keras, teachnet, ...) so
that a machine busy with something else slows all three alike, and the median
of the repeats is reported.

    python benchmarks/bench_fit.py [--repeats 5] [--threads 1] [--quick] [--no-keras]

Prints a Markdown table (it goes into the README) with the ratios.
"""
import argparse
import functools
import os
import statistics
import sys
import time
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import teachnet as tn  # noqa: E402

GOALS = {"seed": 1.10, "mlp": 1.05}  # teachnet / plain torch, at most
KERAS_GOAL = 7.0  # Keras / teachnet, at least


def seed_task(quick):
    from sklearn.datasets import make_moons

    x, y = make_moons(1000 if quick else 3300, noise=0.2, random_state=0)
    return {
        "name": "seed",
        "title": "seed model 2-10-5-1",
        "x": x.astype(np.float32), "y": y.astype(np.float32),
        "sizes": [2, 10, 5, 1], "output": "sigmoid",
        "batch_size": 32, "epochs": 5 if quick else 20,
    }


def mlp_task(quick):
    rng = np.random.default_rng(0)
    n = 2000 if quick else 10_000
    return {
        "name": "mlp",
        "title": "MLP 784-256-128-10",
        "x": rng.normal(size=(n, 784)).astype(np.float32), "y": rng.integers(0, 10, size=n),
        "sizes": [784, 256, 128, 10], "output": "softmax",
        "batch_size": 128, "epochs": 1 if quick else 3,
    }


def _loss_name(task):
    return "binary_crossentropy" if task["output"] == "sigmoid" else "sparse_categorical_crossentropy"


def keras_style_fit(framework, task, device):
    """The same Keras script on teachnet or on Keras: build, compile, then time ``fit``."""
    if framework == "keras":
        import keras as framework

        warnings.filterwarnings("ignore", message=".*input_shape.*")  # Keras prefers keras.Input
    Sequential, Dense = framework.models.Sequential, framework.layers.Dense
    sizes = task["sizes"]
    model = Sequential()
    model.add(Dense(sizes[1], activation="relu", input_shape=(sizes[0],)))
    for units in sizes[2:-1]:
        model.add(Dense(units, activation="relu"))
    model.add(Dense(sizes[-1], activation=task["output"]))
    model.compile(loss=_loss_name(task), optimizer="adam")
    return _timed(device, lambda: model.fit(
        task["x"], task["y"], epochs=task["epochs"], batch_size=task["batch_size"], verbose=0,
    ))


def run_torch(task, device):
    sizes = task["sizes"]
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    if task["output"] == "sigmoid":
        layers[-1] = torch.nn.Sigmoid()
        loss_fn = torch.nn.BCELoss()
    else:
        layers.pop()  # logits: CrossEntropyLoss applies the log-softmax itself
        loss_fn = torch.nn.CrossEntropyLoss()
    net = torch.nn.Sequential(*layers).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    batch_size, epochs = task["batch_size"], task["epochs"]

    def train():
        x = torch.as_tensor(task["x"], device=device)
        y = torch.as_tensor(task["y"], device=device)
        y = y.reshape(-1, 1) if task["output"] == "sigmoid" else y
        n = len(x)
        for _ in range(epochs):
            order = torch.randperm(n, device=device)
            total = torch.zeros((), device=device)
            for start in range(0, n, batch_size):
                batch = order[start:start + batch_size]
                x_batch, y_batch = x[batch], y[batch]
                optimizer.zero_grad()
                loss = loss_fn(net(x_batch), y_batch)
                loss.backward()
                optimizer.step()
                total += loss.detach() * len(batch)
            total.item()  # the epoch's loss, as fit reports it

    return _timed(device, train)


def _timed(device, fn):
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per framework and model (default 5)")
    parser.add_argument("--keras-repeats", type=int, default=3, help="of which Keras runs this many (it is slow)")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--quick", action="store_true", help="smaller data and fewer epochs (a smoke run)")
    parser.add_argument("--no-keras", action="store_true", help="skip Keras")
    parser.add_argument("--tasks", nargs="*", default=["seed", "mlp"], choices=["seed", "mlp"])
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = tn.get_device()
    runners = {"teachnet": functools.partial(keras_style_fit, tn), "torch": run_torch}
    if not args.no_keras:
        runners["keras"] = functools.partial(keras_style_fit, "keras")
    tasks = [{"seed": seed_task, "mlp": mlp_task}[name](args.quick) for name in args.tasks]

    times = {(task["name"], name): [] for task in tasks for name in runners}
    for task in tasks:
        for name, run in runners.items():  # a warm-up run each (imports, allocator, first-call costs)
            torch.manual_seed(0)
            run(task, device)
        for repeat in range(args.repeats):
            for name, run in runners.items():
                if name == "keras" and repeat >= args.keras_repeats:
                    continue
                torch.manual_seed(repeat)
                times[(task["name"], name)].append(run(task, device))
            print(f"{task['name']} run {repeat + 1}/{args.repeats}: " + ", ".join(
                f"{name} {times[(task['name'], name)][-1]:.3f}s" for name in runners
                if times[(task["name"], name)]), file=sys.stderr)

    median = {key: statistics.median(values) for key, values in times.items()}
    print(f"\nfit benchmark on {device} (torch {torch.__version__}, {torch.get_num_threads()} threads), "
          f"medians of {args.repeats} runs ({args.keras_repeats} for Keras)\n")
    header = "| model | teachnet fit | plain torch loop | teachnet / torch (goal) |"
    rule = "| --- | ---: | ---: | ---: |"
    if "keras" in runners:
        header += " Keras fit | Keras / teachnet (goal) |"
        rule += " ---: | ---: |"
    print(header)
    print(rule)
    for task in tasks:
        t, p = median[(task["name"], "teachnet")], median[(task["name"], "torch")]
        title = f"{task['title']}, {len(task['x']):,} points, batch {task['batch_size']}, {task['epochs']} epochs"
        row = f"| {title} | {t:.3f} s | {p:.3f} s | {t / p:.2f}x (<= {GOALS[task['name']]:.2f}x) |"
        if "keras" in runners:
            k = median[(task["name"], "keras")]
            row += f" {k:.3f} s | {k / t:.1f}x (>= {KERAS_GOAL:.0f}x) |"
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
