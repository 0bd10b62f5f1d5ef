#include "report/page_script.h"

namespace malscope {

std::string_view page_css() {
  return R"css(
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --accent: #2f5fb3; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
       margin: 0; background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c5cbd6; }
nav { padding: 8px 28px; background: #fff; border-bottom: 1px solid var(--line); position: sticky;
      top: 0; z-index: 10; }
nav a { margin-right: 16px; color: var(--accent); text-decoration: none; }
main { padding: 8px 28px 40px; max-width: 1600px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 20px 16px;
          margin: 18px 0; }
h2 { font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; max-width: 110ch; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 9px; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: grid; gap: 14px; align-items: start; }
.grid > * { min-width: 0; }
.chart { width: 100%; min-height: 120px; }
.callout { padding: 8px 12px; border-radius: 4px; margin: 8px 0; border-left: 4px solid; }
.callout.info { background: #eef3fb; border-color: var(--accent); }
.callout.warn { background: #fdf1e7; border-color: #d9731a; }
.callout.good { background: #edf7ee; border-color: #3a8d45; }
.note { color: var(--muted); font-size: 12.5px; }
#malscope-status { background: #fde8e8; color: #8a1c1c; padding: 8px 28px; }
)css";
}

std::string_view page_boot_js() {
  return R"js(
(function () {
  'use strict';
  var errors = [];
  var status = document.getElementById('malscope-status');
  function fail(message) {
    errors.push(message);
    status.hidden = false;
    status.textContent = 'Could not draw everything: ' + errors.join('; ');
  }
  window.addEventListener('error', function (e) { fail(String(e.message || e)); });
  var page;
  try {
    page = JSON.parse(document.getElementById('malscope-data').textContent);
  } catch (e) {
    fail('page data: ' + e);
    return;
  }
  var shared = page.shared || {};
  var config = { displaylogo: false, responsive: true };

  // A sample travels as positions, API numbers and thread numbers; names come from shared.apis.
  function sampleSpec(c) {
    var s = c.sample, names = shared.apis, n = s.x.length, is3d = s.mode === '3d';
    var y = new Array(n), text = new Array(n);
    var pids = s.pids && s.pids.length ? s.pids : null;  // threads grouped by process
    for (var i = 0; i < n; i++) {
      y[i] = names[s.a[i]];
      text[i] = (pids ? 'pid ' + pids[s.t[i]] + ', ' : '') + 'tid ' + s.tids[s.t[i]];
    }
    var threads = s.tids.length;
    var marker = { size: is3d ? 2 : 4, color: s.t, colorscale: 'Viridis', cmin: 0,
                   cmax: Math.max(1, threads - 1), showscale: threads > 1,
                   colorbar: { title: { text: pids ? 'thread (by process)' : 'thread' },
                               thickness: 10 } };
    var apiAxis = { title: { text: 'API' }, type: 'category', categoryorder: 'array',
                    categoryarray: names, automargin: true, tickfont: { size: 9 } };
    var posAxis = { title: { text: 'call position' } };
    var title = { text: s.title, font: { size: 13 } };
    if (is3d) {
      return { data: [{ type: 'scatter3d', mode: 'markers', x: s.x, y: y, z: s.t, text: text,
                        hovertemplate: '%{y}<br>position %{x}<br>thread #%{z}, %{text}<extra></extra>',
                        marker: marker }],
               layout: { title: title, margin: { l: 0, r: 0, t: 40, b: 0 },
                         scene: { xaxis: posAxis, yaxis: apiAxis,
                                  zaxis: { title: { text: 'thread' } } } } };
    }
    return { data: [{ type: s.gl ? 'scattergl' : 'scatter', mode: 'markers', x: s.x, y: y,
                      text: text, hovertemplate: '%{y}<br>position %{x}<br>%{text}<extra></extra>',
                      marker: marker }],
             layout: { title: title, margin: { l: 10, r: 10, t: 40, b: 40 }, xaxis: posAxis,
                       yaxis: apiAxis } };
  }

  function drawn(c, el) {
    var svg = el.querySelector('svg.main-svg');
    var needsCanvas = c.sample ? (c.sample.mode === '3d' || c.sample.gl) : false;
    return !!svg && (!needsCanvas || !!el.querySelector('canvas'));
  }

  var jobs = page.charts.map(function (c) {
    var el = document.getElementById(c.id);
    try {
      var spec = c.sample ? sampleSpec(c) : c;
      var layout = spec.layout || {};
      // Titles on the left, clear of the tool bar on the right.
      if (layout.title && layout.title.x === undefined) {
        layout.title.x = 0.01;
        layout.title.xanchor = 'left';
      }
      return Plotly.newPlot(el, spec.data, layout, config).then(
        function () { if (drawn(c, el)) el.setAttribute('data-drawn', '1'); },
        function (e) { fail(c.id + ': ' + e); });
    } catch (e) {
      fail(c.id + ': ' + e);
      return Promise.resolve();
    }
  });
  Promise.all(jobs).then(function () {
    var n = document.querySelectorAll('.chart[data-drawn="1"]').length;
    if (n < page.charts.length) fail((page.charts.length - n) + ' chart(s) did not draw');
    document.body.setAttribute('data-charts', String(page.charts.length));
    document.body.setAttribute('data-drawn', String(n));
    document.body.setAttribute('data-errors', String(errors.length));
    document.body.setAttribute('data-rendered', 'yes');
  });
})();
)js";
}

}  // namespace malscope
