// Attest's offline verifier: checks a token in the browser — EdDSA only, typ
// attestation+jwt, a kid of the portal's JWK Set, the signature with WebCrypto Ed25519, the
// issuer, the dates, then the token's entry in its status list (draft-ietf-oauth-status-list)
// — against the keys and lists kept in this browser's cache, refreshed whenever there is a
// connection. No framework, nothing from elsewhere.
(function () {
  "use strict";
  var root, V, keys = {}, lists = {};

  function t(key, values) {
    var text = (V.messages[key] || key);
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    return text;
  }

  function bytesOf(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function b64urlOf(bytes) {
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function jsonOf(b64url) {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytesOf(b64url)));
  }

  function age(seconds) {
    var s = Math.max(0, Math.round(seconds));
    if (s < 120) { return t("offline.age_s", { n: s }); }
    if (s < 7200) { return t("offline.age_min", { n: Math.floor(s / 60) }); }
    return t("offline.age_h", { n: Math.floor(s / 3600) });
  }

  function now() { return Math.floor(Date.now() / 1000); }

  // A kept copy of `path`: fetched and cached when there is a connection, else the cache's.
  function kept(path) {
    return fetch(path, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        var copy = response.clone();
        return caches.open(V.paths.cache)
          .then(function (cache) { return cache.put(path, copy); })
          .then(function () { return response.text(); })
          .then(function (text) { return { text: text, fresh: true }; });
      })
      .catch(function () {
        return caches.match(path).then(function (response) {
          return response ? response.text().then(function (text) { return { text: text, fresh: false }; }) : null;
        });
      });
  }

  // Checks a compact JWS of `type` signed by a kept key: its header and payload, or the key
  // of the reason it is not good.
  function checkJws(token, type) {
    var parts = token.split(".");
    if (parts.length !== 3) { return Promise.reject("verify.reason.not_signed"); }
    var header;
    try { header = jsonOf(parts[0]); } catch (e) { return Promise.reject("verify.reason.not_signed"); }
    if (header.alg !== "EdDSA") { return Promise.reject("verify.reason.algorithm"); }
    if (header.typ !== type) { return Promise.reject("verify.reason.typ"); }
    if (!header.kid) { return Promise.reject("verify.reason.no_kid"); }
    var key = keys[header.kid];
    if (!key) { return Promise.reject("verify.reason.unknown_key"); }
    var signed = new TextEncoder().encode(parts[0] + "." + parts[1]);
    var signature;
    try { signature = bytesOf(parts[2]); } catch (e) { return Promise.reject("verify.reason.signature"); }
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, signed).then(function (good) {
      if (!good) { throw "verify.reason.signature"; }
      try { return jsonOf(parts[1]); } catch (e) { throw "verify.reason.malformed"; }
    });
  }

  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  // The exact token a printed QR code's `z=…` holds: the header and payload JSON, joined by
  // a newline and zlib-compressed, then `.` and the signature (src/tokens/fragment.rs).
  function expand(fragment) {
    var rest = fragment.slice(2), dot = rest.indexOf(".");
    if (dot < 0) { return Promise.reject("verify.reason.not_signed"); }
    var compressed;
    try { compressed = bytesOf(rest.slice(0, dot)); } catch (e) { return Promise.reject("verify.reason.not_signed"); }
    return inflate(compressed).then(function (joined) {
      var at = joined.indexOf(10);
      if (at < 0) { throw "verify.reason.not_signed"; }
      return b64urlOf(joined.subarray(0, at)) + "." + b64urlOf(joined.subarray(at + 1)) + "." + rest.slice(dot + 1);
    }, function () { throw "verify.reason.not_signed"; });
  }

  // The kept keys and lists, refreshed when there is a connection.
  function load() {
    return kept(V.paths.jwks).then(function (jwks) {
      if (!jwks) { return false; }
      var imports = JSON.parse(jwks.text).keys.filter(function (k) {
        return k.kty === "OKP" && k.crv === "Ed25519";
      }).map(function (k) {
        return crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: k.x }, { name: "Ed25519" }, false, ["verify"])
          .then(function (key) { keys[k.kid] = key; });
      });
      return Promise.all(imports).then(function () { return kept(V.paths.lists); }).then(function (index) {
        if (!index) { return jwks.fresh; }
        var uris = JSON.parse(index.text).status_lists || [];
        return Promise.all(uris.map(loadList)).then(function () { return jwks.fresh; });
      });
    });
  }

  function loadList(uri) {
    return kept(new URL(uri).pathname).then(function (got) {
      if (!got) { return; }
      return checkJws(got.text, V.list_type).then(function (claims) {
        if (claims.sub !== uri || !claims.status_list) { return; }
        return inflate(bytesOf(claims.status_list.lst)).then(function (bytes) {
          lists[uri] = { iat: claims.iat, exp: claims.exp, ttl: claims.ttl, bits: claims.status_list.bits, bytes: bytes };
        });
      }).catch(function () { /* a list that does not check is not kept */ });
    });
  }

  function oldestList() {
    var uris = Object.keys(lists);
    if (!uris.length) { return null; }
    return uris.map(function (u) { return lists[u]; }).reduce(function (a, b) { return a.iat <= b.iat ? a : b; });
  }

  function staleNote(list) {
    var since = now() - list.iat;
    return since > list.ttl ? t("offline.lists_stale", { age: age(since), ttl: list.ttl }) : "";
  }

  function showLists(fresh) {
    var line = document.getElementById("offline-lists");
    var oldest = oldestList();
    if (!oldest) { line.textContent = t("offline.lists_none"); return; }
    var text = t("offline.lists_age", { count: Object.keys(lists).length, age: age(now() - oldest.iat) });
    text += " " + (fresh ? t("offline.refreshed") : t("offline.refresh_failed"));
    var stale = staleNote(oldest);
    line.textContent = stale ? text + " " + stale : text;
    line.classList.toggle("warning", !!stale);
  }

  // What was scanned or typed: a token, a verify URL with the token after `#`, or a code.
  function tokenOf(input) {
    var text = input.trim();
    var hash = text.indexOf("#");
    if (hash >= 0) { text = decodeURIComponent(text.slice(hash + 1)); }
    return text;
  }

  function statusOf(claims) {
    var at = now();
    if (at + V.leeway < claims.nbf) { return { status: "not_yet_valid" }; }
    if (at - V.leeway > claims.exp) { return { status: "expired" }; }
    var entry = claims.status && claims.status.status_list;
    if (!entry) { return { status: "unknown_status", note: t("offline.no_list") }; }
    var list = lists[entry.uri];
    if (!list) { return { status: "unknown_status", note: t("offline.no_entry") }; }
    var ageNote = t("offline.lists_age", { count: 1, age: age(at - list.iat) }) + " " + staleNote(list);
    if (at > list.exp) { return { status: "unknown_status", note: t("offline.list_expired"), age: ageNote }; }
    var perByte = 8 / list.bits;
    var byte = list.bytes[Math.floor(entry.idx / perByte)];
    if (byte === undefined) { return { status: "unknown_status", note: t("offline.no_entry"), age: ageNote }; }
    var value = (byte >> ((entry.idx % perByte) * list.bits)) & ((1 << list.bits) - 1);
    if (value === 0) { return { status: "valid", age: ageNote }; }
    if (value === 1) { return { status: "revoked", note: t("offline.ended_or_replaced"), age: ageNote }; }
    if (value === 2) { return { status: "suspect", age: ageNote }; }
    return { status: "unknown_status", age: ageNote };
  }

  function show(result, claims) {
    var panel = document.getElementById("offline-result");
    var look = { unknown_status: "unknown", code: "unknown" }[result.status] || result.status;
    panel.className = "panel verdict verdict-" + look;
    panel.setAttribute("data-status", result.status);
    panel.querySelector(".offline-marker").textContent = t("offline.marker");
    panel.querySelector(".verdict-status").textContent = result.heading ||
      (result.status === "unknown_status" ? t("offline.status_unknown") : t("vstatus." + result.status));
    panel.querySelector(".verdict-text").textContent =
      result.heading || result.status === "unknown_status" ? "" : t("vstatus_text." + result.status);
    panel.querySelector(".verdict-note").textContent = result.note || "";
    panel.querySelector(".verdict-age").textContent = result.age || "";
    var title = panel.querySelector(".verdict-title"), details = panel.querySelector(".details");
    title.textContent = "";
    details.textContent = "";
    if (claims) {
      title.textContent = V.titles[claims.kind + "." + claims.issuer.kind] || "";
      var row = function (label, value) {
        var dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = label;
        dd.textContent = value;
        details.appendChild(dt);
        details.appendChild(dd);
      };
      row(t("print.issuer"), claims.issuer.name + "（" + t("kind." + claims.issuer.kind) + "，" + claims.issuer.identifier + "）");
      row(t("attestations.subject"), claims.subject.name);
      row(t("attestations.subject_id_number"), claims.subject.id_number);
      (V.kinds[claims.kind] || []).forEach(function (field) {
        var value = claims.facts ? claims.facts[field.name] : undefined;
        if (value === undefined || value === null) {
          if (field.absent) { row(field.label, field.absent); }
          return;
        }
        row(field.label, field.values[String(value)] || String(value));
      });
      row(t("attestations.validity"), claims.valid_from + " – " + claims.valid_until);
      row(t("verify.station"), claims.aud);
    }
    panel.hidden = false;
    panel.scrollIntoView({ block: "start" });
  }

  function verify(input) {
    var token = tokenOf(input);
    if (/^[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}$/i.test(token)) {
      show({ status: "code", heading: t("offline.needs_server"), note: t("offline.code_needs_server") }, null);
      return Promise.resolve();
    }
    var jws = token.indexOf("z=") === 0 ? expand(token) : Promise.resolve(token);
    return jws.then(function (jws) { return checkJws(jws, V.token_type); }).then(function (claims) {
      var required = ["iss", "aud", "exp", "nbf"].every(function (c) { return claims[c] !== undefined; });
      if (!required || !claims.issuer || !claims.subject) { throw "verify.reason.malformed"; }
      if (V.issuers.indexOf(claims.iss) < 0) { throw "verify.reason.iss"; }
      show(statusOf(claims), claims);
    }).catch(function (reason) {
      var key = typeof reason === "string" ? reason : "verify.reason.malformed";
      show({ status: "invalid", note: t("verify.detail") + ": " + t(key) }, null);
    });
  }

  function start() {
    root = document.getElementById("offline");
    if (!root || !window.crypto || !crypto.subtle || !window.caches) { return; }
    V = JSON.parse(root.getAttribute("data-vocabulary"));
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(V.paths.worker, { scope: V.paths.verify }).catch(function () {});
    }
    var form = document.getElementById("offline-form");
    var input = document.getElementById("offline-input");
    var ready = load().then(function (fresh) {
      showLists(fresh);
      root.setAttribute("data-ready", "true");
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      ready.then(function () { return verify(input.value); });
    });
    if (window.location.hash.length > 1) {
      var scanned = window.location.hash;
      history.replaceState(null, "", window.location.pathname);
      ready.then(function () { return verify(scanned); });
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
