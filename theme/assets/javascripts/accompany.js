/* Progressive enhancement only: every page works without this file.
   It writes no word of its own: what it says comes from the page, in the page's language
   (data-ac-ask, data-ac-copied, data-ac-copy-failed, written by the templates through the catalog). */
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
  // A Mastodon server as a reader may type it: "mastodon.social", "https://mastodon.social/", "@me@mastodon.social".
  function mastodonServer(answer) {
    var host = (answer || "").trim().replace(/^https?:\/\//i, "").split("/")[0];
    host = host.slice(host.lastIndexOf("@") + 1);
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]{1,5})?$/i.test(host) ? host.toLowerCase() : "";
  }
  function setUp() {
    document.querySelectorAll("[data-ac-copy], [data-ac-print]").forEach(function (button) {
      button.hidden = false;
    });
    if (navigator.share) {
      document.querySelectorAll("[data-ac-share-native]").forEach(function (block) { block.hidden = false; });
    }
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    var share = target.closest("[data-ac-share]");
    if (share && navigator.share) {
      navigator.share({
        title: share.getAttribute("data-ac-share-title"),
        text: share.getAttribute("data-ac-share-text"),
        url: share.getAttribute("data-ac-share-url")
      }).catch(function () { /* closed without sharing */ });
      return;
    }
    if (target.closest("[data-ac-print]")) {
      window.print();
      return;
    }
    var mastodon = target.closest("[data-ac-mastodon]");
    if (mastodon) {
      var text = document.getElementById(mastodon.getAttribute("data-ac-mastodon"));
      var server = mastodonServer(window.prompt(mastodon.getAttribute("data-ac-ask") || ""));
      if (server && text) {  // else the link goes to the text, to copy
        event.preventDefault();
        window.location.href = "https://" + server + "/share?text=" + encodeURIComponent(text.textContent.trim());
      }
      return;
    }
    var button = target.closest("[data-ac-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-ac-copy"));
    var status = button.parentNode.querySelector(".ac-copy-status");
    if (!source) return;
    copyText(source.innerText.trim()).then(function () {
      if (status) status.textContent = button.getAttribute("data-ac-copied") || "";
    }, function () {
      if (status) status.textContent = button.getAttribute("data-ac-copy-failed") || "";
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
