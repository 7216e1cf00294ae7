// The live preview of the report page: recomputes realisation and capaian as the user types.
// Served from /static (the Content-Security-Policy allows no inline script); the category
// colours come from the page's <script type="application/json" id="category-colours">.
(function () {
  const form = document.getElementById("report-form");
  if (!form || !window.fetch) return;
  let timer = null, seq = 0;
  const colours = JSON.parse(document.getElementById("category-colours").textContent);
  function fmt(text, decimals) {
    if (text === null) return null;
    const n = Number(text);
    return n.toLocaleString("id-ID", {minimumFractionDigits: decimals, maximumFractionDigits: decimals});
  }
  function render(row) {
    const box = form.querySelector('[data-indicator="' + CSS.escape(row.indicator) + '"]');
    if (!box) return;
    const r = box.querySelector('[data-result="realisation"]');
    const c = box.querySelector('[data-result="capaian"]');
    r.textContent = row.realisation !== null ? fmt(row.realisation, row.decimals) : (row.realisation_reason || "-");
    c.textContent = "";
    if (row.capaian !== null) {
      const strong = document.createElement("strong");
      strong.textContent = fmt(row.capaian, 2) + "%";
      const badge = document.createElement("span");
      badge.className = "badge cat"; badge.textContent = row.category || "";
      badge.style.background = row.category_color || colours[row.category] || "#5b6b7b";
      c.append(strong, " ", badge);
      if (row.capaian_flag) {
        const flag = document.createElement("span");
        flag.className = "badge flagged"; flag.dataset.flag = ""; flag.textContent = row.capaian_flag;
        c.append(" ", flag);
      }
    } else { c.textContent = row.capaian_reason || "-"; }
    Object.keys(row.read || {}).forEach(function (field) {
      const input = document.getElementById(field);
      if (!input) return;
      let read = form.querySelector('[data-read-for="' + CSS.escape(field) + '"]');
      if (!read) {
        read = document.createElement("span");
        read.className = "muted input-read"; read.dataset.readFor = field;
        input.parentNode.insertBefore(read, input.nextElementSibling ? input.nextElementSibling.nextSibling : null);
      }
      read.textContent = input.getAttribute("aria-invalid") === "true" ? "" : "Terbaca: " + row.read[field];
    });
  }
  async function recompute() {
    const mine = ++seq;
    const response = await fetch(form.action + "/hitung", {method: "POST", body: new FormData(form), credentials: "same-origin"});
    if (!response.ok || mine !== seq) return;
    const data = await response.json();
    form.querySelectorAll("[data-error-for]").forEach(function (el) {
      const key = el.getAttribute("data-error-for");
      el.textContent = data.errors[key] || "";
      const input = document.getElementById(el.getAttribute("data-input"));
      if (input) { if (data.errors[key]) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid"); }
    });
    data.rows.forEach(render);  // after the errors: a refused input shows no "Terbaca"
    form.dataset.computed = String(mine);
  }
  form.addEventListener("input", function (event) {
    if (!event.target.name || !event.target.name.startsWith("v.")) return;
    clearTimeout(timer); timer = setTimeout(recompute, 250);
  });
})();
