"""How the widgets look: colours, fonts and line widths, in one place.

Every widget takes a `style=` argument; without it, it uses the current default style. The colours are
colour-blind safe (the Okabe–Ito palette): the sign of a weight is **blue (positive)** or **orange
(negative)**, never red against green, and negative edges are also dashed so the sign survives a
black-and-white printout. Class 0 uses the negative colour and class 1 the positive one, so a decision
boundary, a data point and an output node agree; classes also differ in marker shape (`CLASS_MARKERS`).

Contrast meets WCAG 2.1 AA on the white background, in both styles: every colour drawn as an essential graphic
(an edge, a line, a data point) is at least 3:1, every colour used for text at least 4.5:1 (`contrast_ratio`).
The orange of negative weights is 3.5:1, enough for a line but not for text: numbers printed in the sign's
colour use `sign_text_color`, a darker orange.

The colour maps live here too, as plain NumPy functions from values to RGBA bytes: the Python side decides
every colour and the browser only paints what it is given.

>>> style = get_style()
>>> style.positive, style.negative
('#0072B2', '#E66100')
>>> big = style.replace(font_size=20)          # a changed copy; the default is untouched
>>> big.font_size, get_style().font_size
(20, 12)
>>> round(contrast_ratio(style.negative_text, style.background), 1)      # WCAG AA for text: at least 4.5
5.3
>>> diverging_rgba(np.array([-1.0, 0.0, 1.0]), vmax=1.0, style=style)[:, :3].tolist()
[[230, 97, 0], [247, 247, 247], [0, 114, 178]]

The presentation mode swaps the whole look at once (course_lib.presentation.on() does this and more):

>>> previous = use_style(PRESENTATION)
>>> get_style().font_size
18
>>> _ = use_style(previous)
"""
from dataclasses import asdict, dataclass, field, replace as dataclass_replace

import numpy as np

# Presentation mode (course_lib.presentation.on(), or COURSE_PRESENTATION=1 when it is first imported, here).
from course_lib import presentation

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
}

# Marker shapes for classes 0, 1, 2, ... (plane.js draws them): with the colour, a class never rests on colour alone.
CLASS_MARKERS = ("circle", "square", "triangle", "diamond", "triangle_down")

# A perceptually even colour map that colour-blind viewers read correctly (viridis, sampled at 9 stops).
VIRIDIS = ("#440154", "#472D7B", "#3B528B", "#2C728E", "#21918C", "#28AE80", "#5EC962", "#ADDC30", "#FDE725")


@dataclass(frozen=True)
class Style:
    """The look of every widget. Change it with `style.replace(...)`, which returns a new Style.

    positive / negative: colours for the sign of a weight, a bias or a value (and for class 1 / class 0).
    positive_text / negative_text: the same signs as text colours (at least 4.5:1 on the background).
    neutral: the colour of zero in the diverging colour map.
    class_colors: one colour per class for multi-class data (the first two match negative and positive; Okabe–Ito
    hues, the light ones darkened to 3:1 or more on white, so a point stands out from the background).
    sequential: colour stops for values without a sign (a loss landscape).
    font_family, font_size: text in every widget. line_scale multiplies every stroke width.
    edge_width: the thinnest and thickest edge, in pixels, for |weight| = 0 and |weight| = the scale.
    node_radius, point_radius, tile_size: sizes in pixels. dash_negative: draw negative edges dashed.
    """
    positive: str = "#0072B2"
    negative: str = "#E66100"
    positive_text: str = "#0072B2"
    negative_text: str = "#B34D00"
    neutral: str = "#F7F7F7"
    class_colors: tuple = ("#E66100", "#0072B2", "#009E73", "#B4457F", "#000000", "#8A6A00", "#6B6B6B", "#8C564B")
    sequential: tuple = VIRIDIS
    text: str = "#222222"
    muted: str = "#777777"
    highlight: str = "#000000"
    background: str = "#FFFFFF"
    node_fill: str = "#FFFFFF"
    gradient: str = "#6A3D9A"
    font_family: str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
    font_size: int = 12
    line_scale: float = 1.0
    edge_width: tuple = (0.6, 7.0)
    node_radius: float = 15.0
    point_radius: float = 3.5
    tile_size: int = 34
    dash_negative: bool = True
    name: str = field(default="default", compare=False)

    def replace(self, **changes):
        """A copy with some fields changed: `DEFAULT.replace(font_size=16)`."""
        return dataclass_replace(self, **changes)

    def to_json(self):
        """The fields the browser needs, as plain JSON-ready values."""
        values = asdict(self)
        for name, value in values.items():
            if isinstance(value, tuple):
                values[name] = list(value)
        return values

    def class_color(self, k):
        """Colour of class `k` (wraps around after the last colour)."""
        return self.class_colors[int(k) % len(self.class_colors)]

    def sign_color(self, value):
        """`positive` for values >= 0, `negative` below 0."""
        return self.positive if value >= 0 else self.negative

    def sign_text_color(self, value):
        """The text colour for a signed number: `positive_text` for values >= 0, `negative_text` below 0."""
        return self.positive_text if value >= 0 else self.negative_text


