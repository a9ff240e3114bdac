// Draws each dashboard chart from the JSON that the page carries next to it
// (<script type="application/json" id="chart-data-…">), with the strict Plotly build.
document.querySelectorAll(".hl-chart").forEach(function (element) {
  var spec = JSON.parse(document.getElementById("chart-data-" + element.dataset.chart).textContent);
  Plotly.newPlot(element, spec.data, spec.layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"]
  });
});
