"""Step time of each tn.optim optimizer against torch.optim's, on one 10M-parameter tensor.

Default settings on both sides (torch.optim's default implementation: the
single-tensor loop on the CPU, foreach on CUDA). The two are timed in
alternation, repeat after repeat, so that drift in the machine's load hits
both alike; the medians are printed with their ratio (teachnet / torch).

    python benchmarks/bench_optim.py [--size 10_000_000] [--repeats 15] [--device cuda]
"""
import argparse
import statistics
import time

import torch

import teachnet as tn

# each tn.optim optimizer with the torch.optim class of the same name
PAIRS = {name: (tn.optim.REGISTRY.get(name), getattr(torch.optim, tn.optim.REGISTRY.get(name).__name__))
         for name in ("sgd", "adagrad", "adadelta", "rmsprop", "adam")}


def make_stepper(optimizer_class, size, device):
    param = torch.nn.Parameter(torch.randn(size, device=device))
    param.grad = torch.randn(size, device=device)
    optimizer = optimizer_class([param])
    optimizer.step()  # state created outside the timing

    def timed_step():
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    return timed_step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--device", default=None, help="default: tn.get_device()")
    args = parser.parse_args()
    device = tn.device.resolve_device(args.device) if args.device else tn.get_device()
    print(f"{args.size:,} float32 parameters on {device}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads, {args.repeats} interleaved repeats")
    print(f"{'optimizer':<10} {'teachnet ms':>12} {'torch ms':>10} {'ratio':>7}")
    for name, (ours, theirs) in PAIRS.items():
        steppers = {"teachnet": make_stepper(ours, args.size, device), "torch": make_stepper(theirs, args.size, device)}
        times = {key: [] for key in steppers}
        for _ in range(args.repeats):
            for key, step in steppers.items():
                times[key].append(step())
        ours_ms, theirs_ms = (1e3 * statistics.median(times[key]) for key in ("teachnet", "torch"))
        print(f"{name:<10} {ours_ms:>12.2f} {theirs_ms:>10.2f} {ours_ms / theirs_ms:>7.3f}")
        del steppers


if __name__ == "__main__":
    main()
