// The network diagram: an SVG of nodes and edges; click an edge or a bias to edit it with a slider.
// Keyboard (the diagram is one tab stop when editable): arrow keys choose a weight or bias (it is selected and the
// editor opens), Enter or Space moves into the editor's slider, + and - change the chosen value by 0.1, Escape
// closes the editor (from the editor: back to the diagram). DIAGRAM_KEYS below is the help a screen reader reads.

const DIAGRAM_KEYS = "Arrow keys: choose a weight or a bias. Enter or Space: edit it with the slider. " +
  "Plus and minus: change it by 0.1. Escape: close the editor.";
const NUDGE = 0.1;

// The picture to draw. A diagram that sends what changed (the Playground's) keeps where everything sits in `scene`
// and sends, at every update, what the weights change in `frame`: each node's and each edge's values as columns
// (frame.nodes.fill[k] is node k's fill), its tiles as palette indices (the `palette` apart). Joined here, once per
// message; null while the frame belongs to another scene. Any other diagram sends its whole picture in `scene`.
function pictureOf(model) {
  const scene = model.get("scene");
  const frame = model.get("frame");
  if (!frame || !frame.nodes) return scene;
  if (frame.scene_version !== scene.version) return null;
  const palette = model.get("palette");
  const cached = model._coursePicture;
  if (cached && cached.scene === scene && cached.frame === frame && cached.palette === palette) return cached.picture;
  const row = (columns, k) => {
    const values = {};
    for (const key of Object.keys(columns)) values[key] = columns[key][k];
    return values;
  };
  const picture = { ...scene, ...frame };
  picture.nodes = scene.nodes.map((node, k) => ({ ...node, ...row(frame.nodes, k) }));
  picture.edges = scene.edges.map((edge, k) => ({ ...edge, ...row(frame.edges, k) }));
  if (frame.tile_indices && palette) {
    const indices = bytesOf(frame.tile_indices);
    const rgba = new Uint8Array(indices.length * 4);
    paintIndices(rgba.buffer, indices, paletteColours(palette));
    picture.tiles = rgba;
  }
  model._coursePicture = { scene, frame, palette, picture };
  return picture;
}

function drawDiagram(model, svg, scene) {
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
    if (e.label || chosen) {
      labels.push([ly - 3, chosen ? formatNumber(e.weight) : e.label, e.label_color || e.color, "weight"]);
    }
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

function makeEditor(model, root, backToDiagram) {
  const bar = htmlEl("div", { class: "course-editor", role: "group", "aria-label": "weight editor" }, root);
  const label = htmlEl("span", { class: "course-editor-label", id: uniqueId("course-editor-label") }, bar);
  const range = htmlEl("input", { type: "range", class: "course-editor-range", step: "0.01",
                                  "aria-label": "value of the selected weight" }, bar);
  const number = htmlEl("input", { type: "number", class: "course-editor-number", step: "0.05",
                                   "aria-label": "value of the selected weight, as a number" }, bar);
  const close = htmlEl("button", { class: "course-editor-close", title: "close the editor (Escape)",
                                   "aria-label": "close the editor" }, bar, "×");
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
    if (event.key === "Escape") {
      event.preventDefault();
      model.set("selected", null);
      model.save_changes();
      backToDiagram();
    }
  });
  close.addEventListener("click", () => { model.set("selected", null); model.save_changes(); });
  const update = () => {
    const scene = pictureOf(model);
    const selected = model.get("selected");
    if (!scene || !selected || !model.get("editable") || scene.selected_value === undefined) {
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
    range.setAttribute("aria-label", `value of ${label.textContent}`);
    number.setAttribute("aria-label", `value of ${label.textContent}, as a number`);
    const bound = scene.edit_bound;
    if (changedTarget) { range.min = -bound; range.max = bound; }
    const value = scene.selected_value;
    if (value === null) return;
    // Do not fight the user's hand: while they drag, leave the handle where it is.
    if (changedTarget || document.activeElement !== range) range.value = value;
    if (document.activeElement !== number) number.value = formatNumber(value, 3);
  };
  return { update, focus: () => range.focus() };
}

// What the arrow keys walk through: every weight of a layer, then its biases, layer by layer.
function editableItems(scene) {
  const items = [];
  const layers = new Set(scene.edges.map((e) => e.layer));
  for (const layer of [...layers].sort((a, b) => a - b)) {
    for (const e of scene.edges) {
      if (e.layer === layer) items.push({ layer, kind: "W", i: e.i, j: e.j, value: e.weight });
    }
    for (const n of scene.nodes) {
      if (n.layer === layer + 1 && n.bias !== null) items.push({ layer, kind: "b", i: 0, j: n.index, value: n.bias });
    }
  }
  return items;
}

function itemName(item) {
  return item.kind === "b" ? `layer ${item.layer}: bias b[${item.j}]` : `layer ${item.layer}: weight W[${item.i}, ${item.j}]`;
}

