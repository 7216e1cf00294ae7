// The live preview of the report page: recomputes realisation and capaian as the user types,
// keeps "Belum lengkap" and the "Simpan dan ajukan" button in step with what is typed, and
// warns before leaving the page with unsaved input (not when saving or submitting).
// Served from /static (the Content-Security-Policy allows no inline script); the category
// colours and the page's words come from <script type="application/json"> blocks.
(function () {
  const form = document.getElementById("report-form");
  if (!form) return;
  const colours = JSON.parse(document.getElementById("category-colours").textContent);
  const words = JSON.parse(document.getElementById("report-words").textContent);
  let timer = null, seq = 0, leaving = false;
  // A page sent back with errors holds typed values that are not stored yet.
  let dirty = !!document.querySelector("#form-errors, #action-error, #conflict");

  // --- unsaved input -----------------------------------------------------------------------
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { leaving = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty || leaving) return;
    event.preventDefault();
    event.returnValue = "";  // the browser shows its own "leave this page?" question
  });

  if (!window.fetch) return;
  function fmt(text, decimals) {
    if (text === null || text === undefined) return null;
    const n = Number(text);
    return n.toLocaleString("id-ID", {minimumFractionDigits: decimals, maximumFractionDigits: decimals});
  }
  function capaianSentence(reason) {
    const text = (reason || "").trim();
    if (!text) return "Capaian belum dapat dihitung.";
    if (text.startsWith("tidak ada data")) return "Capaian tidak dihitung karena tidak ada data.";
    if (text.startsWith("realisasi TW")) return "Capaian belum dapat dihitung karena " + text + " belum tersedia.";
    return "Capaian belum dapat dihitung: " + text + ".";
  }
  function render(row) {
    const box = form.querySelector('[data-indicator="' + CSS.escape(row.indicator) + '"]');
    if (!box) return;
    const nodata = box.querySelector('[data-result="nodata"]');
    const figures = box.querySelector('[data-result="figures"]');
    nodata.hidden = !row.no_data; figures.hidden = !!row.no_data;
    const reasonInput = document.getElementById("nodata." + row.indicator);
    box.querySelector('[data-result="nodata-reason"]').textContent = "Alasan: " + (reasonInput ? reasonInput.value.trim() : "");
    const r = box.querySelector('[data-result="realisation"]');
    const c = box.querySelector('[data-result="capaian"]');
    r.textContent = "";
    if (row.realisation !== null) { r.textContent = fmt(row.realisation, row.decimals); }
    else {
      const span = document.createElement("span");
      span.className = "muted"; span.style.fontSize = "1rem"; span.style.fontWeight = "400";
      span.textContent = "belum dapat dihitung"; r.append(span);
    }
    const toDate = box.querySelector('[data-result="to-date"]');
    toDate.hidden = !row.compared_to_date;
    box.querySelector('[data-result="measured"]').textContent = row.measured_to_date !== null ? fmt(row.measured_to_date, row.decimals) : "-";
    c.textContent = "";
    if (row.capaian !== null) {
      const strong = document.createElement("strong");
      strong.textContent = fmt(row.capaian, 2) + "%";
      const badge = document.createElement("span");
      badge.className = "badge cat"; badge.textContent = row.category || "";
      badge.style.background = row.category_color || colours[row.category] || "#5b6b7b";
      badge.style.color = textColour(badge.style.background);
      c.append(strong, " ", badge);
      if (row.capaian_flag) {
        const flag = document.createElement("span");
        flag.className = "badge flagged"; flag.dataset.flag = ""; flag.textContent = row.capaian_flag;
        c.append(" ", flag);
      }
    } else {
      const span = document.createElement("span");
      span.className = "muted"; span.textContent = capaianSentence(row.capaian_reason); c.append(span);
    }
    box.querySelectorAll("[data-need-for]").forEach(function (note) {
      const part = note.getAttribute("data-part");
      const needed = (row.narrative_needed || []).indexOf(part) >= 0;
      note.textContent = needed ? words.need : "";
      if (needed) note.closest("details").open = true;  // show the fields that are asked for
    });
    box.querySelectorAll("[data-read-for]").forEach(function (read) {
      if (!(read.dataset.readFor in (row.read || {}))) read.textContent = "";  // emptied input
    });
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
  function showMissing(missing, errors) {
    const line = document.getElementById("missing");
    if (line) {
      line.hidden = missing.length === 0;
      document.getElementById("missing-list").textContent = missing.join("; ");
    }
    const button = document.getElementById("save-submit");
    const why = document.getElementById("why-save-submit");
    if (!button || button.dataset.blocked) return;  // refused for another reason: stays off
    const blocked = missing.length > 0 || Object.keys(errors).length > 0;
    button.disabled = blocked;
    button.setAttribute("style", blocked ? words.disabled_style : "");
    why.textContent = blocked ? why.dataset.incomplete : "";
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
    showMissing(data.missing || [], data.errors || {});
    form.dataset.computed = String(mine);
  }
  form.addEventListener("input", function (event) {
    const name = event.target.name || "";
    if (!/^(v|nodata|kendala|upaya)\./.test(name)) return;
    clearTimeout(timer); timer = setTimeout(recompute, 250);
  });
})();

// Black or white, whichever reads better on the badge's colour: the WCAG luminance rule of
// documents/colours.py text_colour, so a live badge looks like the one the server draws.
function textColour(css) {
  const rgb = (css.match(/\d+/g) || []).slice(0, 3).map(Number);
  if (rgb.length !== 3) return "#ffffff";
  const lin = rgb.map((v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
  const lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? "#ffffff" : "#000000";
}
