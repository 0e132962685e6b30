// Opened from disk (file://), the browser refuses the search page's fetch of each result page (Sphinx fetches it
// for a summary): an error in the console and no summary. There, list the results without summaries; served over
// HTTP, they keep them.
if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}

// MathJax 2 pauses 50 ms between reading and drawing each piece it typesets, and the widget manager asks it to
// typeset every widget's label apart: notebook 10's page, with the Playground's 34 labels, kept typesetting for 7 s
// (about 1 s without the pause). MathJax loads asynchronously, before or after this script: set its Hub's
// processSectionDelay (a property of the Hub, not a configuration option) now or as soon as its configuration ends.
(function () {
  const noPause = () => { MathJax.Hub.processSectionDelay = 0; };
  if (window.MathJax && window.MathJax.Hub) {
    noPause();
  } else {
    window.MathJax = Object.assign(window.MathJax || {}, {
      AuthorInit: () => MathJax.Hub.Register.StartupHook("End Config", noPause),
    });
  }
})();
