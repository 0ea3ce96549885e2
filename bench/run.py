"""Run every benchmark under bench/ (each in its own process and database) and list the JSON results.

make bench            # all
.venv/bin/python bench/run.py intake_students
make bench BENCH=health   # issue 5: scoring plus every fitness indicator, 10 million students
make bench BENCH=pages    # issue 7: overview, explorer, school profile under 20 concurrent users (wrk)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["intake_students", "indicators", "fitness", "health", "pages"]


def main(argv: list[str]) -> int:
    chosen = argv or BENCHMARKS
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        print(f"未知的基准测试：{'、'.join(sorted(unknown))}；可选：{'、'.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = []
    for name in chosen:
        print(f"== {name}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / f"{name}.py")])
        if code:
            failed.append(name)
    print("结果写在 bench/results/：", ", ".join(sorted(p.name for p in (HERE / "results").glob("*.json"))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
