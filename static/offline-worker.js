// Attest's offline verifier: keeps its page and scripts, and when there is no connection
// serves them — for /verify/offline, and for /verify so that a scanned /verify#… link
// opens the offline verifier. The JWK Set and the status lists are kept by the page itself
// in the same cache (static/offline.js).
"use strict";
var PATHS = __ATTEST_PATHS__;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(PATHS.cache)
      .then(function (cache) { return cache.addAll(PATHS.shell); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var offlinePage = request.mode === "navigate" && url.pathname === PATHS.verify;
  if (!offlinePage && PATHS.shell.indexOf(url.pathname) < 0) { return; }
  var key = offlinePage ? PATHS.page : url.pathname;
  event.respondWith(
    fetch(request)
      .then(function (response) {
        if (response.ok && !offlinePage) {
          var copy = response.clone();
          caches.open(PATHS.cache).then(function (cache) { cache.put(key, copy); });
        }
        return response;
      })
      .catch(function () {
        return caches.match(key, { ignoreSearch: true }).then(function (kept) {
          return kept || Response.error();
        });
      })
  );
});
