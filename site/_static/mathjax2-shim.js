// The one MathJax 2 call the widgets make, answered by MathJax 3.
// ipywidgets' controls call MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]) whenever window.MathJax
// exists (the MathJax 2 API; ipywidgets issue 3829). MathJax 3 has no Hub: without this, every widget label
// is a page error. This runs before MathJax 3 starts (it is deferred) and keeps the page's MathJax settings.
(function () {
  function queue() {
    for (const job of arguments) {
      const element = Array.isArray(job) ? job[2] : null;
      if (element && window.MathJax && window.MathJax.typesetPromise) {
        window.MathJax.typesetPromise([element]);
      }
    }
  }
  const config = window.MathJax || {};
  const startup = config.startup || {};
  config.Hub = { Queue: queue };
  config.startup = Object.assign({}, startup, {
    ready: function () {
      (startup.ready || window.MathJax.startup.defaultReady)();
      window.MathJax.Hub = { Queue: queue };  // MathJax 3 replaced the settings object by itself
    },
  });
  window.MathJax = config;
})();
