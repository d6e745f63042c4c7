/* Behaviour of the site's own pages (templates/base.html loads it; the admin has its own scripts).
   There are no inline scripts or on...="" attributes anywhere: the Content-Security-Policy refuses them
   (docs/decisions/0060-security-headers.md). A page asks for behaviour with a data- attribute instead. */
"use strict";

// <select data-autosubmit>: choosing an option submits its form (the language menu). Without JavaScript the
// form's own button (inside <noscript>) does the same.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
    select.form.submit();
  }
});