// The diagram's keyboard: one tab stop; the keys are in DIAGRAM_KEYS. Returns nothing; it works through `selected`.
function diagramKeys(model, keys, editor, announce) {
  let pending = null;
  const same = (a, b) => a && b && a.layer === b.layer && a.kind === b.kind && a.j === b.j && (a.kind === "b" || a.i === b.i);
  keys.addEventListener("keydown", (event) => {
    if (!model.get("editable") || event.ctrlKey || event.metaKey || event.altKey || event.key === "Tab") return;
    // Every other key stays here, so JupyterLab's command-mode shortcuts (A, B, D D, arrows...) do not fire.
    event.stopPropagation();
    const scene = pictureOf(model);
    const items = scene && scene.edges ? editableItems(scene) : [];
    if (!items.length) return;
    const selected = model.get("selected");
    let index = items.findIndex((item) => same(item, selected));
    const current = index < 0 ? null : items[index];
    // A value sent with + or - shows in the scene only once the kernel has answered (keys can come faster): until
    // the scene shows it (or for 2 s, if the kernel never does), count from the value sent.
    if (current && pending && same(pending.item, current) && current.value !== pending.value &&
        performance.now() - pending.time < 2000) {
      current.value = pending.value;
    }
    const choose = (k) => {
      const item = items[(k + items.length) % items.length];
      model.set("selected", { layer: item.layer, kind: item.kind, i: item.i, j: item.j });
      model.save_changes();
      announce(`${itemName(item)} = ${formatNumber(item.value, 3)}`);
    };
    if (event.key === "ArrowRight" || event.key === "ArrowDown") { event.preventDefault(); choose(index + 1); }
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
      event.preventDefault(); choose(index < 0 ? items.length - 1 : index - 1);
    } else if (event.key === "Home") { event.preventDefault(); choose(0); }
    else if (event.key === "End") { event.preventDefault(); choose(items.length - 1); }
    else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (index < 0) choose(0);
      // the editor appears once the kernel has answered with the selected value
      const start = performance.now();
      const wait = () => {
        const picture = pictureOf(model);
        if (picture && picture.selected_value !== undefined && picture.selected_value !== null &&
            model.get("selected")) editor.focus();
        else if (performance.now() - start < 5000) setTimeout(wait, 30);
      };
      wait();
    } else if (event.key === "+" || event.key === "=" || event.key === "-" || event.key === "_") {
      event.preventDefault();
      if (index < 0) { choose(0); return; }
      const item = current;
      const value = (item.value === null ? 0 : item.value) + (event.key === "-" || event.key === "_" ? -NUDGE : NUDGE);
      const rounded = Math.round(value * 1000) / 1000;
      pending = { item, value: rounded, time: performance.now() };
      model.send({ type: "set", layer: item.layer, kind: item.kind, i: item.i, j: item.j, value: rounded });
      announce(`${itemName(item)} = ${formatNumber(rounded, 3)}`);
    } else if (event.key === "Escape") {
      model.set("selected", null);
      model.save_changes();
      announce("editor closed");
    }
  });
}

export default {
  render({ model, el }) {
    const root = widgetRoot(el, "diagram");
    // The drawing is an image with a description Python wrote (scene.description); when the weights can be edited,
    // the box around it is the keyboard's way in (see DIAGRAM_KEYS).
    const keys = htmlEl("div", { class: "course-diagram-keys" }, root);
    const svg = svgEl("svg", { class: "course-diagram-svg", role: "img", "aria-label": "network diagram" }, keys);
    const help = htmlEl("span", { class: "course-sr-only", id: uniqueId("course-diagram-help") }, root, DIAGRAM_KEYS);
    const status = htmlEl("span", { class: "course-sr-only", role: "status", "aria-live": "polite" }, root);
    const editor = makeEditor(model, root, () => keys.focus());
    const caption = htmlEl("div", { class: "course-caption" }, root);
    errorBox(model, root);
    diagramKeys(model, keys, editor, (text) => { status.textContent = text; });
    const stopNaming = nameControlsAround(el);
    let drawn = null;
    const redraw = () => {
      const scene = pictureOf(model);
      // One message can change the scene, the frame and the palette together: draw once for them.
      if (!scene || (drawn && drawn.scene === scene && drawn.selected === model.get("selected"))) return;
      drawn = { scene, selected: model.get("selected") };
      applyStyle(root, scene.style);
      drawDiagram(model, svg, scene);
      // The accessible name: the scene's label when it has one (the Playground's: the epoch, the architecture and
      // how to read the picture), else the description of the weights Python wrote.
      svg.setAttribute("aria-label", scene.label || scene.description || "network diagram");
      const editable = !!model.get("editable") && !!scene.edges;
      if (editable) {
        keys.setAttribute("tabindex", "0");
        keys.setAttribute("role", "group");
        keys.setAttribute("aria-label", "network diagram, weights editable with the keyboard");
        keys.setAttribute("aria-describedby", help.id);
      } else {
        for (const name of ["tabindex", "role", "aria-label", "aria-describedby"]) keys.removeAttribute(name);
      }
      editor.update();
      caption.textContent = scene.caption || "";
      caption.style.display = scene.caption ? "block" : "none";
    };
    const events = ["change:scene", "change:frame", "change:palette", "change:selected"];
    events.forEach((name) => model.on(name, redraw));
    redraw();
    return () => {
      events.forEach((name) => model.off(name, redraw));
      stopNaming();
    };
  },
};
