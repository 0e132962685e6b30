// Shared by every course widget's front end (this file is prepended to each widget's own module).
// Python decides what to draw (positions, colours, pixels) and sends it as `scene`; these helpers paint it.

const SVG_NS = "http://www.w3.org/2000/svg";

// Binary data arrives as a DataView (live kernel), an ArrayBuffer or a typed array (saved widget state).
function bytesOf(data) {
  if (data == null) return new Uint8Array(0);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data.buffer instanceof ArrayBuffer) return new Uint8Array(data.buffer);
  return new Uint8Array(0);
}

function floatsOf(data) {
  const bytes = bytesOf(data);
  // Float32Array needs a 4-byte aligned offset: copy when the buffer slice is not aligned.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 4));
}

function svgEl(tag, attrs, parent) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  if (parent) parent.appendChild(node);
  return node;
}

function htmlEl(tag, attrs, parent, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

// An offscreen canvas holding an RGBA image (rows top to bottom), for drawImage or an SVG <image>.
function rgbaCanvas(bytes, width, height, offset) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const start = offset || 0;
  const pixels = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset + start, width * height * 4);
  canvas.getContext("2d").putImageData(new ImageData(new Uint8ClampedArray(pixels), width, height), 0, 0);
  return canvas;
}

// A picture sent as one byte per pixel (the Playground's plane and tiles): each byte an index into a palette of 256
// RGBA colours. paletteColours gives the colours as 32-bit words, and paintIndices looks each pixel up in them (the
// palette's bytes and the picture's are in the same order, so no byte is swapped).
function paletteColours(paletteData) {
  const bytes = bytesOf(paletteData).slice(0, 1024);     // a copy: 4-byte aligned
  const colours = new Uint32Array(256);
  colours.set(new Uint32Array(bytes.buffer, 0, bytes.length >> 2));
  return colours;
}

function paintIndices(rgbaBuffer, indices, colours) {
  const out = new Uint32Array(rgbaBuffer);
  const n = Math.min(out.length, indices.length);
  for (let k = 0; k < n; k++) out[k] = colours[indices[k]];
}

function applyStyle(root, style) {
  if (!style) return;
  root.style.fontFamily = style.font_family;
  root.style.fontSize = style.font_size + "px";
  root.style.color = style.text;
}

// The error box: Python puts a message in `error` instead of letting a bad value crash the view.
function errorBox(model, root) {
  const box = htmlEl("div", { class: "course-widget-error", role: "alert" }, root);
  const show = () => {
    const message = model.get("error") || "";
    box.textContent = message;
    box.style.display = message ? "block" : "none";
  };
  model.on("change:error", show);
  show();
  return box;
}

let courseIds = 0;
function uniqueId(prefix) {
  courseIds += 1;
  return `${prefix}-${Date.now().toString(36)}-${courseIds}`;
}

// ipywidgets 8.1 draws a slider's handle (noUiSlider, role "slider") with no accessible name: its description is a
// <label> tied to nothing. The Play widget's buttons hold only an icon. Screen readers then say "slider" and
// "button", and axe-core reports them (aria-input-field-name, button-name). Once a course widget is shown, the page
// names such controls: a slider by its description (or else its tooltip), a Play button by what its icon shows
// (play, pause, stop, repeat). This covers the sliders a notebook puts next to a diagram, `weight_slider`, the
// explorers' and the replay's controls. A name given some other way is kept. One watcher per page, whatever the
// number of widgets; it looks only at what was added (or at a Play icon that changed).
const PLAY_ICON_NAMES = [["fa-pause", "pause"], ["fa-play", "play"], ["fa-stop", "stop"], ["fa-retweet", "repeat"],
                         ["fa-repeat", "repeat"]];
const UNNAMED_CONTROLS = ".noUi-handle, .widget-readout, .widget-play button, .jupyter-widget-play button";

function nameIpywidgetControl(control) {
  if (control.hasAttribute("aria-labelledby")) return;
  if (control.hasAttribute("aria-label") && !control.dataset.courseNamed) return;
  let text = "";
  const readout = control.classList.contains("widget-readout");
  if (readout || control.classList.contains("noUi-handle")) {
    // the slider's handle, and the box beside it where its value can be typed
    const slider = control.closest(".widget-slider, .jupyter-widget-slider, .widget-inline-hbox, .widget-inline-vbox");
    const label = slider ? slider.querySelector(":scope > .widget-label") : null;
    text = label ? (label.textContent.replace(/\u200b/g, "").trim() || (label.title || "").trim()) : "";
    if (readout && text) {
      text += ", typed value";
      control.setAttribute("role", "textbox");
    }
  } else {
    const icon = control.querySelector("i");
    const found = icon ? PLAY_ICON_NAMES.find(([name]) => icon.classList.contains(name)) : null;
    text = found ? found[1] : "";
    if (text) control.title = text;
  }
  if (text && control.getAttribute("aria-label") !== text) {
    control.setAttribute("aria-label", text);
    control.dataset.courseNamed = "1";
  }
}

