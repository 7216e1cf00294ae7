// The print button of the PK's print page (no inline handlers under the Content-Security-Policy).
(function () {
  const button = document.getElementById("print-button");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
