/*
 * Admin select boxes (Django's autocomplete widget) search over GET, so whatever is typed travels in the
 * request's URL and the web server's access log. A full resident ID number typed there is sent as its
 * masked form (first 4 and last 4 characters, as lists show it), which the server matches through the
 * masked-number index; the reviewer then picks the person by name. See registry/admin/id_search.py.
 */
(function () {
  "use strict";
  var jQuery = window.django && window.django.jQuery;
  if (!jQuery) {
    return; // a page without select boxes
  }
  var FULL_ID = /^\s*([0-9]{4})[0-9]{10}([0-9]{3}[0-9Xx])\s*$/;
  var TERM = /(^|&)term=([^&]*)/;

  function masked(query) {
    return query.replace(TERM, function (all, lead, value) {
      var match = FULL_ID.exec(decodeURIComponent(value.replace(/\+/g, " ")));
      if (!match) {
        return all;
      }
      return lead + "term=" + encodeURIComponent(match[1] + "**********" + match[2].toUpperCase());
    });
  }

  jQuery.ajaxPrefilter(function (options) {
    if (!options.url || options.url.indexOf("/autocomplete/") === -1) {
      return;
    }
    if (typeof options.data === "string") {
      options.data = masked(options.data);
    }
    var at = options.url.indexOf("?");
    if (at !== -1) {
      options.url = options.url.slice(0, at + 1) + masked(options.url.slice(at + 1));
    }
  });
})();
