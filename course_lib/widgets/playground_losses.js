// The Playground's losses as numbers ("Test loss 0.123  Training loss 0.130", then the accuracies): the words are
// laid out once, and at each update only the numbers' text is set, and only where it changed (an HTML widget whose
// value changes replaces its whole content, and the browser lays the page out again at every frame).
export default {
  render({ model, el }) {
    const box = document.createElement("div");
    box.className = "course-playground-numbers";
    el.appendChild(box);
    let shownNames = null;
    let numbers = [];
    const show = () => {
      const lines = model.get("lines");
      const names = JSON.stringify(lines.map((line) => line.map(([name]) => name)));
      if (names !== shownNames) {                 // another task (accuracies or not): lay the words out again
        box.replaceChildren();
        numbers = [];
        lines.forEach((line, k) => {
          if (k > 0) box.appendChild(document.createElement("br"));
          line.forEach(([name], j) => {
            if (j > 0) box.appendChild(document.createTextNode(" "));
            const word = document.createElement("b");
            word.textContent = name;
            box.appendChild(word);
            box.appendChild(document.createTextNode(" "));
            // Each number in a box of fixed size laid out on its own (CSS containment): its text changes at every
            // frame, and the rest of the page then needs no new layout for it.
            const number = document.createElement("span");
            Object.assign(number.style, { fontVariantNumeric: "tabular-nums", display: "inline-block", width: "4.2em",
                                          height: "1.3em", lineHeight: "1.3em", verticalAlign: "bottom",
                                          whiteSpace: "nowrap", overflow: "hidden", contain: "strict" });
            box.appendChild(number);
            numbers.push(number);
          });
        });
        shownNames = names;
      }
      lines.flat().forEach(([, text], k) => {
        if (numbers[k].textContent !== text) numbers[k].textContent = text;
      });
    };
    model.on("change:lines", show);
    show();
    return () => model.off("change:lines", show);
  },
};
