// The Playground's clock. While `running`, it asks the kernel for the next update ("tick", with the number of the
// frame it wants), at most once every `interval_ms`, and with at most `max_in_flight` frames asked for but not yet
// arrived: messages through the Jupyter server take tens of milliseconds, so waiting for each frame before asking
// for the next would cap the rate, while a small window keeps the kernel busy without letting updates pile up.
// The kernel answers a tick only for the frame after the current one, so several open views never train twice.
// If asked-for frames never arrive (a lost message), it starts again from the last frame that did.

// For the keyboard: JupyterLab's notebook shortcuts (Enter: edit the cell, arrows: the next cell) must not take the
// keys a focused control needs (Enter and Space press a button, arrows change a menu or a slider): Lumino skips its
// shortcuts for keys pressed inside an element marked data-lm-suppress-shortcuts.
// Accessible names ipywidgets leaves out: a button that shows only a symbol ("+", "−") is named by its tooltip
// ("one neuron more in layer 1"; ipywidgets puts it in `title`, which does not name a button that has text), and a
// slider's handle (role "slider", which a <label> cannot name) by its slider's description ("Noise").
function prepareControls(playground) {
  for (const control of playground.querySelectorAll("button, select, input, textarea, [role=slider]")) {
    if (!control.hasAttribute("data-lm-suppress-shortcuts")) control.setAttribute("data-lm-suppress-shortcuts", "true");
  }
  const name = (element, text) => {
    if (text && element.getAttribute("aria-label") !== text) element.setAttribute("aria-label", text);
  };
  for (const button of playground.querySelectorAll("button[title]")) {
    if (button.textContent.trim().length <= 1) name(button, button.title);
  }
  for (const handle of playground.querySelectorAll("[role=slider]")) {
    const slider = handle.closest(".widget-slider");
    const label = slider && slider.querySelector(".widget-label");
    if (label) name(handle, label.textContent.trim());
  }
}

// The Playground's other views are drawn around the clock, some after it, all at once: prepare the controls a few
// times while they appear, and again whenever one is focused (no observer: playing changes the page at every frame).
function watchControls(el) {
  let playground = null;
  const prepare = () => {
    playground = playground || el.closest(".course-playground");
    if (playground) prepareControls(playground);
  };
  const timers = [0, 300, 1000, 3000, 10000].map((ms) => setTimeout(prepare, ms));
  const onFocus = () => prepare();
  const attach = setTimeout(() => {
    if (playground) playground.addEventListener("focusin", onFocus, true);
  }, 1000);
  return () => {
    timers.forEach(clearTimeout);
    clearTimeout(attach);
    if (playground) playground.removeEventListener("focusin", onFocus, true);
  };
}

export default {
  render({ model, el }) {
    const box = document.createElement("div");
    box.className = "course-playground-clock";
    box.style.fontVariantNumeric = "tabular-nums";
    box.style.fontSize = "1.25em";
    // A box of fixed size whose inside is laid out on its own (CSS containment): the counter's text changes at every
    // frame, and without it the browser would lay out the whole Playground (its rows of flex boxes) again each time.
    box.style.width = "16em";
    box.style.height = "1.5em";
    box.style.lineHeight = "1.5em";
    box.style.whiteSpace = "nowrap";
    box.style.overflow = "hidden";
    box.style.contain = "strict";
    el.appendChild(box);
    let timer = null;
    let lastSent = -Infinity;
    let lastProgress = performance.now();
    let requested = model.get("frame");
    const show = () => {
      box.textContent = model.get("status");
      box.dataset.frame = model.get("frame");
      box.dataset.running = model.get("running");
    };
    const later = (ms) => { timer = setTimeout(pump, Math.max(0, ms)); };
    const pump = () => {
      timer = null;
      if (!model.get("running")) return;
      const frame = model.get("frame");
      const now = performance.now();
      if (requested < frame) requested = frame;
      if (requested - frame >= model.get("max_in_flight")) {
        if (now - lastProgress < 2000) return later(250);     // wait for a frame to arrive (it calls pump)
        requested = frame;                                     // lost: ask again from the last frame that came
      }
      const wait = model.get("interval_ms") - (now - lastSent);
      if (wait > 0) return later(wait);
      requested += 1;
      lastSent = now;
      model.send({ type: "tick", frame: requested });
      later(model.get("interval_ms"));
    };
    const restart = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      show();
      pump();
    };
    const onFrame = () => { lastProgress = performance.now(); restart(); };
    const onRunning = () => { lastProgress = performance.now(); requested = model.get("frame"); restart(); };
    model.on("change:frame", onFrame);
    model.on("change:running", onRunning);
    model.on("change:status", show);
    show();
    pump();
    const stopWatching = watchControls(el);
    return () => {
      stopWatching();
      if (timer !== null) clearTimeout(timer);
      model.off("change:frame", onFrame);
      model.off("change:running", onRunning);
      model.off("change:status", show);
    };
  },
};
