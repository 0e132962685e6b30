// A plane: a coloured image over (x1, x2) with points, a path and a marker on top, plus axes.
// Used by the decision boundary and the learning-rate landscape.

const PLANE_MARGIN = { left: 48, right: 10, top: 8, bottom: 42 };

function planeBox(scene) {
  return { left: PLANE_MARGIN.left, top: PLANE_MARGIN.top,
           width: scene.width - PLANE_MARGIN.left - PLANE_MARGIN.right,
           height: scene.height - PLANE_MARGIN.top - PLANE_MARGIN.bottom };
}

// The points, painted once into a layer of their own and reused while they stay the same array (the Playground
// sends them apart, only when they change; its picture changes at every update while playing).
function drawPoints(canvas, ctx, scene, px, py) {
  const style = scene.style;
  const ratio = window.devicePixelRatio || 1;
  const key = JSON.stringify([scene.width, scene.height, scene.extent, style.point_radius, style.background,
                              style.line_scale, ratio]);
  const cached = canvas._pointsLayer;
  if (!cached || cached.points !== scene.points || cached.key !== key) {
    const layer = document.createElement("canvas");
    layer.width = canvas.width;
    layer.height = canvas.height;
    const layerCtx = layer.getContext("2d");
    layerCtx.setTransform(ratio, 0, 0, ratio, 0, 0);
    paintPoints(layerCtx, scene, px, py);
    canvas._pointsLayer = { points: scene.points, key: key, layer: layer };
  }
  ctx.drawImage(canvas._pointsLayer.layer, 0, 0, scene.width, scene.height);
}

// A marker's outline around (x, y): the class shapes of CLASS_MARKERS in style.py, by index (circle when none).
const MARKER_SHAPES = ["circle", "square", "triangle", "diamond", "triangle_down"];

function markerPath(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === "square") {
    const h = r * 0.9;
    ctx.rect(x - h, y - h, 2 * h, 2 * h);
  } else if (shape === "triangle" || shape === "triangle_down") {
    const s = shape === "triangle" ? 1 : -1, h = r * 1.25;
    ctx.moveTo(x, y - s * h); ctx.lineTo(x + h * 0.95, y + s * h * 0.7); ctx.lineTo(x - h * 0.95, y + s * h * 0.7);
    ctx.closePath();
  } else if (shape === "diamond") {
    const h = r * 1.25;
    ctx.moveTo(x, y - h); ctx.lineTo(x + h, y); ctx.lineTo(x, y + h); ctx.lineTo(x - h, y); ctx.closePath();
  } else {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
}

function paintPoints(ctx, scene, px, py) {
  const style = scene.style;
  const radius = style.point_radius;
  for (const group of scene.points || []) {
    const xy = floatsOf(group.xy);
    const colors = bytesOf(group.colors);
    const markers = group.markers ? bytesOf(group.markers) : null;
    const n = Math.floor(xy.length / 2);
    for (let k = 0; k < n; k++) {
      const color = `rgb(${colors[4 * k]}, ${colors[4 * k + 1]}, ${colors[4 * k + 2]})`;
      const shape = markers ? MARKER_SHAPES[markers[k] % MARKER_SHAPES.length] : "circle";
      markerPath(ctx, shape, px(xy[2 * k]), py(xy[2 * k + 1]), radius);
      if (group.shape === "ring") {
        ctx.fillStyle = style.background; ctx.fill();
        ctx.lineWidth = 2 * style.line_scale; ctx.strokeStyle = color; ctx.stroke();
      } else {
        ctx.fillStyle = color; ctx.fill();
        ctx.lineWidth = 1; ctx.strokeStyle = style.background; ctx.stroke();
      }
    }
  }
}

// The legend under the plane: each class's marker and colour (a class never rests on colour alone).
function drawLegend(box, scene) {
  while (box.firstChild) box.removeChild(box.firstChild);
  const legend = scene.legend || [];
  box.style.display = legend.length ? "flex" : "none";
  const size = 14;
  for (const entry of legend) {
    const item = htmlEl("span", { class: "course-legend-item" }, box);
    const canvas = htmlEl("canvas", { "aria-hidden": "true" }, item);
    const ctx = setCanvasSize(canvas, size, size);
    markerPath(ctx, entry.marker, size / 2, size / 2, size / 2 - 3);
    ctx.fillStyle = entry.color; ctx.fill();
    htmlEl("span", {}, item, entry.label);
  }
}

// A picture sent as one byte per pixel (the Playground's): see paletteColours in common.js.
function paintIndexed(canvas, pixels, indices, paletteData) {
  if (!canvas._palette || canvas._palette.source !== paletteData) {
    canvas._palette = { source: paletteData, colours: paletteColours(paletteData) };
  }
  paintIndices(pixels.data.buffer, indices, canvas._palette.colours);
}

