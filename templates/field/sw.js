/* The field app's service worker (scope {{ shell }}): it keeps the shell and its files for use
   without a network, and sends what waits when Background Sync wakes it (static/field/queue.js).
   Release {{ version }}: a new release is a new cache, the old one is dropped. */
"use strict";
importScripts({% for name in ("store", "queue") %}"{{ url_for('static', filename='field/' ~ name ~ '.js') }}"{{ ", " if not loop.last }}{% endfor %});

var CACHE = "hygiene-field-{{ version }}";
var SHELL = "{{ shell }}";
var FILES = {{ files|tojson }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(FILES.map(function (url) { return new Request(url, {cache: "reload"}); }))
      .then(function () {
        return fetch(SHELL, {credentials: "same-origin", cache: "reload"}).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(SHELL, response);
        });
      });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("hygiene-field-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function shell(request) {
  // the newest shell when the network answers; the kept one when it does not
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(SHELL, copy); });
    }
    return response;
  }, function () {
    return caches.match(SHELL).then(function (kept) { return kept || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === SHELL && event.request.mode === "navigate") { event.respondWith(shell(event.request)); return; }
  if (FILES.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (kept) { return kept || fetch(event.request); }));
  }
  // everything else, the API above all, goes to the network as it is
});

self.addEventListener("sync", function (event) {
  var match = /^field-queue-(\d+)$/.exec(event.tag);
  if (!match) return;
  event.waitUntil(FieldStore.open(match[1]).then(function (store) {
    return Promise.all([store.meta("auth"), store.meta("locale")]).then(function (both) {
      if (!both[0]) return null;
      return FieldQueue.run({store: store, api: both[0].api, token: both[0].token, locale: both[1] || "zh_CN"})
        .then(function (state) { if (state === "retry") throw new Error("try again later"); });
    });
  }));
});
