/* tijdlijn: tooltips for annotated spans (hover or keyboard focus), layer toggles. No innerHTML with data. */
(function () {
  "use strict";
  var tip = null, owner = null;

  function ensureTip() {
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "tip";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function tipData(el) {
    var raw = el.getAttribute("data-tip");
    if (!raw) return null;
    try { return JSON.parse(raw); } catch (e) { return { h: raw, l: [] }; }
  }

  function show(el) {
    var d = tipData(el);
    if (!d) return;
    var t = ensureTip();
    while (t.firstChild) t.removeChild(t.firstChild);
    var h = document.createElement("div");
    h.className = "h";
    h.textContent = d.h || "";
    t.appendChild(h);
    (d.l || []).forEach(function (line) {
      var p = document.createElement("div");
      p.className = "l";
      p.textContent = line;
      t.appendChild(p);
    });
    t.hidden = false;
    var r = el.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = Math.max(6, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - t.offsetWidth - 6));
    if (r.bottom + t.offsetHeight + 12 > window.innerHeight && r.top > t.offsetHeight + 12) {
      top = window.scrollY + r.top - t.offsetHeight - 6;
    }
    t.style.top = top + "px";
    t.style.left = left + "px";
    if (owner && owner !== el) owner.removeAttribute("aria-describedby");
    owner = el;
    el.setAttribute("aria-describedby", "tip");
  }

  function hide() {
    if (tip) tip.hidden = true;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }

  function target(ev) {
    var el = ev.target;
    while (el && el !== document) {
      if (el.nodeType === 1 && el.hasAttribute && el.hasAttribute("data-tip")) return el;
      el = el.parentNode;
    }
    return null;
  }

  document.addEventListener("mouseover", function (ev) { var el = target(ev); if (el) show(el); });
  document.addEventListener("mouseout", function (ev) { var el = target(ev); if (el && el === owner) hide(); });
  document.addEventListener("focusin", function (ev) { var el = target(ev); if (el) show(el); else hide(); });
  document.addEventListener("focusout", function (ev) { if (target(ev) === owner) hide(); });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") hide(); });
  window.addEventListener("scroll", function () { if (owner && tip && !tip.hidden) show(owner); }, { passive: true });

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.matches && el.matches("input[data-layer]")) {
      var box = document.getElementById("doc-text");
      if (box) box.classList.toggle("hide-" + el.getAttribute("data-layer"), !el.checked);
    }
  });

  window.tijdlijn = window.tijdlijn || {};
  window.tijdlijn.pageData = function () {
    var el = document.getElementById("page-data");
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  };
})();