function drawPlane(canvas, scene) {
  const style = scene.style;
  const ctx = freshContext(canvas, scene.width, scene.height);
  ctx.fillStyle = style.background;
  ctx.fillRect(0, 0, scene.width, scene.height);
  const box = planeBox(scene);
  const [x0, x1, y0, y1] = scene.extent;
  const px = (x) => box.left + (x - x0) / (x1 - x0) * box.width;
  const py = (y) => box.top + box.height - (y - y0) / (y1 - y0) * box.height;

  if ((scene.image || (scene.indices && scene.palette)) && scene.image_shape) {
    const [rows, cols] = scene.image_shape;
    // One scratch canvas for the image, reused while its size stays (the Playground repaints it many times a second).
    if (!canvas._image || canvas._image.width !== cols || canvas._image.height !== rows) {
      canvas._image = document.createElement("canvas");
      canvas._image.width = cols;
      canvas._image.height = rows;
      canvas._pixels = new ImageData(cols, rows);
    }
    let pixels;
    if (scene.indices && scene.palette) {
      pixels = canvas._pixels;
      paintIndexed(canvas, pixels, bytesOf(scene.indices), scene.palette);
    } else {
      pixels = new ImageData(new Uint8ClampedArray(bytesOf(scene.image).subarray(0, cols * rows * 4)), cols, rows);
    }
    canvas._image.getContext("2d").putImageData(pixels, 0, 0);
    const image = canvas._image;
    ctx.imageSmoothingEnabled = !scene.discretize;
    // Each pixel of the grid is centred on its grid point: stretch so the outer half-pixels fall outside.
    const dx = box.width / (cols - 1), dy = box.height / (rows - 1);
    ctx.save();
    ctx.beginPath(); ctx.rect(box.left, box.top, box.width, box.height); ctx.clip();
    ctx.drawImage(image, box.left - dx / 2, box.top - dy / 2, box.width + dx, box.height + dy);
    ctx.restore();
  }

  drawPoints(canvas, ctx, scene, px, py);

  if (scene.path && scene.path.length) {
    ctx.save();
    ctx.beginPath(); ctx.rect(box.left, box.top, box.width, box.height); ctx.clip();
    // Drawn twice, dark under light, so the path shows on both ends of the colour map.
    const trace = (color, extra) => {
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 1.5 * style.line_scale + extra;
      ctx.beginPath();
      scene.path.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
      ctx.stroke();
      for (const [x, y] of scene.path) {
        ctx.beginPath(); ctx.arc(px(x), py(y), 2.2 * style.line_scale + extra / 2, 0, 2 * Math.PI); ctx.fill();
      }
    };
    trace(style.text, 2);
    trace(scene.path_color || style.background, 0);
    ctx.restore();
  }

  for (const star of scene.stars || []) {
    ctx.save();
    ctx.fillStyle = style.background; ctx.strokeStyle = style.text; ctx.lineWidth = 1.2;
    ctx.font = `${Math.round(style.font_size * 1.5)}px ${style.font_family}`;
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.strokeText("★", px(star[0]), py(star[1]));
    ctx.fillText("★", px(star[0]), py(star[1]));
    ctx.restore();
  }

  if (scene.marker) {
    const [mx, my] = scene.marker;
    const radius = style.point_radius;
    ctx.save();
    ctx.strokeStyle = style.highlight; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(px(mx), py(my), radius + 5, 0, 2 * Math.PI); ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(px(mx) - radius - 9, py(my)); ctx.lineTo(px(mx) + radius + 9, py(my));
    ctx.moveTo(px(mx), py(my) - radius - 9); ctx.lineTo(px(mx), py(my) + radius + 9);
    ctx.stroke();
    ctx.restore();
  }
  drawAxes(ctx, box, scene.extent, scene.axis_labels || [], style);
}

function planeControls(model, root) {
  const bar = htmlEl("div", { class: "course-controls" }, root);
  const boxes = {};
  const update = () => {
    const toggles = model.get("scene").toggles || [];
    for (const toggle of toggles) {
      if (!boxes[toggle.trait]) {
        const label = htmlEl("label", {}, bar);
        const box = htmlEl("input", { type: "checkbox", "data-trait": toggle.trait }, label);
        htmlEl("span", {}, label, toggle.label);
        box.addEventListener("change", () => { model.set(toggle.trait, box.checked); model.save_changes(); });
        boxes[toggle.trait] = box;
      }
      boxes[toggle.trait].checked = !!model.get(toggle.trait);
    }
    bar.style.display = toggles.length ? "flex" : "none";
  };
  return update;
}

