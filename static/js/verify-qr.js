// The offline check of a certificate's QR code (registry/qr_signing.py, docs/decisions/0103).
// The scanned text is `…/verify/TOKEN/#hl1.<payload>.<signature>`; the Ed25519 signature over
// `hl1.<payload>` is checked with WebCrypto against the public keys embedded in this page (#qr-keys),
// so checking sends nothing to the server. Messages come from the page (#qr-messages), in its language.
(function () {
  "use strict";
  var section = document.getElementById("qr-check");
  if (!section) return;
  var keys = JSON.parse(document.getElementById("qr-keys").textContent);
  var messages = JSON.parse(document.getElementById("qr-messages").textContent);
  var PATTERN = /hl1\.([A-Za-z0-9_-]{1,600})\.([A-Za-z0-9_-]{86})(?![A-Za-z0-9_-])/;
  var TOKEN_PATH = /\/verify\/([A-Za-z0-9_-]{24})\//;

  function bytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var text = atob(b64);
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  function day(text) {
    if (!/^\d{8}$/.test(text)) throw new Error("date");
    return text.slice(0, 4) + "-" + text.slice(4, 6) + "-" + text.slice(6, 8);
  }

  function parse(body) {
    var fields = new TextDecoder("utf-8", { fatal: true }).decode(bytes(body)).split("|");
    if (fields.length !== 8 || !/^[A-Za-z0-9_-]{1,32}$/.test(fields[0]) || !/^[12]$/.test(fields[3])) {
      throw new Error("fields");
    }
    return {
      kid: fields[0], number: fields[1], holder: fields[2], level: fields[3],
      validFrom: day(fields[4]), validUntil: day(fields[5]), issued: day(fields[6]), hash: fields[7],
    };
  }

  function today() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function show(verdict, payload, text) {
    section.hidden = false;
    section.classList.toggle("qr-ok", verdict === "valid");
    section.classList.toggle("qr-bad", verdict !== "valid");
    section.setAttribute("data-verdict", verdict);
    section.querySelector(".qr-verdict").textContent = messages[verdict];
    var fields = document.getElementById("qr-fields");
    var note = section.querySelector(".qr-validity-note");
    fields.hidden = verdict !== "valid";
    note.textContent = "";
    if (verdict === "valid") {
      var values = {
        number: payload.number, holder: payload.holder, level: messages["level_" + payload.level],
        validity: payload.validFrom + " — " + payload.validUntil, issued: payload.issued,
        kid: payload.kid, hash: payload.hash,
      };
      Object.keys(values).forEach(function (name) {
        fields.querySelector('[data-field="' + name + '"]').textContent = values[name];
      });
      var now = today();
      var within = payload.validFrom <= now && now <= payload.validUntil;
      note.textContent = messages[within ? "in_validity" : "outside_validity"];
    }
    section.querySelector(".qr-online span").textContent = messages.online;
    var token = TOKEN_PATH.exec(text || "");
    var link = section.querySelector(".qr-online a");
    if (token) link.setAttribute("href", "/verify/" + token[1] + "/");
  }

  function check(text) {
    var match = PATTERN.exec(text || "");
    var payload;
    try {
      if (!match) throw new Error("no payload");
      payload = parse(match[1]);
    } catch (error) {
      show("malformed", null, text);
      return Promise.resolve("malformed");
    }
    var key = keys.filter(function (k) { return k.kid === payload.kid; })[0];
    if (!key) {
      show("unknown_key", payload, text);
      return Promise.resolve("unknown_key");
    }
    if (!window.crypto || !window.crypto.subtle) {
      show("unsupported", payload, text);
      return Promise.resolve("unsupported");
    }
    var subtle = window.crypto.subtle;
    return subtle.importKey("raw", bytes(key.public_key), { name: "Ed25519" }, false, ["verify"])
      .then(function (publicKey) {
        var signed = new TextEncoder().encode("hl1." + match[1]);
        return subtle.verify({ name: "Ed25519" }, publicKey, bytes(match[2]), signed);
      })
      .then(function (good) {
        var verdict = good ? "valid" : "bad_signature";
        show(verdict, payload, text);
        return verdict;
      }, function () {
        show("unsupported", payload, text);
        return "unsupported";
      });
  }

  var form = document.getElementById("qr-form");
  var input = document.getElementById("qr-text");
  if (form && input) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      check(input.value);
    });
  }
  // Arriving with the payload in the fragment: from the QR code itself, or a scanner app's link.
  if (PATTERN.test(window.location.hash)) {
    var scanned = window.location.href;
    if (input) input.value = scanned;
    check(scanned);
  }
})();
