"""Demo and benchmark data: a deterministic Seongdong-gu that reproduces the seed report's tables, with a
decade of benchmarking cases, and a nation-sized registry for performance runs. Pure generation in
``build_*``; ``load_*`` writes it."""

from bot.demo_data.benchmark import build_demo_benchmark
from bot.demo_data.benchmark_history import check_benchmark, replay
from bot.demo_data.benchmark_words import COORDINATING_DEPARTMENT, SEED_CASES
from bot.demo_data.load import check_district, load_demo_district, load_district
from bot.demo_data.national import build_national_dataset
from bot.demo_data.seongdong import (
    DEFAULT_SEED,
    ESCAPING_NAME,
    EXAMPLE_NAME,
    SEED_APARTMENT_TOTALS,
    SEED_GRAND_TOTALS,
    SEED_REPRESENTATIVES,
    SEED_SHARED_BUILDINGS,
    SEED_TOTALS,
    build_demo_district,
    example_complex,
)
from bot.demo_data.types import (
    BenchmarkCounts,
    DemoAttachment,
    DemoBenchmark,
    DemoCase,
    DemoDistrict,
    DemoEvent,
    DemoStaff,
    DemoSummary,
)

__all__ = [
    "COORDINATING_DEPARTMENT",
    "DEFAULT_SEED",
    "ESCAPING_NAME",
    "EXAMPLE_NAME",
    "SEED_APARTMENT_TOTALS",
    "SEED_CASES",
    "SEED_GRAND_TOTALS",
    "SEED_REPRESENTATIVES",
    "SEED_SHARED_BUILDINGS",
    "SEED_TOTALS",
    "BenchmarkCounts",
    "DemoAttachment",
    "DemoBenchmark",
    "DemoCase",
    "DemoDistrict",
    "DemoEvent",
    "DemoStaff",
    "DemoSummary",
    "build_demo_benchmark",
    "build_demo_district",
    "build_national_dataset",
    "check_benchmark",
    "check_district",
    "example_complex",
    "load_demo_district",
    "load_district",
    "replay",
]
