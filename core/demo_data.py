"""The demo data's entry point by its planned name; the code lives in the ``core.demo`` package."""

from core.demo import *  # noqa: F403
from core.demo import __all__ as __all__
