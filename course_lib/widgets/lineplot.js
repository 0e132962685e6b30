// Curves on a canvas: series (broken where a value is NaN), dots, a vertical marker, a legend.

const LINE_MARGIN = { left: 56, right: 12, top: 10, bottom: 44 };

function drawLines(canvas, scene) {
  const style = scene.style;
  const ctx = freshContext(canvas, scene.width, scene.height);
  ctx.fillStyle = style.background;
  ctx.fillRect(0, 0, scene.width, scene.height);
  const box = { left: LINE_MARGIN.left, top: LINE_MARGIN.top, width: scene.width - LINE_MARGIN.left - LINE_MARGIN.right,
                height: scene.height - LINE_MARGIN.top - LINE_MARGIN.bottom };
  const [x0, x1] = scene.x_range, [y0, y1] = scene.y_range;
  const px = (x) => box.left + (x - x0) / (x1 - x0) * box.width;
  const py = (y) => box.top + box.height - (y - y0) / (y1 - y0) * box.height;
  ctx.save();
  ctx.beginPath(); ctx.rect(box.left, box.top, box.width, box.height); ctx.clip();
  for (const s of scene.series) {
    const xs = floatsOf(s.x), ys = floatsOf(s.y);
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width * style.line_scale;
    ctx.setLineDash(s.dash ? [6, 4] : []);
    ctx.beginPath();
    let drawing = false;
    for (let k = 0; k < xs.length; k++) {
      if (!Number.isFinite(ys[k]) || !Number.isFinite(xs[k])) { drawing = false; continue; }
      if (drawing) ctx.lineTo(px(xs[k]), py(ys[k])); else ctx.moveTo(px(xs[k]), py(ys[k]));
      drawing = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  for (const p of scene.points || []) {
    if (p.x === null || p.y === null) continue;
    ctx.fillStyle = p.color;
    ctx.beginPath(); ctx.arc(px(p.x), py(p.y), 3.5 * style.line_scale, 0, 2 * Math.PI); ctx.fill();
    if (p.label) {
      ctx.font = `${Math.round(style.font_size * 0.85)}px ${style.font_family}`;
      ctx.fillText(p.label, px(p.x) + 6, py(p.y) - 6);
    }
  }
  if (scene.marker_x !== null && scene.marker_x !== undefined) {
    ctx.strokeStyle = style.highlight;
    ctx.lineWidth = 1.2 * style.line_scale;
    ctx.setLineDash([3, 3]);
    ctx.beginPath(); ctx.moveTo(px(scene.marker_x), box.top); ctx.lineTo(px(scene.marker_x), box.top + box.height);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
  drawAxes(ctx, box, [x0, x1, y0, y1], [scene.x_label, scene.y_label], style);
  // legend, top right
  const labelled = scene.series.filter((s) => s.label);
  ctx.font = `${Math.round(style.font_size * 0.9)}px ${style.font_family}`;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  labelled.forEach((s, k) => {
    const y = box.top + 10 + k * (style.font_size + 4);
    const right = box.left + box.width - 6;
    const textWidth = ctx.measureText(s.label).width;
    ctx.fillStyle = "rgba(255,255,255,0.8)";
    ctx.fillRect(right - textWidth - 30, y - style.font_size / 2 - 1, textWidth + 32, style.font_size + 2);
    ctx.fillStyle = style.text;
    ctx.fillText(s.label, right, y);
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width * style.line_scale;
    ctx.setLineDash(s.dash ? [6, 4] : []);
    ctx.beginPath(); ctx.moveTo(right - textWidth - 26, y); ctx.lineTo(right - textWidth - 6, y); ctx.stroke();
    ctx.setLineDash([]);
  });
}

// Two float32 arrays (as sent) end to end.
function joined(first, second) {
  const a = floatsOf(first), b = floatsOf(second);
  const both = new Float32Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  return both;
}

export default {
  render({ model, el }) {
    const root = widgetRoot(el, "lineplot");
    const title = htmlEl("div", { class: "course-title" }, root);
    const canvas = htmlEl("canvas", { class: "course-line-canvas", role: "img" }, root);
    errorBox(model, root);
    const stopNaming = nameControlsAround(el);
    let painted = null;
    const redraw = () => {
      let scene = model.get("scene");
      if (!scene.series) return;
      // A plot redrawn at every update (the Playground's loss curve) sends the points it already sent once, in
      // `scene`, and the points after them with the ranges and its name in `frame`: draw the two joined.
      const frame = model.get("frame");
      if (frame && frame.series && frame.scene_version === scene.version) {
        scene = { ...scene, x_range: frame.x_range, y_range: frame.y_range, description: frame.description,
                  version: frame.version,
                  series: scene.series.map((s, k) => ({ ...s, x: joined(s.x, frame.series[k].x),
                                                        y: joined(s.y, frame.series[k].y) })) };
      }
      if (scene.version !== undefined && painted === scene.version) return;   // scene and frame of one message: once
      painted = scene.version;
      applyStyle(root, scene.style);
      title.textContent = scene.title || "";
      title.style.display = scene.title ? "block" : "none";
      canvas.setAttribute("aria-label", scene.description || scene.title || "line plot");
      canvas.dataset.version = scene.version;
      drawLines(canvas, scene);
    };
    model.on("change:scene", redraw);
    model.on("change:frame", redraw);
    redraw();
    return () => { model.off("change:scene", redraw); model.off("change:frame", redraw); stopNaming(); };
  },
};
