/* tijdlijn: an interactive SVG timeline of an entity's events and statements, by event time.
   Zoom: buttons, + / - keys, mouse wheel. Pan: arrow keys, drag. Every item is focusable (Tab),
   shows its tooltip on focus/hover and opens its article on Enter/click. */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var DAY = 86400000;

  function parse(d) {
    if (!d || !/^\d{4}-\d{2}-\d{2}/.test(d)) return null;
    var t = Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10));
    return isNaN(t) ? null : t;
  }
  function el(name, attrs, parent) {
    var n = document.createElementNS(SVGNS, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) n.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(n);
    return n;
  }
  function hel(name, text, parent) {
    var n = document.createElement(name);
    if (text != null) n.textContent = text;
    if (parent) parent.appendChild(n);
    return n;
  }

  function ticks(lo, hi, width, lang) {
    var span = hi - lo, out = [], d, fmt;
    var years = span / (365.25 * DAY);
    var maxTicks = Math.max(2, Math.floor(width / 90));
    if (years > 2) {
      var step = Math.max(1, Math.ceil(years / maxTicks));
      var y0 = new Date(lo).getUTCFullYear();
      for (var y = y0; ; y += step) {
        d = Date.UTC(y, 0, 1);
        if (d > hi) break;
        if (d >= lo) out.push([d, String(y)]);
      }
    } else if (span > 60 * DAY) {
      fmt = new Intl.DateTimeFormat(lang, { month: "short", year: "numeric", timeZone: "UTC" });
      var months = span / (30.4 * DAY), mstep = Math.max(1, Math.ceil(months / maxTicks));
      var s = new Date(lo), y1 = s.getUTCFullYear(), m1 = s.getUTCMonth();
      for (var i = 0; i < 400; i += mstep) {
        d = Date.UTC(y1, m1 + i, 1);
        if (d > hi) break;
        if (d >= lo) out.push([d, fmt.format(new Date(d))]);
      }
    } else {
      fmt = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", timeZone: "UTC" });
      var days = span / DAY, dstep = Math.max(1, Math.ceil(days / maxTicks));
      var first = Math.ceil(lo / DAY) * DAY;
      for (d = first; d <= hi; d += dstep * DAY) out.push([d, fmt.format(new Date(d))]);
    }
    return out;
  }

  function Timeline(box, items, msg, lang) {
    this.box = box; this.msg = msg; this.lang = lang;
    this.items = [];
    this.undated = [];
    var self = this;
    items.forEach(function (it) {
      var s = parse(it.start), e = parse(it.end) || s;
      if (s == null) { self.undated.push(it); return; }
      self.items.push({ it: it, s: s, e: Math.max(s, e) });
    });
    if (!this.items.length) { box.hidden = true; this.renderUndated(); return; }
    var lo = Math.min.apply(null, this.items.map(function (x) { return x.s; }));
    var hi = Math.max.apply(null, this.items.map(function (x) { return x.e + DAY; }));
    var pad = Math.max((hi - lo) * 0.04, 10 * DAY);
    this.full = [lo - pad, hi + pad];
    this.view = this.full.slice();
    this.build();
    this.render();
    this.renderUndated();
    window.addEventListener("resize", function () { self.render(); });
  }

  Timeline.prototype.kindClass = function (it) {
    if (it.kind === "quote" || it.kind === "statement") return "tl-said";
    return it.relation === "context" ? "tl-context" : "tl-event";
  };

  Timeline.prototype.label = function (it) {
    var k = it.kind === "quote" ? this.msg.quote : it.kind === "statement" ? this.msg.statement : (it.kind || this.msg.event);
    return (it.date || "?") + " · " + k;
  };

  Timeline.prototype.build = function () {
    var self = this, box = this.box;
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "group");
    var tools = hel("div", null, box);
    tools.className = "tl-tools";
    [["+", this.msg.zoom_in, function () { self.zoom(0.5); }],
     ["−", this.msg.zoom_out, function () { self.zoom(2); }],
     ["⟲", this.msg.zoom_reset, function () { self.view = self.full.slice(); self.render(); }]].forEach(function (b) {
      var btn = hel("button", b[0], tools);
      btn.type = "button"; btn.className = "secondary";
      btn.setAttribute("aria-label", b[1]); btn.title = b[1];
      btn.addEventListener("click", b[2]);
    });
    this.svg = el("svg", { role: "img", "aria-label": this.msg.event }, box);
    box.addEventListener("keydown", function (ev) {
      if (ev.target !== box && !(ev.target.classList && ev.target.classList.contains("tl-item"))) return;
      var w = self.view[1] - self.view[0];
      if (ev.key === "ArrowLeft") { self.pan(-w * 0.2); ev.preventDefault(); }
      else if (ev.key === "ArrowRight") { self.pan(w * 0.2); ev.preventDefault(); }
      else if (ev.key === "+" || ev.key === "=") { self.zoom(0.5); ev.preventDefault(); }
      else if (ev.key === "-" || ev.key === "_") { self.zoom(2); ev.preventDefault(); }
      else if (ev.key === "0") { self.view = self.full.slice(); self.render(); ev.preventDefault(); }
      else return;
      ev.stopPropagation();
    });
    this.svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = self.svg.getBoundingClientRect();
      var f = (ev.clientX - r.left) / r.width;
      self.zoom(ev.deltaY < 0 ? 0.8 : 1.25, f);
    }, { passive: false });
    var drag = null;
    this.svg.addEventListener("pointerdown", function (ev) {
      if (ev.target.closest && ev.target.closest(".tl-item")) return;
      drag = { x: ev.clientX, view: self.view.slice() };
      self.svg.setPointerCapture(ev.pointerId);
    });
    this.svg.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      var r = self.svg.getBoundingClientRect();
      var dt = (ev.clientX - drag.x) / r.width * (drag.view[1] - drag.view[0]);
      self.view = [drag.view[0] - dt, drag.view[1] - dt];
      self.render();
    });
    this.svg.addEventListener("pointerup", function () { drag = null; });
  };

  Timeline.prototype.zoom = function (factor, at) {
    at = at == null ? 0.5 : at;
    var w = this.view[1] - this.view[0], c = this.view[0] + w * at;
    var nw = Math.max(3 * DAY, Math.min((this.full[1] - this.full[0]) * 4, w * factor));
    this.view = [c - nw * at, c + nw * (1 - at)];
    this.render();
  };
  Timeline.prototype.pan = function (dt) { this.view = [this.view[0] + dt, this.view[1] + dt]; this.render(); };

  Timeline.prototype.render = function () {
    var self = this, svg = this.svg;
    var width = Math.max(300, this.box.clientWidth || 800);
    var lo = this.view[0], hi = this.view[1];
    var x = function (t) { return 10 + (t - lo) / (hi - lo) * (width - 20); };
    var focused = document.activeElement && document.activeElement.getAttribute &&
      document.activeElement.getAttribute("data-idx");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    // lanes: greedy, so items do not overlap
    var laneEnd = [], placed = [];
    this.items.slice().sort(function (a, b) { return a.s - b.s; }).forEach(function (p) {
      var x0 = x(p.s), x1 = Math.max(x(p.e), x0 + 12);
      if (x1 < -20 || x0 > width + 20) return;
      var lane = 0;
      while (lane < laneEnd.length && laneEnd[lane] > x0 - 2) lane++;
      if (lane >= 14) lane = 13;
      laneEnd[lane] = x1;
      placed.push([p, lane, x0, x1]);
    });
    var lanes = Math.max(1, laneEnd.length), top = 40, laneH = 18;
    var height = top + lanes * laneH + 34;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("height", height);
    var axis = el("g", { "class": "tl-axis" }, svg);
    ticks(lo, hi, width, this.lang).forEach(function (tk) {
      var tx = x(tk[0]);
      el("line", { x1: tx, x2: tx, y1: 28, y2: height - 24 }, axis);
      el("text", { x: tx + 3, y: height - 8 }, axis).textContent = tk[1];
    });
    var idx = 0;
    placed.forEach(function (row) {
      var p = row[0], it = p.it, y = top + row[1] * laneH + 6;
      var g = el("g", { "class": "tl-item " + self.kindClass(it), tabindex: "0", role: "link",
                        "data-idx": String(self.items.indexOf(p)), "aria-label": self.label(it) + ": " + (it.text || "") }, svg);
      g.setAttribute("data-tip", JSON.stringify({ h: self.label(it), l: [it.text || "", self.msg.certainty + ": " + (it.certainty || "?"), it.article || ""] }));
      if (row[3] - row[2] > 14 && p.e - p.s >= DAY) {
        el("rect", { "class": "dot", x: row[2], y: y - 6, width: row[3] - row[2], height: 12, rx: 6 }, g);
      } else {
        el("circle", { "class": "dot", cx: row[2], cy: y, r: 6 }, g);
      }
      var open = function () { if (it.article) window.location.href = "/article/" + encodeURIComponent(it.article); };
      g.addEventListener("click", open);
      g.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); } });
      idx++;
    });
    if (focused != null) {
      var again = svg.querySelector('[data-idx="' + focused + '"]');
      if (again) again.focus();
    }
    this.box.setAttribute("data-rendered", String(idx));
  };

  Timeline.prototype.renderUndated = function () {
    if (!this.undated.length) return;
    var wrap = document.createElement("div");
    wrap.className = "tl-undated";
    hel("h3", this.msg.undated + " (" + this.undated.length + ")", wrap);
    var ul = hel("ul", null, wrap);
    this.undated.slice(0, 50).forEach(function (it) {
      var li = hel("li", null, ul);
      var a = hel("a", (it.text || "").slice(0, 160), li);
      a.href = "/article/" + encodeURIComponent(it.article || "");
    });
    this.box.parentNode.insertBefore(wrap, this.box.nextSibling);
  };

  function init() {
    var box = document.getElementById("timeline");
    var data = window.tijdlijn && window.tijdlijn.pageData && window.tijdlijn.pageData();
    if (!box || !data || !data.items) return;
    new Timeline(box, data.items, data.msg || {}, data.ui || "nl");
    document.body.setAttribute("data-timeline-ready", "1");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
