// Draws every chart container from the ECharts options the server wrote next to it (json_script).
(function () {
  "use strict";
  function draw(root) {
    root.querySelectorAll("div.chart[data-chart]").forEach(function (el) {
      if (el.dataset.started) { return; }
      var data = document.getElementById(el.dataset.chart);
      if (!data || typeof echarts === "undefined") { return; }
      var instance = echarts.init(el, null, { renderer: "canvas" });
      // data-drawn is set once ECharts has finished rendering (after its animation): tests wait for it.
      instance.on("finished", function () { el.dataset.drawn = "1"; });
      el.dataset.started = "1";
      instance.setOption(JSON.parse(data.textContent));
      window.addEventListener("resize", function () { instance.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
