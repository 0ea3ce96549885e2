"""``manage.py generate_demo [--seed N] [--reset]``: generate the demo district (西夏区) and print the
demo accounts."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tisheng.demo.generator import DEFAULT_SEED, DemoError, format_summary, generate


class Command(BaseCommand):
    help = "生成确定性的演示数据（西夏区，真实规模）：同一随机种子总是生成相同的数据。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument(
            "--reset", action="store_true", help="先删除数据库中现有的机构数据（学校、用户、变更记录等）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        started = time.perf_counter()
        try:
            summary = generate(
                options["seed"],
                reset=options["reset"],
                progress=(lambda message: self.stdout.write(message)) if verbose else None,
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(format_summary(summary))
        if verbose:
            self.stdout.write(self.style.SUCCESS(f"完成，用时 {elapsed:.1f} 秒。"))
