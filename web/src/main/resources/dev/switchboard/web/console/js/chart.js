// Line charts over time with uPlot, the copy the dashboard vendors (dash/vendor/uplot: one copy
// for both apps, recorded in its VENDORED.md).
import uPlot from "/dash/vendor/uplot/uPlot.esm.js";

/**
 * A chart of series over time in `holder`: series is [[label, colour]]; returns
 * { set(times, ...columns) } (times in seconds) and resizes with its holder.
 */
export function timeChart(holder, title, series, { height = 180 } = {}) {
  const width = () => Math.max(240, holder.clientWidth || 600);
  const plot = new uPlot(
    {
      title,
      width: width(),
      height,
      series: [{}, ...series.map(([label, stroke]) => ({ label, stroke, width: 2, points: { show: false } }))],
      axes: [{}, { size: 60 }],
      legend: { live: false },
    },
    [[], ...series.map(() => [])],
    holder,
  );
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height }));
  observer.observe(holder);
  return {
    set(times, ...columns) {
      plot.setData([times, ...columns]);
    },
    destroy() {
      observer.disconnect();
      plot.destroy();
    },
  };
}
