// The Playground's clock. While `running`, the browser asks the kernel for the updates up to `frames_ahead` frames
// past the last one that arrived ({type: "ask", until: n}), and asks again once half of them have arrived. The
// kernel makes them on its own timer, one at most every `interval_ms`, and never more than were asked for, so
// updates never pile up in a slow browser. Why not ask for each update: every message the browser sends makes the
// kernel report busy, then idle, and JupyterLab redraws its kernel indicators (the toolbar's circle, the tab's
// icon, the status bar) both times: asking at each update cost about as much of the browser's time as drawing it.
// If asked-for frames never come (a lost message, a busy kernel), it asks again every two seconds; the kernel
// keeps the furthest frame asked for, so asking twice never trains twice.

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
    let asked = model.get("frame");
    let lastProgress = performance.now();
    const show = () => {
      box.textContent = model.get("status");
      box.dataset.frame = model.get("frame");
      box.dataset.running = model.get("running");
    };
    const ask = (again = false) => {
      if (!model.get("running")) return;
      const frame = model.get("frame");
      const ahead = model.get("frames_ahead");
      if (!again && asked - frame > ahead / 2) return;     // more than half of what was asked for is still coming
      asked = frame + ahead;
      model.send({ type: "ask", until: asked });
    };
    const onFrame = () => { lastProgress = performance.now(); show(); ask(); };
    const onRunning = () => { lastProgress = performance.now(); show(); ask(true); };
    const watchdog = setInterval(() => {
      if (model.get("running") && performance.now() - lastProgress > 2000) {
        lastProgress = performance.now();
        ask(true);
      }
    }, 1000);
    model.on("change:frame", onFrame);
    model.on("change:running", onRunning);
    model.on("change:status", show);
    show();
    ask(true);
    const stopWatching = watchControls(el);
    return () => {
      stopWatching();
      clearInterval(watchdog);
      model.off("change:frame", onFrame);
      model.off("change:running", onRunning);
      model.off("change:status", show);
    };
  },
};
