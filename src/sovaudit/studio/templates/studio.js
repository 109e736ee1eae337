// Drafts: a form marked data-draft keeps what was typed, in this browser only (localStorage), until the
// server confirms it was saved (an element with data-draft-saved). Served from the studio itself, so the
// Content-Security-Policy (script-src 'self') allows it; the pages work without it.
(function () {
  "use strict";
  var skip = { hidden: 1, password: 1, submit: 1, button: 1 };
  var done = document.querySelector("[data-draft-saved]");
  if (done) {
    try { localStorage.removeItem("studio-draft:" + done.getAttribute("data-draft-saved")); } catch (e) {}
  }
  var forms = document.querySelectorAll("form[data-draft]");
  Array.prototype.forEach.call(forms, function (form) {
    var key = "studio-draft:" + form.getAttribute("data-draft");
    var saved = {};
    try { saved = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { saved = {}; }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || skip[el.type] || !Object.prototype.hasOwnProperty.call(saved, el.name)) return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = saved[el.name] === el.value;
      else el.value = saved[el.name];
    });
    function save() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || skip[el.type]) return;
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
        data[el.name] = el.value;
      });
      try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) {}
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });
})();
