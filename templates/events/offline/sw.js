// The entry app's service worker (scope /nhap-lieu/): it keeps the app's page and files so that the app
// opens without a network. Figures live in the page's IndexedDB, not here. Written by events/offline_views.py.
const FILES = {{ files|safe }};
// A new name whenever a file changes (its address carries its hash): the old copy is dropped on activation.
const CACHE = "nhap-lieu-{{ version }}";
const PAGE = "/nhap-lieu/";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([PAGE, ...FILES])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("nhap-lieu-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    // The page from the network when there is one (and kept), else the kept copy.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
          }
          return response;
        })
        .catch(() => caches.match(PAGE)),
    );
  } else if (FILES.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  }
});
