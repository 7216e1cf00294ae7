// The print button of the PK's print page and of the recovery codes (no inline handlers under the Content-Security-Policy).
(function () {
  const button = document.getElementById("print-button");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
