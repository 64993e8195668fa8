// Turn a comma-separated text input (input[data-chips]) into removable chips.
// Without JavaScript the input stays a plain comma-separated field; nothing depends on this.
(function () {
  "use strict";

  function split(text) {
    return text.split(/[,;\n]/).map(function (s) { return s.trim().replace(/\s+/g, " "); })
      .filter(function (s) { return s.length > 0; });
  }

  function enhance(source) {
    var values = [];
    split(source.value).forEach(function (v) {
      if (!values.some(function (x) { return x.toLowerCase() === v.toLowerCase(); })) values.push(v);
    });

    var list = document.createElement("ul");
    list.className = "chips";
    list.setAttribute("aria-live", "polite");

    var entry = document.createElement("input");
    entry.type = "text";
    entry.autocomplete = "off";
    if (source.getAttribute("list")) entry.setAttribute("list", source.getAttribute("list"));
    if (source.getAttribute("aria-describedby")) {
      entry.setAttribute("aria-describedby", source.getAttribute("aria-describedby"));
    }
    // The label points at the visible entry box; the original field becomes hidden.
    entry.id = source.id;
    source.id = source.id + "_value";
    source.type = "hidden";
    entry.placeholder = source.dataset.placeholder || "Type a skill, then Enter";

    function sync() {
      source.value = values.join(", ");
      list.textContent = "";
      values.forEach(function (value, index) {
        var chip = document.createElement("li");
        chip.className = "chip";
        chip.appendChild(document.createTextNode(value + " "));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip-remove link-button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + value);
        remove.addEventListener("click", function () {
          values.splice(index, 1);
          sync();
          entry.focus();
        });
        chip.appendChild(remove);
        list.appendChild(chip);
      });
    }

    function add(text) {
      split(text).forEach(function (v) {
        if (v.length > 80) v = v.slice(0, 80);
        if (!values.some(function (x) { return x.toLowerCase() === v.toLowerCase(); })) values.push(v);
      });
      entry.value = "";
      sync();
    }

    entry.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === ",") {
        if (entry.value.trim()) {
          event.preventDefault();
          add(entry.value);
        } else if (event.key === ",") {
          event.preventDefault();
        }
      } else if (event.key === "Backspace" && !entry.value && values.length) {
        values.pop();
        sync();
      }
    });
    // Picking an option from the datalist.
    entry.addEventListener("change", function () { if (entry.value.trim()) add(entry.value); });
    if (source.form) {
      source.form.addEventListener("submit", function () { if (entry.value.trim()) add(entry.value); });
    }

    source.parentNode.insertBefore(list, source);
    source.parentNode.insertBefore(entry, source);
    sync();
  }

  function init() {
    document.querySelectorAll("input[data-chips]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
