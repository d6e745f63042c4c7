/*
 * <button data-copy="ID" data-copied="...">: copies the text of the element ID (a new API key, shown once:
 * templates/admin/exchange/partner/key_issued.html) and says so in the button's data-copied words. Where
 * the clipboard is refused (a page not served over HTTPS), the text is selected for Ctrl+C instead. The
 * button is hidden until this script runs, so without JavaScript the key is simply selected by hand.
 */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var selection = window.getSelection();
      selection.selectAllChildren(source);
      var done = function () {
        button.textContent = button.getAttribute("data-copied");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.textContent.trim()).then(done, function () {});
      }
    });
  });
})();
