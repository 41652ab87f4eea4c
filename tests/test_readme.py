"""The README's code runs and shows teachnet's code as it is."""
import inspect
import re
import subprocess
import sys
from pathlib import Path

import teachnet as tn

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_sigmoid_example_runs_and_prints_what_it_says():
    (example,) = [b for b in BLOCKS if "torch.sigmoid(x_ref)" in b]
    result = subprocess.run([sys.executable, "-c", example], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    for line, promised in zip(lines, ["tensor([0.0474, 0.5000, 0.8808])", "tensor([0.0452, 0.2500, 0.1050])"]):
        assert line.count(promised) == 2, f"the README promises {promised} twice, the example printed {line}"


def test_the_sigmoid_code_shown_is_teachnets():
    (shown,) = [b for b in BLOCKS if b.startswith("class Sigmoid")]
    source = inspect.getsource(tn.activations.Sigmoid)
    for line in shown.splitlines():
        code = line.split("#")[0].strip()
        if code and not code.startswith('"""'):
            assert code in source, f"the README shows `{code}`, which teachnet/activations.py's Sigmoid does not hold"
