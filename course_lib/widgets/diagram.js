// The network diagram: an SVG of nodes and edges; click an edge or a bias to edit it with a slider.

function drawDiagram(model, svg, tooltip) {
  const scene = model.get("scene");
  const style = scene.style;
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  if (!scene.nodes) return;
  svg.setAttribute("width", scene.width);
  svg.setAttribute("height", scene.height);
  svg.setAttribute("viewBox", `0 0 ${scene.width} ${scene.height}`);
  const selected = model.get("selected");
  const editable = model.get("editable");
  const isSelected = (kind, layer, i, j) => selected && selected.kind === kind && selected.layer === layer &&
    (kind === "b" || selected.i === i) && selected.j === j;
  const fontSmall = Math.round(style.font_size * 0.85);

  const edgeLayer = svgEl("g", { class: "edges" }, svg);
  const labelLayer = svgEl("g", { class: "edge-labels" }, svg);
  for (const e of scene.edges) {
    const chosen = isSelected("W", e.layer, e.i, e.j);
    const group = svgEl("g", { class: "edge" + (chosen ? " selected" : ""), "data-layer": e.layer,
                                "data-i": e.i, "data-j": e.j }, edgeLayer);
    if (chosen) {
      svgEl("line", { x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2, stroke: style.highlight,
                      "stroke-width": e.width + 4, "stroke-opacity": 0.35 }, group);
    }
    svgEl("line", { class: "edge-line", x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2, stroke: e.color,
                    "stroke-width": e.width, "stroke-linecap": "round",
                    "stroke-dasharray": e.dash ? `${4 + e.width} ${3 + e.width / 2}` : null }, group);
    // A wide invisible line on top makes thin edges easy to click.
    const hit = svgEl("line", { class: "edge-hit", x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2, stroke: "transparent",
                                "stroke-width": 12 }, group);
    const title = `layer ${e.layer}: W[${e.i}, ${e.j}] = ${formatNumber(e.weight, 3)}` +
      (e.grad !== null ? `\ngradient ${formatNumber(e.grad, 4)}` : "");
    svgEl("title", {}, hit).textContent = title;
    if (editable) {
      hit.style.cursor = "pointer";
      hit.addEventListener("click", () => {
        model.set("selected", { layer: e.layer, kind: "W", i: e.i, j: e.j });
        model.save_changes();
      });
    }
    // Python chose where the label goes (see diagram_layout); the gradient goes just under the weight.
    const lx = e.label_x, ly = e.label_y;
    const labels = [];
    if (e.label || chosen) labels.push([ly - 3, chosen ? formatNumber(e.weight) : e.label, e.color, "weight"]);
    if (e.grad_label) labels.push([ly + fontSmall + (labels.length ? 0 : -3), e.grad_label, style.gradient, "grad"]);
    for (const [y, text, color, kind] of labels) {
      const label = svgEl("text", { x: lx, y: y, "text-anchor": "middle", fill: color, "data-kind": kind,
                                    "font-size": fontSmall, class: "edge-label", "paint-order": "stroke",
                                    stroke: style.background, "stroke-width": 3 }, labelLayer);
      label.textContent = text;
    }
  }

  const tileShape = scene.tile_shape;
  const tileBytes = tileShape ? bytesOf(scene.tiles) : null;
  const nodeLayer = svgEl("g", { class: "nodes" }, svg);
  for (const n of scene.nodes) {
    const group = svgEl("g", { class: "node node-" + n.kind, "data-layer": n.layer, "data-index": n.index },
                        nodeLayer);
    const h = n.half;
    if (n.tile !== null && tileBytes) {
      const [rows, cols] = tileShape;
      const canvas = rgbaCanvas(tileBytes, cols, rows, n.tile * rows * cols * 4);
      svgEl("image", { x: n.x - h, y: n.y - h, width: 2 * h, height: 2 * h, href: canvas.toDataURL(),
                       preserveAspectRatio: "none", class: "node-tile", style: "image-rendering: auto" }, group);
      svgEl("rect", { x: n.x - h, y: n.y - h, width: 2 * h, height: 2 * h, fill: "none",
                      stroke: style.text, "stroke-width": 1 }, group);
      if (n.value_text) {
        svgEl("text", { x: n.x, y: n.y - h - 4, "text-anchor": "middle", "font-size": fontSmall,
                        class: "node-value" }, group).textContent = n.value_text;
      }
    } else {
      svgEl("circle", { cx: n.x, cy: n.y, r: h, fill: n.fill, stroke: style.text,
                        "stroke-width": 1.2 * style.line_scale }, group);
      if (n.value_text) {
        svgEl("text", { x: n.x, y: n.y, "text-anchor": "middle", "dominant-baseline": "central",
                        "font-size": fontSmall, fill: n.text_color, class: "node-value" }, group)
          .textContent = n.value_text;
      }
    }
    if (n.label) {
      const left = n.kind === "input";
      svgEl("text", { x: left ? n.x - h - 6 : n.x + h + 6, y: n.y, "text-anchor": left ? "end" : "start",
                      "dominant-baseline": "central", class: "node-label" }, group).textContent = n.label;
    }
    let tip = n.kind === "input" ? `input ${n.label}` : `layer ${n.layer}, node ${n.index} (${n.activation})`;
    if (n.sum !== null) tip += `\nz = ${formatNumber(n.sum, 3)}, a = ${formatNumber(n.value, 3)}`;
    else if (n.value !== null) tip += ` = ${formatNumber(n.value, 3)}`;
    svgEl("title", {}, group).textContent = tip;
    if (n.bias_text) {
      const chosen = isSelected("b", n.layer - 1, 0, n.index);
      const bias = svgEl("text", { x: n.x, y: n.y + h + fontSmall + 1, "text-anchor": "middle",
                                   "font-size": fontSmall, fill: n.bias_color,
                                   class: "node-bias" + (chosen ? " selected" : ""),
                                   "font-weight": chosen ? "bold" : null,
                                   "data-layer": n.layer - 1, "data-j": n.index }, group);
      bias.textContent = n.bias_text;
      if (n.grad_b_text) {
        svgEl("text", { x: n.x, y: n.y + h + 2 * fontSmall + 3, "text-anchor": "middle", "font-size": fontSmall,
                        fill: style.gradient, class: "node-grad" }, group).textContent = n.grad_b_text;
      }
      if (editable) {
        bias.style.cursor = "pointer";
        bias.addEventListener("click", () => {
          model.set("selected", { layer: n.layer - 1, kind: "b", i: 0, j: n.index });
          model.save_changes();
        });
      }
    }
  }
}

