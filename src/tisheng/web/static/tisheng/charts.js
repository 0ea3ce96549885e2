// Draws every chart container from the ECharts options the server wrote next to it (json_script).
(function () {
  "use strict";
  function draw(root) {
    root.querySelectorAll("div.chart[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var data = document.getElementById(el.dataset.chart);
      if (!data || typeof echarts === "undefined") { return; }
      var instance = echarts.init(el, null, { renderer: "canvas" });
      instance.setOption(JSON.parse(data.textContent));
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { instance.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
