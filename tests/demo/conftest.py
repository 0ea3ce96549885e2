"""The demo district, generated once for the tests of this package into the (otherwise empty) test
database, and removed again afterwards so no other test sees it.

Tests read it through the ``demo`` fixture together with ``db`` (each test runs in a transaction that is
rolled back, so a test may regenerate or wipe the data without disturbing the next one).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from tisheng.demo.canonical import canonical_dump
from tisheng.demo.generator import DemoSummary, clear_demo_data, generate

SEED = 2025
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Demo:
    summary: DemoSummary
    dump: str
    messages: tuple[str, ...]
    seconds: float  # how long generate() took


@pytest.fixture(scope="package")
def demo_package(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Demo]:
    messages: list[str] = []
    # The same cheap hasher the shared conftest gives every test (``_fast_passwords``).
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        started = time.perf_counter()
        summary = generate(SEED, progress=messages.append)
        seconds = time.perf_counter() - started
        demo = Demo(summary, canonical_dump(), tuple(messages), seconds)
    yield demo
    with django_db_blocker.unblock():
        clear_demo_data()


@pytest.fixture
def demo(demo_package: Demo, db: None) -> Demo:
    return demo_package
