"""The floors (docs/architecture.md): an app imports only the layers below it.

Runs import-linter's `layers` contract of pyproject.toml ([tool.importlinter]). It reads the
source, so imports inside functions count as much as those at the top of a module."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_layer_imports_a_layer_above_it():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache", "--no-logo"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    report = result.stdout + result.stderr
    # The broken part lists each upward import as "a.module -> b.module (l.N)".
    broken = report[report.find("Broken contracts"):] if "Broken contracts" in report else report
    assert result.returncode == 0, f"Imports that go up a floor:\n{broken}"
