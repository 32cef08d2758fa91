// The page header: the menu on a phone and the navigation's drop-down groups are <details>
// elements, which open and close without this script; it only makes them behave like menus.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 1200px)");
  var appMenu = document.querySelector(".app-menu");
  var groups = Array.prototype.slice.call(document.querySelectorAll(".app-nav-menu"));

  // The header's menu is open in the markup (usable without scripts); on a narrow screen it
  // starts closed, and on a wide one it is always open (its toggle is hidden there).
  function fitMenu() {
    if (appMenu) { appMenu.open = wide.matches; }
  }
  fitMenu();
  wide.addEventListener("change", fitMenu);

  function closeGroups(except) {
    groups.forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }

  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) { closeGroups(group); }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".app-nav-menu")) { closeGroups(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = groups.filter(function (group) { return group.open; })[0];
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
  // A field reached with Tab is shown whole: Chromium scrolls a partly visible textarea
  // only as far as its caret, leaving the rest of the box under the window's edge.
  document.addEventListener("focusin", function (event) {
    var box = event.target.getBoundingClientRect();
    if (box.height && box.height < window.innerHeight &&
        (box.top < 0 || box.bottom > window.innerHeight)) {
      event.target.scrollIntoView({ block: "nearest" });
    }
  });
  // Leaving a group with Tab closes it, so it does not cover the page underneath.
  document.addEventListener("focusin", function (event) {
    groups.forEach(function (group) {
      if (group.open && !group.contains(event.target)) { group.open = false; }
    });
  });
}());

// A form section shown only for one choice (data-shown-when="within_remit=false", the
// 不予受理 section) stays hidden, and is not submitted, until that choice is made. Without
// scripts every section is shown and the server's schema still decides what is required.
(function () {
  "use strict";
  function sync(section) {
    var rule = section.getAttribute("data-shown-when").split("=");
    var form = section.closest("form") || document;
    var chosen = form.querySelector('input[name="' + rule[0] + '"]:checked');
    var shown = chosen !== null && chosen.value === rule[1];
    section.hidden = !shown;
    section.disabled = !shown;
  }
  function syncAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-shown-when]"), sync);
  }
  syncAll();
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=radio]")) { syncAll(); }
  });
}());

// A print button (the public guide): hidden in the markup, since without this script it
// would do nothing; the browser's own print command works either way.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("button[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());

// A form marked data-confirm asks before it is sent (removing an uploaded file, say): the
// question is the page's, in its language. Without scripts the form is sent as it is.
document.addEventListener("submit", function (event) {
  "use strict";
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});
