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

// <a data-history-back>: the error pages' "back to the previous page" goes back in the browser's history;
// without JavaScript, or with no page to go back to, the link's own address (the home page) is opened.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-history-back]") : null;
  if (link && window.history.length > 1 && document.referrer) {
    event.preventDefault();
    window.history.back();
  }
});

// The header menu collapses behind a "Menu" button on narrow screens (static/css/site.css). The button is
// hidden until this script runs, so without JavaScript the menu simply stays open.
(() => {
  const toggle = document.querySelector("[data-nav-toggle]");
  const nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!toggle || !nav || !nav.querySelector("a")) {
    return;
  }
  document.documentElement.classList.add("nav-collapsible");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
})();