// With the keyboard: the plane (when clickable) is one tab stop; the arrow keys move the picked point by a
// twentieth of the plane (Shift: a fifth), Home puts it in the middle. The same `picked` a click sets.
function planeKeys(model, canvas, announce) {
  canvas.addEventListener("keydown", (event) => {
    const scene = model.get("scene");
    if (!scene.clickable || event.ctrlKey || event.metaKey || event.altKey || event.key === "Tab") return;
    event.stopPropagation();      // JupyterLab's command-mode shortcuts stay out
    const [x0, x1, y0, y1] = scene.extent;
    const picked = model.get("picked") || scene.marker || [(x0 + x1) / 2, (y0 + y1) / 2];
    const step = event.shiftKey ? 0.2 : 0.05;
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    let next = null;
    if (moves[event.key]) {
      const [dx, dy] = moves[event.key];
      next = [Math.min(x1, Math.max(x0, picked[0] + dx * step * (x1 - x0))),
              Math.min(y1, Math.max(y0, picked[1] + dy * step * (y1 - y0)))];
    } else if (event.key === "Home") {
      next = [(x0 + x1) / 2, (y0 + y1) / 2];
    }
    if (!next) return;
    event.preventDefault();
    model.set("picked", next);
    model.save_changes();
    const names = scene.axis_labels || ["x1", "x2"];
    announce(`picked ${names[0]} = ${formatNumber(next[0])}, ${names[1]} = ${formatNumber(next[1])}`);
  });
}

export default {
  render({ model, el }) {
    const root = widgetRoot(el, "plane");
    const title = htmlEl("div", { class: "course-title" }, root);
    const canvas = htmlEl("canvas", { class: "course-plane-canvas", role: "img" }, root);
    const legend = htmlEl("div", { class: "course-legend-row" }, root);
    const caption = htmlEl("div", { class: "course-caption" }, root);
    const help = htmlEl("span", { class: "course-sr-only", id: uniqueId("course-plane-help") }, root,
                        "Arrow keys move the picked point; Shift with an arrow: bigger steps; Home: the middle.");
    const status = htmlEl("span", { class: "course-sr-only", role: "status", "aria-live": "polite" }, root);
    const updateControls = planeControls(model, root);
    errorBox(model, root);
    planeKeys(model, canvas, (text) => { status.textContent = text; });
    const stopNaming = nameControlsAround(el);
    canvas.addEventListener("click", (event) => {
      const scene = model.get("scene");
      if (!scene.clickable) return;
      const rect = canvas.getBoundingClientRect();
      const box = planeBox(scene);
      // CSS pixels may be scaled (max-width: 100%), so convert through the displayed size.
      const sx = (event.clientX - rect.left) * scene.width / rect.width;
      const sy = (event.clientY - rect.top) * scene.height / rect.height;
      if (sx < box.left || sx > box.left + box.width || sy < box.top || sy > box.top + box.height) return;
      const [x0, x1, y0, y1] = scene.extent;
      const x = x0 + (sx - box.left) / box.width * (x1 - x0);
      const y = y0 + (box.top + box.height - sy) / box.height * (y1 - y0);
      model.set("picked", [x, y]);
      model.save_changes();
    });
    let painted = null;
    const redraw = () => {
      let scene = model.get("scene");
      if (!scene.extent) return;
      // A widget may send its points apart, in `point_groups`, only when they change (the Playground does: its
      // points stay while the picture changes at every update), and what changes at every update in `frame`
      // (the Playground's picture as palette indices, with its `palette` apart, and its accessible name).
      const groups = model.get("point_groups");
      if (groups && !scene.points) scene = { ...scene, points: groups };
      const frame = model.get("frame");
      if (frame && frame.scene_version === scene.version) {
        scene = { ...scene, ...frame, palette: model.get("palette") };
      }
      // The scene, the frame and the points of one message change together: paint once for them.
      const key = `${scene.version}/${groups ? groups.length : 0}/${model.get("palette") ? 1 : 0}`;
      if (scene.version !== undefined && painted && painted.key === key && painted.groups === groups &&
          painted.palette === model.get("palette")) {
        return;
      }
      painted = { key: key, groups: groups, palette: model.get("palette") };
      applyStyle(root, scene.style);
      // Text set only when it changes: a new text node makes the browser lay the page out again.
      if (title.textContent !== (scene.title || "")) title.textContent = scene.title || "";
      title.style.display = scene.title ? "block" : "none";
      canvas.setAttribute("aria-label", scene.label || scene.description || ((scene.title || "plane") + ": " + (scene.caption || "")));
      if (scene.clickable) {
        canvas.setAttribute("tabindex", "0");
        canvas.setAttribute("aria-describedby", help.id);
      } else {
        canvas.removeAttribute("tabindex");
        canvas.removeAttribute("aria-describedby");
      }
      drawLegend(legend, scene);
      canvas.dataset.version = scene.version;
      drawPlane(canvas, scene);
      canvas.dataset.paints = Number(canvas.dataset.paints || 0) + 1;     // how many times painted (browser tests)
      if (caption.textContent !== (scene.caption || "")) caption.textContent = scene.caption || "";
      updateControls();
    };
    const events = ["change:scene", "change:point_groups", "change:frame", "change:palette"];
    events.forEach((name) => model.on(name, redraw));
    redraw();
    return () => { events.forEach((name) => model.off(name, redraw)); stopNaming(); };
  },
};
