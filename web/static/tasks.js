// Tugas Saya: "pilih semua" per list and the count on its button. Without scripts the
// checkboxes and the button still work (the server confirms and counts).
"use strict";
document.querySelectorAll("form.bulk").forEach(function (form) {
  var boxes = form.querySelectorAll("input[name=pilih]");
  var button = form.querySelector("button[data-bulk]");
  var head = form.querySelector("thead th");
  if (!boxes.length || !button || !head) return;
  var label = button.textContent;
  var all = document.createElement("input");
  all.type = "checkbox";
  all.className = "select-all";
  all.setAttribute("aria-label", "Pilih semua di daftar ini");
  head.textContent = "";
  head.appendChild(all);
  function update() {
    var chosen = form.querySelectorAll("input[name=pilih]:checked").length;
    all.checked = chosen === boxes.length;
    all.indeterminate = chosen > 0 && chosen < boxes.length;
    button.textContent = chosen ? label + " (" + chosen + ")" : label;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
    update();
  });
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();
});
