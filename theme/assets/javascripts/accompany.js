/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy") ? resolve() : reject(new Error("copy failed")); }
      catch (e) { reject(e); }
      finally { document.body.removeChild(area); }
    });
  }
  function setUp() {
    document.querySelectorAll("[data-ac-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-ac-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-ac-copy"));
    var status = button.parentNode.querySelector(".ac-copy-status");
    if (!source) return;
    copyText(source.innerText.trim()).then(function () {
      if (status) status.textContent = "Letter copied. Paste it into your email or letter, add your name, and send it.";
    }, function () {
      if (status) status.textContent = "Could not copy: select the letter and copy it by hand.";
    });
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
  // Material's bundle, when the page has loaded, fetches "sitemap.xml" beside every
  // <link rel="alternate"> (for a language switcher this site does not use). Our alternates are
  // the feed links, at the site's public address: one wasted request per feed link, to another
  // host when the site is read through a mirror or a preview. Hide them from the bundle until it
  // has looked (its DOMContentLoaded handler was added before this one), then put them back for
  // feed-discovery tools. Feed readers read the HTML itself, which is unchanged.
  if (document.readyState === "loading") {
    var feeds = [].slice.call(document.querySelectorAll("link[rel=alternate]"));
    feeds.forEach(function (link) { link.parentNode.removeChild(link); });
    document.addEventListener("DOMContentLoaded", function () {
      feeds.forEach(function (link) { document.head.appendChild(link); });
    });
  }
})();
