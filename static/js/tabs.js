// Tabs for a page's sections. Without JavaScript the tab list is a list of links to the
// sections, which all show. With it: role=tablist/tab/tabpanel, one panel at a time, arrow
// keys (and Home/End) move between tabs, and the address keeps the open tab (#id).
(function () {
  "use strict";
  function setUp(list) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll("a[href^='#']"));
    var panels = tabs.map(function (tab) { return document.getElementById(tab.hash.slice(1)); });
    if (!tabs.length || panels.indexOf(null) !== -1) return;
    list.setAttribute("role", "tablist");
    Array.prototype.forEach.call(list.children, function (li) { li.setAttribute("role", "presentation"); });
    tabs.forEach(function (tab, i) {
      tab.id = tab.id || "tab-for-" + panels[i].id;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panels[i].id);
      panels[i].setAttribute("role", "tabpanel");
      panels[i].setAttribute("aria-labelledby", tab.id);
      panels[i].setAttribute("tabindex", "0");
    });
    function select(index, focus, keep) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.setAttribute("tabindex", on ? "0" : "-1");
        panels[i].hidden = !on;
      });
      if (focus) tabs[index].focus();
      if (!keep && window.history.replaceState) window.history.replaceState(null, "", tabs[index].hash);
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function (event) { event.preventDefault(); select(i, true); });
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        select((next + tabs.length) % tabs.length, true);
      });
    });
    function fromAddress() {
      // The tab whose panel holds the address's target (#sessions, #session-12, #schedule).
      var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
      for (var i = 0; target && i < panels.length; i++) {
        if (panels[i].contains(target)) return i;
      }
      return -1;
    }
    select(Math.max(fromAddress(), 0), false, true);
    // A link to a section elsewhere on the page (#sessions) opens its tab.
    window.addEventListener("hashchange", function () {
      var index = fromAddress();
      if (index !== -1) select(index, false, true);
    });
    list.closest("[data-tabs]").classList.add("tabs-ready");
  }
  document.querySelectorAll("[data-tabs] .tab-list").forEach(setUp);
})();
