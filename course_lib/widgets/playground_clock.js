// The Playground's clock. While `running`, it asks the kernel for the next update ("tick", with the number of the
// frame it wants), at most once every `interval_ms`, and with at most `max_in_flight` frames asked for but not yet
// arrived: messages through the Jupyter server take tens of milliseconds, so waiting for each frame before asking
// for the next would cap the rate, while a small window keeps the kernel busy without letting updates pile up.
// The kernel answers a tick only for the frame after the current one, so several open views never train twice.
// If asked-for frames never arrive (a lost message), it starts again from the last frame that did.
export default {
  render({ model, el }) {
    const box = document.createElement("div");
    box.className = "course-playground-clock";
    box.style.fontVariantNumeric = "tabular-nums";
    box.style.fontSize = "1.25em";
    box.style.minWidth = "15em";
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
    return () => {
      if (timer !== null) clearTimeout(timer);
      model.off("change:frame", onFrame);
      model.off("change:running", onRunning);
      model.off("change:status", show);
    };
  },
};
