// Where the widget manager (embed-amd.js, loaded next) finds what it loads with require.js: the course's widgets
// are anywidgets, so "anywidget" is the local copy; the manager's own modules look for their icon fonts (the play
// button's) next to the URL require.js gives their name, so those names map to the manager's folder, which holds
// the fonts. Everything is in this script's folder (_static), whatever the depth of the page.
(function () {
  const here = new URL(".", document.currentScript.src).href;
  require.config({paths: {
    "anywidget": here + "anywidget/index",
    "@jupyter-widgets": here + "html-manager",
    "@jupyter-widgets/html-manager/dist": here + "html-manager",
  }});
  window.__jupyter_widgets_assets_path__ = here + "html-manager/";
})();
