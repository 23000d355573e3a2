// Where require.js finds the widget manager's files: in the site's _static folder, from every page.
// embed-amd.js loads its icon fonts relative to its module id ("@jupyter-widgets/..."); without these paths
// that id is read as a folder beside the page, and the fonts are missing.
(function () {
  const root = document.documentElement.dataset.content_root || "";
  const manager = root + "_static/html-manager";
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": manager, "@jupyter-widgets": manager } });
})();
