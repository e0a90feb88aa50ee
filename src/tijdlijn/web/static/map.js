/* tijdlijn: maps with Leaflet over a bundled world map (Natural Earth 1:110m via world-atlas) —
   no tile server, nothing fetched from outside this server. */
(function () {
  "use strict";
  var WORLD = "/static/vendor/world-atlas/world-110m.geojson";
  var worldCache = null;

  function world() {
    if (!worldCache) worldCache = fetch(WORLD).then(function (r) { return r.json(); });
    return worldCache;
  }

  function baseMap(div) {
    var map = L.map(div, { attributionControl: false, worldCopyJump: true, minZoom: 1, maxZoom: 10,
                           zoomSnap: 0.25, keyboard: true });
    map.fitBounds([[-56, -168], [78, 190]]);
    world().then(function (fc) {
      L.geoJSON(fc, { interactive: false,
        style: { color: "#94a3b8", weight: 0.6, fillColor: "#f4f1e8", fillOpacity: 1 } }).addTo(map);
      map.eachLayer(function (l) { if (l.bringToFront && l.options && l.options.radius) l.bringToFront(); });
    });
    return map;
  }

  function popup(lines, link) {
    var div = document.createElement("div");
    lines.forEach(function (l, i) {
      var p = document.createElement("div");
      if (i === 0) p.className = "popup-name";
      p.textContent = l;
      div.appendChild(p);
    });
    if (link) {
      var a = document.createElement("a");
      a.href = link[0];
      a.textContent = link[1];
      div.appendChild(a);
    }
    return div;
  }

  function searchLink(id) { return "/?place=" + encodeURIComponent(id); }

  function windowMap(data) {
    var map = baseMap("map");
    var layer = L.layerGroup().addTo(map);
    var status = document.getElementById("map-status");
    var tbody = document.querySelector("#map-table tbody");
    var form = document.getElementById("map-form");
    var msg = data.msg || {};

    function load(from, to) {
      if (status) status.textContent = msg.loading || "…";
      var qs = [];
      if (from) qs.push("from=" + encodeURIComponent(from));
      if (to) qs.push("to=" + encodeURIComponent(to));
      return fetch("/api/places" + (qs.length ? "?" + qs.join("&") : "")).then(function (r) {
        return r.json().then(function (body) { return [r.ok, body]; });
      }).then(function (res) {
        layer.clearLayers();
        while (tbody && tbody.firstChild) tbody.removeChild(tbody.firstChild);
        if (!res[0]) {
          if (status) status.textContent = (res[1].error && res[1].error.message) || "error";
          return;
        }
        var feats = res[1].features || [];
        feats.forEach(function (f) {
          var c = f.geometry.coordinates, p = f.properties || {};
          var n = p.article_count || 1;
          var m = L.circleMarker([c[1], c[0]], { radius: Math.min(30, 4 + 3 * Math.sqrt(n)), color: "#7c2d12",
            weight: 1, fillColor: "#ea580c", fillOpacity: 0.6, className: "place-marker" });
          m.bindPopup(popup([p.name + (p.country ? " (" + p.country + ")" : ""),
                             (msg.articles || "articles") + ": " + n,
                             (msg.first || "first") + ": " + (p.first_date || "?") + " · " + (msg.last || "last") + ": " + (p.last_date || "?")],
                            [searchLink(f.id), msg.search_place || "→"]));
          m.bindTooltip(p.name + " (" + n + ")");
          m.addTo(layer);
          if (tbody) {
            var tr = document.createElement("tr");
            var td = document.createElement("td");
            var a = document.createElement("a");
            a.href = searchLink(f.id); a.textContent = p.name; td.appendChild(a); tr.appendChild(td);
            [p.country || "", String(n), p.first_date || "", p.last_date || ""].forEach(function (v) {
              var cell = document.createElement("td"); cell.textContent = v; tr.appendChild(cell);
            });
            tbody.appendChild(tr);
          }
        });
        if (status) status.textContent = (msg.n_places || "{n}").replace("{n}", feats.length);
        document.body.setAttribute("data-map-ready", String(feats.length));
      }).catch(function (err) { if (status) status.textContent = String(err); });
    }

    if (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var from = document.getElementById("map-from").value.trim();
        var to = document.getElementById("map-to").value.trim();
        var qs = [];
        if (from) qs.push("from=" + encodeURIComponent(from));
        if (to) qs.push("to=" + encodeURIComponent(to));
        history.replaceState(null, "", "/map" + (qs.length ? "?" + qs.join("&") : ""));
        load(from, to);
      });
    }
    var q = new URLSearchParams(window.location.search);
    load(q.get("from") || "", q.get("to") || "");
  }

  function entityMap(data) {
    var pts = data.points || [];
    var map = baseMap("map");
    var msg = data.msg || {};
    var colors = { co: "#ea580c", event: "#0f766e", self: "#7c3aed" };
    var bounds = [];
    pts.forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lon], { radius: p.kind === "co" ? Math.min(20, 4 + 2.5 * Math.sqrt(p.n)) : 8,
        color: "#1f2937", weight: 1, fillColor: colors[p.kind] || "#ea580c", fillOpacity: 0.7, className: "place-marker" });
      m.bindPopup(popup([p.name, (msg.articles || "articles") + ": " + p.n], [searchLink(p.id), msg.search_place || "→"]));
      m.bindTooltip(p.name);
      m.addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 4 });
    document.body.setAttribute("data-map-ready", String(pts.length));
  }

  function init() {
    if (!document.getElementById("map") || typeof L === "undefined") return;
    var data = (window.tijdlijn && window.tijdlijn.pageData && window.tijdlijn.pageData()) || {};
    if (data.mode === "window") windowMap(data); else entityMap(data);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
