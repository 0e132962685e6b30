// Rows of small heatmaps (neuron activations over the plane, weight matrices), each a canvas.

function legendBar(style, labels, parent) {
  const bar = htmlEl("div", { class: "course-legend" }, parent);
  bar.style.display = "flex";
  bar.style.alignItems = "center";
  bar.style.gap = "4px";
  bar.style.fontSize = "0.85em";
  htmlEl("span", {}, bar, labels[0]);
  const ramp = htmlEl("span", {}, bar);
  ramp.style.display = "inline-block";
  ramp.style.width = "90px";
  ramp.style.height = "9px";
  ramp.style.border = "1px solid rgba(0,0,0,0.3)";
  ramp.style.background = `linear-gradient(to right, ${style.negative}, ${style.neutral}, ${style.positive})`;
  htmlEl("span", {}, bar, labels[2]);
}

function drawTiles(container, scene) {
  while (container.firstChild) container.removeChild(container.firstChild);
  const pixels = bytesOf(scene.pixels);
  (scene.layout || []).forEach((panel, p) => {
    const block = htmlEl("div", { class: "course-tile-panel", "data-panel": p }, container);
    const head = htmlEl("div", { class: "course-tile-head" }, block);
    head.style.display = "flex";
    head.style.gap = "12px";
    head.style.alignItems = "center";
    htmlEl("span", { class: "course-tile-title" }, head, panel.title);
    legendBar(scene.style, panel.legend, head);
    const row = htmlEl("div", { class: "course-tile-row" }, block);
    for (const tile of panel.tiles) {
      const box = htmlEl("div", { class: "course-tile" + (panel.smooth ? " course-tile-smooth" : "") }, row);
      const canvas = rgbaCanvas(pixels, tile.cols, tile.rows, tile.offset);
      canvas.style.width = tile.display_width + "px";
      canvas.style.height = tile.display_height + "px";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", tile.description || `${panel.title}: ${tile.label}`);
      box.appendChild(canvas);
      htmlEl("span", { class: "course-tile-label" }, box, tile.label);
    }
  });
}

export default {
  render({ model, el }) {
    const root = widgetRoot(el, "tiles");
    const title = htmlEl("div", { class: "course-title" }, root);
    const container = htmlEl("div", { class: "course-tiles" }, root);
    errorBox(model, root);
    const stopNaming = nameControlsAround(el);
    const redraw = () => {
      const scene = model.get("scene");
      if (!scene.layout) return;
      applyStyle(root, scene.style);
      title.textContent = scene.title || "";
      title.style.display = scene.title ? "block" : "none";
      container.dataset.version = scene.version;
      drawTiles(container, scene);
    };
    model.on("change:scene", redraw);
    redraw();
    return () => { model.off("change:scene", redraw); stopNaming(); };
  },
};
