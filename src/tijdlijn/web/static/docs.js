/* tijdlijn: API documentation rendered from /openapi.json, with a "try it" form for GET operations.
   (FastAPI's Swagger UI would load from a CDN; this page needs nothing but this server.) */
(function () {
  "use strict";
  function h(name, text, parent, cls) {
    var n = document.createElement(name);
    if (text != null) n.textContent = text;
    if (cls) n.className = cls;
    if (parent) parent.appendChild(n);
    return n;
  }
  function resolve(spec, s) {
    if (s && s.$ref) {
      var parts = s.$ref.replace(/^#\//, "").split("/"), cur = spec;
      parts.forEach(function (p) { cur = cur && cur[p]; });
      return cur || s;
    }
    return s || {};
  }
  function typeOf(spec, s) {
    s = resolve(spec, s);
    if (s.anyOf) return s.anyOf.map(function (x) { return typeOf(spec, x); }).filter(function (t) { return t !== "null"; }).join(" | ");
    if (s.enum) return s.enum.join(" | ");
    if (s.type === "array") return typeOf(spec, s.items) + "[]";
    return s.type || "object";
  }

  function operation(spec, root, path, method, op) {
    var d = h("details", null, root, "op");
    d.id = (op.operationId || (method + path)).replace(/[^A-Za-z0-9_-]/g, "_");
    var sum = h("summary", null, d);
    h("span", method.toUpperCase(), sum, "method m-" + method);
    h("code", path, sum);
    h("span", " — " + (op.summary || ""), sum);
    if (op.description) h("p", op.description, d);
    var params = op.parameters || [];
    if (params.length) {
      var tbl = h("table", null, d, "list");
      var tr = h("tr", null, h("thead", null, tbl));
      ["name", "in", "type", "description"].forEach(function (c) { h("th", c, tr); });
      var tb = h("tbody", null, tbl);
      params.forEach(function (p) {
        var r = h("tr", null, tb);
        h("td", p.name + (p.required ? " *" : ""), r);
        h("td", p.in, r);
        h("td", typeOf(spec, p.schema), r);
        h("td", p.description || (p.schema && p.schema.description) || "", r);
      });
    }
    if (op.requestBody) {
      var content = op.requestBody.content || {};
      var schema = resolve(spec, (content["application/json"] || {}).schema);
      h("h4", "body (application/json)", d);
      var ul = h("ul", null, d);
      Object.keys(schema.properties || {}).forEach(function (k) {
        var p = schema.properties[k];
        h("li", k + ": " + typeOf(spec, p) + (p.description ? " — " + p.description : ""), ul);
      });
    }
    var codes = Object.keys(op.responses || {});
    h("p", "responses: " + codes.join(", "), d, "help");
    if (method === "get") {
      var form = h("form", null, d);
      params.forEach(function (p) {
        var lab = h("label", p.name + " (" + p.in + ")", form);
        var inp = h("input", null, lab);
        inp.name = p.name;
        inp.setAttribute("data-in", p.in);
        if (p.required) inp.required = true;
      });
      var btn = h("button", "GET", form);
      btn.type = "submit";
      var out = h("pre", null, d);
      out.hidden = true;
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var url = path, qs = [];
        Array.prototype.forEach.call(form.querySelectorAll("input"), function (inp) {
          var v = inp.value;
          if (inp.getAttribute("data-in") === "path") url = url.replace("{" + inp.name + "}", encodeURIComponent(v));
          else if (v !== "") qs.push(encodeURIComponent(inp.name) + "=" + encodeURIComponent(v));
        });
        if (qs.length) url += "?" + qs.join("&");
        out.hidden = false;
        out.textContent = "GET " + url + "\n…";
        fetch(url).then(function (r) {
          return r.text().then(function (t) {
            var body = t;
            try { body = JSON.stringify(JSON.parse(t), null, 2); } catch (e) { /* not JSON */ }
            out.textContent = "GET " + url + "\n" + r.status + "\n\n" + body.slice(0, 200000);
          });
        }).catch(function (err) { out.textContent = String(err); });
      });
    }
  }

  function init() {
    var root = document.getElementById("docs");
    if (!root) return;
    fetch("/openapi.json").then(function (r) { return r.json(); }).then(function (spec) {
      h("p", (spec.info && spec.info.description) || "", root);
      var byTag = {};
      Object.keys(spec.paths || {}).forEach(function (path) {
        var item = spec.paths[path];
        Object.keys(item).forEach(function (method) {
          var op = item[method];
          var tag = (op.tags && op.tags[0]) || "other";
          (byTag[tag] = byTag[tag] || []).push([path, method, op]);
        });
      });
      Object.keys(byTag).forEach(function (tag) {
        h("h2", tag, root);
        byTag[tag].forEach(function (x) { operation(spec, root, x[0], x[1], x[2]); });
      });
      document.body.setAttribute("data-docs-ready", "1");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
