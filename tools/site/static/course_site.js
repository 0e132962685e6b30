// Opened from disk (file://), the browser refuses the search page's fetch of each result page (Sphinx fetches it
// for a summary): an error in the console and no summary. There, list the results without summaries; served over
// HTTP, they keep them.
if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
