// Draws each dashboard chart from the JSON that the page carries next to it
// (<script type="application/json" id="chart-data-…">), with the strict Plotly build.
// The figure is named (role="img" with the chart's summary) and its table carries the figures,
// so Plotly's toolbar (six buttons per chart inside an image) is turned off and the drawing's own
// text (ticks, legend) is kept out of the accessibility tree.
document.querySelectorAll(".hl-chart").forEach(function (element) {
  var spec = JSON.parse(document.getElementById("chart-data-" + element.dataset.chart).textContent);
  Plotly.newPlot(element, spec.data, spec.layout, {
    responsive: true,
    displaylogo: false,
    displayModeBar: false
  }).then(function () {
    element.querySelectorAll(".plot-container").forEach(function (drawing) {
      drawing.setAttribute("aria-hidden", "true");
    });
  });
});
