"""Demo and benchmark data: a deterministic Seongdong-gu that reproduces the seed report's tables, and a
nation-sized registry for performance runs. Pure generation in ``build_*``; ``load_*`` writes it."""

from core.demo.load import check_district, load_demo_district, load_district
from core.demo.national import build_national_dataset
from core.demo.seongdong import (
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
from core.demo.types import AdminDongDraft, ComplexBundle, DemoDistrict, DemoSummary, Totals

__all__ = [
    "DEFAULT_SEED",
    "ESCAPING_NAME",
    "EXAMPLE_NAME",
    "SEED_APARTMENT_TOTALS",
    "SEED_GRAND_TOTALS",
    "SEED_REPRESENTATIVES",
    "SEED_SHARED_BUILDINGS",
    "SEED_TOTALS",
    "AdminDongDraft",
    "ComplexBundle",
    "DemoDistrict",
    "DemoSummary",
    "Totals",
    "build_demo_district",
    "build_national_dataset",
    "check_district",
    "example_complex",
    "load_demo_district",
    "load_district",
]
