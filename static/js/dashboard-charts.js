// Draws each dashboard chart from the JSON that the page carries next to it
// (<script type="application/json" id="chart-data-…">), with the strict Plotly build.
// The figure is named (role="img" with the chart's summary) and its table carries the figures,
// so Plotly's toolbar (six buttons per chart inside an image) is turned off and the drawing's own
// text (ticks, legend) is kept out of the accessibility tree.
document.querySelectorAll(".hl-chart").forEach(function (element) {
  var spec = JSON.parse(document.getElementById("chart-data-" + element.dataset.chart).textContent);
  // The box keeps the chart's own height: Plotly fits a chart to its box whenever the box's width
  // changes (a figure widens while its table is open), and without a height of its own the box
  // had shrunk to its minimum, squashing the chart over its caption.
  if (spec.layout && spec.layout.height) {
    element.style.height = spec.layout.height + "px";
  }
  Plotly.newPlot(element, spec.data, spec.layout, {
    responsive: true,
    displaylogo: false,
    displayModeBar: false
  }).then(function () {
    element.querySelectorAll(".plot-container").forEach(function (drawing) {
      drawing.setAttribute("aria-hidden", "true");
    });
  });
  // On a desktop an opened "Show as table" widens its figure to the whole row (hearthlink.css), and
  // closing it narrows it again: the chart is redrawn to the figure's new width. Plotly itself
  // refits only when the window changes size.
  var figure = element.closest(".hl-chart-figure");
  var table = figure && figure.querySelector("details");
  if (table) {
    table.addEventListener("toggle", function () {
      Plotly.Plots.resize(element);
    });
  }
});

