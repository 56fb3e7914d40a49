/* Draws the dashboards' charts with the vendored ECharts. Each chart is an element with
   data-chart="<id>" whose options sit in <script type="application/json" id="<id>"> (rendered
   by Django's json_script), so the pages need no inline script (the CSP forbids it). */
(function () {
  "use strict";

  var PALETTE = ["#0f6e6e", "#2f6fde", "#d68910", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d"];

  function draw(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var options;
      try {
        options = JSON.parse(source.textContent);
      } catch (e) {
        return;
      }
      if (!options) return;
      if (!options.color) options.color = PALETTE;
      options.textStyle = options.textStyle || { fontFamily: "inherit" };
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
      chart.setOption(options, true);
    });
  }

  function resizeAll() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
  window.addEventListener("resize", resizeAll);
})();