function nameIpywidgetControls(root) {
  if (root.matches && root.matches(UNNAMED_CONTROLS)) nameIpywidgetControl(root);
  if (root.querySelectorAll) for (const control of root.querySelectorAll(UNNAMED_CONTROLS)) nameIpywidgetControl(control);
}

function nameControlsAround(el) {
  const doc = el.ownerDocument || document;
  const win = doc.defaultView || window;
  if (!win.__courseControlNamer) {
    let pending = [];
    let frame = null;
    const pass = () => {
      frame = null;
      const roots = pending;
      pending = [];
      for (const root of roots) if (root.isConnected) nameIpywidgetControls(root);
    };
    const observer = new win.MutationObserver((records) => {
      for (const record of records) {
        if (record.type === "attributes") {
          // a Play button's icon changes between play and pause
          const button = record.target.closest && record.target.closest(".widget-play button, .jupyter-widget-play button");
          if (button) pending.push(button);
          continue;
        }
        for (const node of record.addedNodes) {
          if (node.nodeType === 1 && (node.matches(UNNAMED_CONTROLS) || node.querySelector(UNNAMED_CONTROLS))) {
            pending.push(node);
          }
        }
      }
      if (pending.length && frame === null) frame = win.requestAnimationFrame(pass);
    });
    observer.observe(doc.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
    win.__courseControlNamer = observer;
    nameIpywidgetControls(doc.body);
  }
  // The controls already on the page when this view appears (the watcher sees only later changes).
  const timer = setTimeout(() => nameIpywidgetControls(doc.body), 0);
  return () => clearTimeout(timer);
}

function widgetRoot(el, kind) {
  const root = htmlEl("div", { class: "course-widget course-" + kind }, el);
  return root;
}

function setCanvasSize(canvas, width, height) {
  // Sharp on high-density screens: draw at device pixels, show at CSS pixels.
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = width + "px";
  canvas.style.height = height + "px";
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

// The canvas's context for a new picture: resized only when its size changes (setting a canvas's width or
// height reallocates its bitmap, and the Playground repaints many times a second); otherwise reset (cleared, its
// drawing state back to the defaults, as a resize does) and scaled for the screen's pixel ratio.
function freshContext(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  const ctx = canvas.getContext("2d");
  const size = `${width}x${height}@${ratio}`;
  if (canvas._size !== size || typeof ctx.reset !== "function") {
    canvas._size = size;
    return setCanvasSize(canvas, width, height);
  }
  ctx.reset();
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

function formatNumber(value, digits) {
  if (value === null || value === undefined) return "nan";
  const d = digits === undefined ? 2 : digits;
  if (value !== 0 && (Math.abs(value) >= 1000 || Math.abs(value) < Math.pow(10, -d))) {
    return value.toExponential(1);
  }
  return value.toFixed(d);
}

// Round tick positions: steps of 1, 2 or 5 times a power of ten, about five ticks per axis.
function niceStep(span) {
  const raw = Math.abs(span) / 5;
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const factor = raw / power;
  return (factor < 1.5 ? 1 : factor < 3.5 ? 2 : factor < 7.5 ? 5 : 10) * power;
}

function niceTicks(lo, hi) {
  const step = niceStep(hi - lo);
  const out = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) out.push(t);
  return out;
}

// A tick label with as many decimals as the tick step needs (and no "-0.0").
function tickText(value, step) {
  if (Math.abs(value) < step * 1e-6) return "0";
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return value.toFixed(decimals);
}

// Axes around a plot area: ticks and labels, for the plane and line plots.
function drawAxes(ctx, box, ranges, labels, style) {
  const [x0, x1, y0, y1] = ranges;
  ctx.save();
  ctx.strokeStyle = style.muted;
  ctx.fillStyle = style.text;
  ctx.lineWidth = 1;
  ctx.strokeRect(box.left, box.top, box.width, box.height);
  ctx.font = `${Math.round(style.font_size * 0.85)}px ${style.font_family}`;
  const ticks = niceTicks;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of ticks(x0, x1)) {
    const px = box.left + (t - x0) / (x1 - x0) * box.width;
    ctx.beginPath(); ctx.moveTo(px, box.top + box.height); ctx.lineTo(px, box.top + box.height + 4); ctx.stroke();
    ctx.fillText(tickText(t, niceStep(x1 - x0)), px, box.top + box.height + 6);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of ticks(y0, y1)) {
    const py = box.top + box.height - (t - y0) / (y1 - y0) * box.height;
    ctx.beginPath(); ctx.moveTo(box.left - 4, py); ctx.lineTo(box.left, py); ctx.stroke();
    ctx.fillText(tickText(t, niceStep(y1 - y0)), box.left - 6, py);
  }
  ctx.font = `${style.font_size}px ${style.font_family}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  if (labels[0]) ctx.fillText(labels[0], box.left + box.width / 2, box.top + box.height + 6 + style.font_size * 2.1);
  if (labels[1]) {
    ctx.translate(box.left - style.font_size * 2.9, box.top + box.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(labels[1], 0, 0);
  }
  ctx.restore();
}