DEFAULT = Style()
# For a projector: bigger text, thicker lines and nodes, black text (more contrast), the same colour-blind-safe
# colours. It is the default while course_lib.presentation is on (with matching matplotlib settings).
PRESENTATION = DEFAULT.replace(name="presentation", font_size=18, line_scale=1.6, edge_width=(1.0, 10.0),
                               node_radius=21.0, point_radius=5.0, tile_size=46, text="#000000", muted="#444444")
STYLES = {"default": DEFAULT, "presentation": PRESENTATION}

_current = {"style": DEFAULT}


def get_style(style=None):
    """The Style to use: `style` itself, a named one ("default", "presentation"), or the current default, which is
    PRESENTATION while presentation mode is on (course_lib.presentation)."""
    if style is None:
        return PRESENTATION if presentation.is_on() else _current["style"]
    if isinstance(style, Style):
        return style
    if isinstance(style, str) and style in STYLES:
        return STYLES[style]
    raise ValueError(f"Unknown style {style!r}: give a Style object or one of {', '.join(STYLES)}.")


def use_style(style):
    """Make `style` (a Style or a name) the default for widgets created from now on; returns the previous one.
    (While presentation mode is on, PRESENTATION is used instead, until it is switched off.)"""
    previous = _current["style"]
    _current["style"] = get_style(style)
    return previous


# --- contrast (WCAG 2.1) ------------------------------------------------------------------------------------

def relative_luminance(color):
    """The relative luminance of an sRGB colour ('#RRGGBB'), as WCAG 2.1 defines it: 0 (black) to 1 (white)."""
    channels = hex_to_rgb(color) / 255.0
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(color, other):
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white).

    AA asks for 4.5 for text, 3 for the graphics needed to understand a picture.

    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1), round(contrast_ratio("#777777", "#FFFFFF"), 2)
    (21.0, 4.48)
    """
    light, dark = sorted((relative_luminance(color), relative_luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- colour maps: values -> RGBA bytes ---------------------------------------------------------------------

def hex_to_rgb(color):
    """'#0072B2' -> array([0, 114, 178])."""
    color = color.lstrip("#")
    return np.array([int(color[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def _with_alpha(rgb, finite):
    rgba = np.empty(rgb.shape[:-1] + (4,), dtype=np.uint8)
    rgba[..., :3] = np.clip(np.rint(rgb), 0, 255)
    rgba[..., 3] = 255
    # NaN or infinite values are painted mid-grey, so a broken network is visible rather than hidden.
    rgba[~finite] = (150, 150, 150, 255)
    return rgba


def diverging_rgba(values, vmax, style=None, center=0.0):
    """Negative colour -> neutral -> positive colour, with `center ± vmax` at the two ends."""
    style = get_style(style)
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    vmax = float(vmax) if vmax and np.isfinite(vmax) and vmax > 0 else 1.0
    t = np.clip(np.where(finite, (values - center) / vmax, 0.0), -1.0, 1.0)[..., None]
    neutral, positive, negative = (hex_to_rgb(c) for c in (style.neutral, style.positive, style.negative))
    rgb = np.where(t >= 0, neutral + t * (positive - neutral), neutral + (-t) * (negative - neutral))
    return _with_alpha(rgb, finite)


def sequential_rgba(values, vmin, vmax, style=None):
    """The sequential colour map (viridis by default), `vmin` at the dark end, `vmax` at the light end."""
    style = get_style(style)
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    span = vmax - vmin if vmax > vmin else 1.0
    t = np.clip(np.where(finite, (values - vmin) / span, 0.0), 0.0, 1.0)
    stops = np.array([hex_to_rgb(c) for c in style.sequential])
    position = t * (len(stops) - 1)
    low = np.minimum(position.astype(int), len(stops) - 2)
    frac = (position - low)[..., None]
    rgb = stops[low] * (1 - frac) + stops[low + 1] * frac
    return _with_alpha(rgb, finite)


def class_rgba(classes, confidence, n_classes, style=None):
    """Each class's colour, faded towards the neutral colour where the network is unsure.

    confidence is the probability of the winning class: 1/n_classes (a guess) paints neutral, 1 the full colour.
    """
    style = get_style(style)
    confidence = np.asarray(confidence, dtype=np.float64)
    finite = np.isfinite(confidence)
    palette = np.array([hex_to_rgb(style.class_color(k)) for k in range(max(n_classes, 1))])
    chance = 1.0 / max(n_classes, 1)
    strength = np.clip((np.where(finite, confidence, chance) - chance) / (1.0 - chance), 0.0, 1.0)[..., None]
    neutral = hex_to_rgb(style.neutral)
    classes = np.clip(np.asarray(classes, dtype=int), 0, len(palette) - 1)
    rgb = neutral + strength * (palette[classes] - neutral)
    return _with_alpha(rgb, finite)
