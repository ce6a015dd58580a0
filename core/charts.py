"""What every chart Dongne draws shares: the bundled Korean font, text measured and cut in pixels, and the soft
frame behind a "no data" line. The domains' ``reports`` modules draw their own charts with these.

matplotlib is imported inside the functions that need it (it takes about a third of a second), so a process
that never draws a chart never loads it."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import FancyBboxPatch

__all__ = ["empty_frame", "fit_text", "font", "korean_font_path", "text_width"]

# A chart for the chat, laid out for a phone: Telegram shows a 1000 px picture about 400 points wide, so text
# must be large to stay readable, and wider pictures only make it smaller.
CHART_WIDTH_PX = 1000
CHART_DPI = 100
TITLE_SIZE = 20
PANEL_TITLE_SIZE = 16
LABEL_SIZE = 14
MARGIN_PX = 20
EMPTY_HEIGHT_PX = 420  # a chart with nothing to show keeps only a line saying so
MAX_LABEL_SHARE = 0.35  # a row's name may take at most this share of the width; longer ones are cut

KOREAN_FONT_PACKAGE = "koreanize_matplotlib"
KOREAN_FONT_FILE = "NanumGothic.ttf"
KOREAN_BOLD_FONT_FILE = "NanumGothicBold.ttf"


@cache
def korean_font_path(bold: bool = False) -> Path:
    """The NanumGothic file that koreanize-matplotlib ships.

    The package is located, not imported: importing it sets the process-wide ``rcParams`` font and, on
    Python 3.11, warns that ``distutils`` is deprecated (an error under our test settings). Each text
    artist names this file instead, so a chart renders Hangul whatever another part of the process did
    to matplotlib's defaults, and no font has to be registered globally."""
    spec = importlib.util.find_spec(KOREAN_FONT_PACKAGE)
    name = KOREAN_BOLD_FONT_FILE if bold else KOREAN_FONT_FILE
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location) / "fonts" / name
        if path.is_file():
            return path
    raise RuntimeError(f"{name} not found: is koreanize-matplotlib installed?")


def font(size: float, *, bold: bool = False) -> FontProperties:
    """The bundled Korean font at ``size`` points, for one text artist."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=korean_font_path(bold), size=size)


def text_width(renderer: RendererAgg, text: str, properties: FontProperties) -> float:
    """How many pixels ``text`` takes on ``renderer``'s canvas."""
    # matplotlib's stubs leave the renderer's methods unannotated.
    width = renderer.get_text_width_height_descent(text, properties, ismath=False)[0]  # type: ignore[no-untyped-call]
    return float(width)


def fit_text(renderer: RendererAgg, text: str, properties: FontProperties, limit: float) -> str:
    """``text``, cut with an ellipsis where it would be wider than ``limit`` pixels."""
    if text_width(renderer, text, properties) <= limit:
        return text
    while text and text_width(renderer, text + "…", properties) > limit:
        text = text[:-1]
    return text + "…"


def empty_frame(figure: Figure) -> FancyBboxPatch:
    """A soft panel behind the "no data" line, so an empty report still looks like a report."""
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch(
        (0.1, 0.22),
        0.8,
        0.4,
        boxstyle="round,pad=0,rounding_size=0.03",
        transform=figure.transFigure,
        facecolor="#f5f5f5",
        edgecolor="#e0e0e0",
        zorder=-1,
    )
