// Live SMS segment counter: asks the server (one set of counting rules) while staff type. Optional:
// without it the form's "count" button does the same on a full round trip.
(function () {
  "use strict";
  function attach(box) {
    var field = document.getElementById(box.getAttribute("data-for"));
    var form = field && field.form;
    if (!field || !form || box.hasAttribute("data-ready")) { return; }
    box.setAttribute("data-ready", "");
    var summary = box.querySelector("[data-summary]");
    var warning = box.querySelector("[data-warning]");
    var warningBox = box.querySelector("[data-warning-box]");
    var button = box.querySelector("[data-count-box]");
    if (button) { button.hidden = true; }
    var timer = null;
    function update() {
      var body = new FormData();
      body.append("text", field.value);
      var token = form.querySelector("input[name=csrf_token]");
      if (token) { body.append("csrf_token", token.value); }
      fetch(box.getAttribute("data-url"), { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          summary.textContent = data.summary;
          warning.textContent = data.warning;
          warningBox.hidden = !data.warning;
        })
        .catch(function () { if (button) { button.hidden = false; } });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 300);
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-segment-counter]"), attach);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
