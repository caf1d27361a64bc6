"""Run every benchmark module in this package (`make bench`): each has a `main()`."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    package = Path(__file__).parent
    failures = 0
    for module_info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        if module_info.name in {"run", "__init__"} or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"benchmarks.{module_info.name}")
        if not hasattr(module, "main"):
            continue
        print(f"==> benchmarks.{module_info.name}", flush=True)
        failures += 1 if module.main() else 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