function makeEditor(model, root) {
  const bar = htmlEl("div", { class: "course-editor" }, root);
  const label = htmlEl("span", { class: "course-editor-label" }, bar);
  const range = htmlEl("input", { type: "range", class: "course-editor-range", step: "0.01",
                                  "aria-label": "value of the selected weight" }, bar);
  const number = htmlEl("input", { type: "number", class: "course-editor-number", step: "0.05" }, bar);
  const close = htmlEl("button", { class: "course-editor-close", title: "close" }, bar, "×");
  let current = null;
  const send = (value) => {
    if (!current || !Number.isFinite(value)) return;
    model.send({ type: "set", layer: current.layer, kind: current.kind, i: current.i, j: current.j, value });
  };
  range.addEventListener("input", () => { number.value = range.value; send(parseFloat(range.value)); });
  number.addEventListener("change", () => send(parseFloat(number.value)));
  // Keys typed here belong to the editor: without this JupyterLab would take Enter, arrows, Home/End as
  // notebook shortcuts (enter edit mode, move between cells).
  bar.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Enter" && event.target === number) send(parseFloat(number.value));
  });
  close.addEventListener("click", () => { model.set("selected", null); model.save_changes(); });
  const update = () => {
    const scene = model.get("scene");
    const selected = model.get("selected");
    if (!selected || !model.get("editable") || scene.selected_value === undefined) {
      bar.style.display = "none";
      current = null;
      return;
    }
    bar.style.display = "flex";
    const key = JSON.stringify(selected);
    const changedTarget = !current || JSON.stringify(current) !== key;
    current = selected;
    label.textContent = selected.kind === "b"
      ? `layer ${selected.layer}: bias b[${selected.j}]`
      : `layer ${selected.layer}: weight W[${selected.i}, ${selected.j}]`;
    const bound = scene.edit_bound;
    if (changedTarget) { range.min = -bound; range.max = bound; }
    const value = scene.selected_value;
    if (value === null) return;
    // Do not fight the user's hand: while they drag, leave the handle where it is.
    if (changedTarget || document.activeElement !== range) range.value = value;
    if (document.activeElement !== number) number.value = formatNumber(value, 3);
  };
  return update;
}

export default {
  render({ model, el }) {
    const root = widgetRoot(el, "diagram");
    const svg = svgEl("svg", { class: "course-diagram-svg", role: "img",
                                "aria-label": "network diagram" }, root);
    const updateEditor = makeEditor(model, root);
    const caption = htmlEl("div", { class: "course-caption" }, root);
    errorBox(model, root);
    const redraw = () => {
      const scene = model.get("scene");
      applyStyle(root, scene.style);
      svg.setAttribute("aria-label", scene.label || "network diagram");
      drawDiagram(model, svg);
      updateEditor();
      caption.textContent = scene.caption || "";
      caption.style.display = scene.caption ? "block" : "none";
    };
    model.on("change:scene", redraw);
    model.on("change:selected", redraw);
    redraw();
    return () => {
      model.off("change:scene", redraw);
      model.off("change:selected", redraw);
    };
  },
};
