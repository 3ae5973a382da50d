/* newsbot coverage report charts: drawn as SVG from the JSON in #report-data, no libraries. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a"];
  var data = JSON.parse(document.getElementById("report-data").textContent);

  function svgEl(name, attrs, parent, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function tip(node, text) { svgEl("title", {}, node, text); }

  function frame(box, width, height) {
    return svgEl("svg", {viewBox: "0 0 " + width + " " + height, width: "100%",
                         role: "img", "aria-label": box.getAttribute("aria-label") || ""}, box);
  }

  function legend(box, names, colours, cls) {
    var list = document.createElement("ul");
    list.className = "legend " + cls;
    names.forEach(function (name, i) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colours[i];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(name));
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function empty(box, text) {
    var p = document.createElement("p");
    p.className = "empty";
    p.textContent = text;
    box.appendChild(p);
  }

  function niceMax(value) {
    var step = value <= 5 ? 1 : value <= 10 ? 2 : value <= 25 ? 5 : Math.ceil(value / 50) * 10;
    return {max: Math.max(step, Math.ceil(value / step) * step), step: step};
  }

  /* Stacked bars: one bar per day, one segment per source that had stories that day. */
  function drawSources(box) {
    var days = data.days, sources = data.sources;
    if (!sources.length) { return empty(box, "No stories in this period."); }
    var W = 960, H = 340, m = {l: 44, r: 12, t: 12, b: 70};
    var pw = W - m.l - m.r, ph = H - m.t - m.b;
    var totals = days.map(function (d) {
      var row = data.perSource[d] || {};
      return sources.reduce(function (s, k) { return s + (row[k] || 0); }, 0);
    });
    var y = niceMax(Math.max.apply(null, totals.concat([1])));
    var svg = frame(box, W, H);
    var band = pw / days.length, bar = Math.max(1, band * 0.8);
    for (var v = 0; v <= y.max; v += y.step) {
      var gy = m.t + ph - ph * v / y.max;
      svgEl("line", {x1: m.l, x2: W - m.r, y1: gy, y2: gy, "class": "grid"}, svg);
      svgEl("text", {x: m.l - 6, y: gy + 4, "class": "tick", "text-anchor": "end"}, svg, v);
    }
    var every = Math.max(1, Math.ceil(days.length / 24));
    days.forEach(function (day, i) {
      var x = m.l + i * band + (band - bar) / 2, base = m.t + ph, row = data.perSource[day] || {};
      sources.forEach(function (source, k) {
        var n = row[source] || 0;
        if (!n) { return; }
        var h = ph * n / y.max;
        base -= h;
        var rect = svgEl("rect", {x: x, y: base, width: bar, height: h, fill: PALETTE[k % PALETTE.length],
                                  "class": "bar", "data-day": day, "data-source": source,
                                  "data-count": n}, svg);
        tip(rect, day + " · " + source + ": " + n + (n === 1 ? " story" : " stories"));
      });
      if (i % every === 0) {
        var lx = m.l + i * band + band / 2, ly = m.t + ph + 10;
        svgEl("text", {x: lx, y: ly, "class": "tick", "text-anchor": "end",
                       transform: "rotate(-45 " + lx + " " + ly + ")"}, svg, day);
      }
    });
    svgEl("line", {x1: m.l, x2: W - m.r, y1: m.t + ph, y2: m.t + ph, "class": "axis"}, svg);
    legend(box, sources, sources.map(function (_, k) { return PALETTE[k % PALETTE.length]; }),
           "sources");
  }

  /* Rank over time: one line per top story, broken where it left the ranking; rank 1 on top. */
  function drawRanking(box) {
    var snaps = data.snapshots, stories = data.stories;
    if (!stories.length) { return empty(box, "No ranking snapshot in this period."); }
    var W = 960, H = 320, m = {l: 44, r: 16, t: 16, b: 40};
    var pw = W - m.l - m.r, ph = H - m.t - m.b;
    var times = snaps.map(function (s) { return Date.parse(s); });
    var t0 = Math.min.apply(null, times), t1 = Math.max.apply(null, times);
    var xOf = function (t) { return t1 === t0 ? m.l + pw / 2 : m.l + pw * (Date.parse(t) - t0) / (t1 - t0); };
    var maxRank = data.maxRank;
    var yOf = function (r) { return maxRank === 1 ? m.t + ph / 2 : m.t + ph * (r - 1) / (maxRank - 1); };
    var svg = frame(box, W, H);
    for (var r = 1; r <= maxRank; r++) {
      svgEl("line", {x1: m.l, x2: W - m.r, y1: yOf(r), y2: yOf(r), "class": "grid"}, svg);
      svgEl("text", {x: m.l - 8, y: yOf(r) + 4, "class": "tick", "text-anchor": "end"}, svg, "#" + r);
    }
    var every = Math.max(1, Math.ceil(snaps.length / 10));
    snaps.forEach(function (s, i) {
      if (i % every !== 0 && i !== snaps.length - 1) { return; }
      var anchor = i === 0 ? "start" : i === snaps.length - 1 ? "end" : "middle";
      svgEl("text", {x: xOf(s), y: m.t + ph + 22, "class": "tick", "text-anchor": anchor},
            svg, s.slice(5, 16).replace("T", " "));
    });
    stories.forEach(function (story, k) {
      var colour = PALETTE[k % PALETTE.length], run = [];
      var at = {};
      story.points.forEach(function (p) { at[p[0]] = p[1]; });
      var flush = function () {
        if (run.length > 1) {
          var line = svgEl("polyline", {points: run.join(" "), fill: "none", stroke: colour,
                                        "class": "rank-line", "data-story": k}, svg);
          tip(line, story.title);
        }
        run = [];
      };
      snaps.forEach(function (s) {
        if (at[s] === undefined) { flush(); return; }
        run.push(xOf(s) + "," + yOf(at[s]));
      });
      flush();
      story.points.forEach(function (p) {
        var dot = svgEl("circle", {cx: xOf(p[0]), cy: yOf(p[1]), r: 4.5, fill: colour,
                                   "class": "rank-point", "data-story": k, "data-rank": p[1]}, svg);
        tip(dot, story.title + " — #" + p[1] + " at " + p[0]);
      });
    });
    legend(box, stories.map(function (s) { return s.title; }),
           stories.map(function (_, k) { return PALETTE[k % PALETTE.length]; }), "stories");
  }

  var charts = {sources: drawSources, ranking: drawRanking};
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    charts[box.getAttribute("data-chart")](box);
  });
  document.documentElement.setAttribute("data-charts", "drawn");
})();
