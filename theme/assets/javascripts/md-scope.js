/* Material's storage helpers (partials/javascripts/base.html), as a file so that
   the Content-Security-Policy can forbid inline scripts. Must load before the bundle. */
var __md_scope = new URL(document.currentScript.getAttribute("data-md-scope"), location),
  __md_hash = function (e) { return [].reduce.call(e, function (h, c) { return (h << 5) - h + c.charCodeAt(0); }, 0); },
  __md_get = function (e, s, t) { s = s || localStorage; t = t || __md_scope; return JSON.parse(s.getItem(t.pathname + "." + e)); },
  __md_set = function (e, v, s, t) { s = s || localStorage; t = t || __md_scope; try { s.setItem(t.pathname + "." + e, JSON.stringify(v)); } catch (err) {} };
