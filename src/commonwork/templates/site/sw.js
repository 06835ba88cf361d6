// Commonwork's service worker (served by site.views.service_worker; version {{ version }}).
// The shell (styles, scripts) comes from the cache; pages come from the network, and the
// last copy of the worker's page and of each task page is kept for when the signal drops.
const SHELL = "shell-{{ version }}";
const PAGES = "pages-v1";
const SHELL_FILES = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const KEPT_PAGES = /^\/(zh-hans\/)?(work\/|tasks\/\d+\/)$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_FILES); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.startsWith("shell-") && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL_FILES.includes(url.pathname)) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate" && KEPT_PAGES.test(url.pathname)) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        const copy = response.clone();
        caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) {
        return hit || caches.match("{% url 'worker_home' %}");
      });
    }));
  }
});

// An offer pushed by the co-op (work.push): show it; a tap opens the worker's page.
self.addEventListener("push", function (event) {
  let offer = {};
  try { offer = event.data ? event.data.json() : {}; } catch (error) { offer = {}; }
  event.waitUntil(self.registration.showNotification(offer.title || "Commonwork", {
    body: offer.body || "",
    tag: "offer-" + (offer.offer || ""),
    requireInteraction: true,
    vibrate: [200, 100, 200],
    data: { url: offer.url || "/work/" },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data.url));
});
