"""Simple inline SVG charts drawn as PNG for the DOCX report (Word shows no inline SVG).

Only the small subset the report sections use is drawn: ``rect``, ``path`` (M / L / H / V
commands), ``polyline``, ``line``, ``circle`` and ``text`` with fill, stroke, stroke-width,
stroke-dasharray and text-anchor attributes, in the SVG's own coordinates (no transforms).
Anything else is skipped. Pillow is already installed with WeasyPrint (one of its own
dependencies); without it (or without a TrueType font for the labels) ``png()`` returns None
and the DOCX simply has no picture there, as before.
"""

from __future__ import annotations

import io
import math
import re
from functools import lru_cache
from itertools import pairwise

SCALE = 2  # pixels per SVG unit: sharp enough at 160 mm wide
_PATH = re.compile(r"([MLHV])\s*([-\d.,\s]+)")


def _floats(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text or "")]


@lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def _dashed(draw, points, fill, width, pattern) -> None:
    """A polyline with a dash pattern (Pillow draws solid lines only)."""
    on, i, left = True, 0, pattern[0]
    for (x0, y0), (x1, y1) in pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if on:
                a, b = done / length, (done + step) / length
                start = (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a)
                end = (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)
                draw.line([start, end], fill=fill, width=width)
            done += step
            left -= step
            if left <= 1e-9:
                on, i = not on, (i + 1) % len(pattern)
                left = pattern[i]


def _path_points(d: str) -> list[list[tuple[float, float]]]:
    runs, x, y = [], 0.0, 0.0
    for cmd, args in _PATH.findall(d or ""):
        values = _floats(args)
        if cmd in "ML":
            pairs = list(zip(values[::2], values[1::2], strict=False))
            if cmd == "M":
                runs.append([])
            for x, y in pairs:
                runs[-1].append((x, y))
        elif cmd in "HV" and runs:
            for v in values:
                x, y = (v, y) if cmd == "H" else (x, v)
                runs[-1].append((x, y))
    return runs


def _stroke(draw, el, points) -> None:
    color = el.get("stroke")
    if not color or color == "none" or len(points) < 2:
        return
    width = max(1, round(float(el.get("stroke-width", "1")) * SCALE))
    points = [(px * SCALE, py * SCALE) for px, py in points]
    dashes = [abs(v) * SCALE for v in _floats(el.get("stroke-dasharray", ""))]
    if sum(dashes) > 0:
        _dashed(draw, points, color, width, dashes)
    else:
        draw.line(points, fill=color, width=width, joint="curve")


def _text(draw, el, size: float) -> None:
    font = _font(round(float(el.get("font-size", size)) * SCALE))
    anchor = {"middle": "ms", "end": "rs"}.get(el.get("text-anchor", ""), "ls")
    xy = (float(el.get("x", 0)) * SCALE, float(el.get("y", 0)) * SCALE)
    draw.text(xy, el.text_content(), fill=el.get("fill", "#000"), font=font, anchor=anchor)


def _shape(draw, el, tag: str, size: float) -> None:
    get = el.get
    if tag == "rect":
        x, y = float(get("x", 0)) * SCALE, float(get("y", 0)) * SCALE
        w, h = float(get("width", 0)) * SCALE, float(get("height", 0)) * SCALE
        draw.rectangle([x, y, x + w, y + h], fill=get("fill"), outline=get("stroke"))
    elif tag == "circle":
        cx, cy, r = (float(get(k, 0)) * SCALE for k in ("cx", "cy", "r"))
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=get("fill"))
    elif tag == "polyline":
        values = _floats(get("points"))
        _stroke(draw, el, list(zip(values[::2], values[1::2], strict=False)))
    elif tag == "line":
        x1, y1, x2, y2 = (float(get(k, 0)) for k in ("x1", "y1", "x2", "y2"))
        _stroke(draw, el, [(x1, y1), (x2, y2)])
    elif tag == "path":
        for run in _path_points(get("d")):
            _stroke(draw, el, run)
    elif tag == "text":
        _text(draw, el, size)


def png(svg) -> bytes | None:
    """The PNG of an lxml ``<svg>`` element (with width and height), or None if not drawable."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # pragma: no cover - WeasyPrint depends on Pillow
        return None
    try:
        width, height = float(svg.get("width")), float(svg.get("height"))
    except (TypeError, ValueError):
        return None
    image = Image.new("RGB", (round(width * SCALE), round(height * SCALE)), "white")
    draw = ImageDraw.Draw(image)
    size = float(svg.get("font-size", 10))
    for el in svg.iter():
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if el is not svg and tag:
            _shape(draw, el, tag, size)
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=3)
    return buf.getvalue()
