/* The report's charts (templates/reports/_section.html): every element with data-chart="ID" is drawn with
   Apache ECharts (static/vendor/echarts, docs/decisions/0100-charts.md) from the JSON in <script id="ID">,
   whose shape reports/figures/common.py describes: {type, title, categories, series: [{name, data}], unit}.
   No inline code, no HTML tooltips (the Content-Security-Policy refuses style="" attributes): tooltips are
   drawn on the canvas. Charts follow the width of their container, so they fit a phone as well as a desk. */
"use strict";

(function () {
  const NARROW = 520; // px: below this a chart turns its labels and moves its legend to fit

  function readChart(element) {
    const source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) return null;
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return null;
    }
  }

  function withUnit(unit) {
    return function (value) {
      return unit === "%" ? value + "%" : String(value);
    };
  }

  function option(chart, width) {
    const narrow = width < NARROW;
    const unit = chart.unit || "";
    const many = chart.series.length > 1;
    const base = {
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      tooltip: { trigger: chart.type === "pie" ? "item" : "axis", renderMode: "richText", confine: true },
      legend: many || chart.type === "pie"
        ? { type: "scroll", bottom: 0, left: "center", textStyle: { fontSize: narrow ? 11 : 12 } }
        : { show: false },
      textStyle: { fontFamily: "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" },
    };
    if (chart.type === "pie") {
      const series = chart.series[0] || { name: "", data: [] };
      base.series = [{
        type: "pie",
        name: series.name,
        radius: narrow ? ["25%", "60%"] : ["30%", "70%"],
        center: ["50%", "45%"],
        label: { show: !narrow, formatter: "{b}: {c} ({d}%)" },
        data: chart.categories.map(function (name, i) { return { name: name, value: series.data[i] }; }),
      }];
      return base;
    }
    const horizontal = chart.type === "hbar";
    const categoryAxis = {
      type: "category",
      data: chart.categories,
      axisLabel: horizontal
        ? { width: narrow ? 110 : 220, overflow: "truncate", fontSize: narrow ? 10 : 12 }
        : { interval: 0, rotate: narrow || chart.categories.length > 8 ? 45 : 0, fontSize: narrow ? 10 : 12,
            width: narrow ? 64 : 90, overflow: "truncate", hideOverlap: true },
    };
    if (horizontal) categoryAxis.inverse = true; // the first category at the top, as in the table
    const valueAxis = {
      type: "value",
      minInterval: unit === "%" ? 0 : 1,
      max: unit === "%" ? 100 : null,
      axisLabel: { formatter: withUnit(unit), fontSize: narrow ? 10 : 12 },
    };
    // Labels turned at 45° reach left of their bar: the first one needs room at the edge.
    const turned = !horizontal && categoryAxis.axisLabel.rotate;
    base.grid = { left: turned ? 28 : 8, right: 16, top: 16, bottom: many ? 40 : 8, containLabel: true };
    base.xAxis = horizontal ? valueAxis : categoryAxis;
    base.yAxis = horizontal ? categoryAxis : valueAxis;
    base.series = chart.series.map(function (series) {
      const drawn = {
        name: series.name,
        type: chart.type === "line" ? "line" : "bar",
        data: series.data,
        connectNulls: false,
        emphasis: { focus: "series" },
      };
      if (chart.type === "stacked") drawn.stack = "total";
      if (chart.type === "line") drawn.symbolSize = 6;
      if (chart.type !== "line") drawn.barMaxWidth = 36;
      return drawn;
    });
    return base;
  }

  function draw(element) {
    const chart = readChart(element);
    if (!chart || typeof echarts === "undefined") return null;
    if (chart.type === "hbar") {
      // A row per category: the chart grows with them instead of squeezing them together.
      element.style.height = Math.max(200, 30 * chart.categories.length + 60) + "px";
    }
    const instance = echarts.init(element, null, { renderer: "canvas" });
    instance.setOption(option(chart, element.clientWidth));
    element.setAttribute("data-drawn", "true");
    return { element: element, chart: chart, instance: instance, width: element.clientWidth };
  }

  function start() {
    const drawn = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      const item = draw(element);
      if (item) drawn.push(item);
    });
    if (!drawn.length) return;
    let pending = null;
    function resize() {
      pending = null;
      drawn.forEach(function (item) {
        const width = item.element.clientWidth;
        if ((width < NARROW) !== (item.width < NARROW)) {
          item.instance.setOption(option(item.chart, width), { notMerge: true });
        }
        item.width = width;
        item.instance.resize();
      });
    }
    window.addEventListener("resize", function () {
      if (pending === null) pending = window.setTimeout(resize, 150);
    });
    window.addEventListener("beforeprint", resize);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
