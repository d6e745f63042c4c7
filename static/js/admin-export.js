/* The export page's "select all" box (templates/admin/import_export/export.html): django-import-export wires
   it with an onchange="" attribute, which the Content-Security-Policy refuses; this does the same from a file. */
"use strict";

document.addEventListener("change", (event) => {
  const toggle = event.target;
  if (!(toggle instanceof HTMLInputElement) || !toggle.classList.contains("select-toggle")) {
    return;
  }
  document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]').forEach((box) => {
    box.checked = toggle.checked;
  });
});
