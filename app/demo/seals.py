"""Demo seal images (行政审批专用章): a red double ring around a star, drawn with Pillow
(reportlab's own dependency). A real department uploads a scan of its seal."""
from __future__ import annotations

import math
from io import BytesIO

from PIL import Image, ImageDraw

SIZE = 360
RED = (200, 16, 30, 170)  # translucent: the name and date show through (盖章压字)


def png() -> bytes:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), outline=RED, width=14)
    draw.ellipse((34, 34, SIZE - 34, SIZE - 34), outline=RED, width=3)
    draw.polygon(_star(SIZE / 2, SIZE / 2, 78, 31), fill=RED)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi / 2 + index * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    return points
