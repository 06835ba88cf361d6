// The worker's page on the phone: location while available, offers that ring and count
// down, Web Push where the co-op configured it.
(function () {
  "use strict";

  // --- location: shared only while available, at most every N seconds -------------------
  let watch = null;
  let lastSent = 0;

  function app() { return document.getElementById("worker-app"); }
  function csrf() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function stateLine(text) {
    const line = document.querySelector("[data-testid=location-state]");
    if (!line) return;
    line.textContent = text;
    line.hidden = !text;
  }

  function send(position) {
    const root = app();
    const every = parseInt(root.dataset.shareSeconds || "30", 10) * 1000;
    const now = Date.now();
    if (now - lastSent < every) return;
    lastSent = now;
    const body = new URLSearchParams({
      lat: position.coords.latitude.toFixed(6),
      lon: position.coords.longitude.toFixed(6),
    });
    fetch(root.dataset.locationUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() },
      body: body,
    }).then(function (response) {
      if (response.status === 409 || response.status === 400) stop();
    }).catch(function () { lastSent = 0; });
  }

  function start() {
    if (watch !== null || !navigator.geolocation) return;
    const line = document.querySelector("[data-testid=location-state]");
    watch = navigator.geolocation.watchPosition(send, function () {
      stateLine(line ? line.dataset.refused : "");
      stop();
    }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
    stateLine(line ? line.dataset.sharing : "");
  }

  function stop() {
    if (watch !== null && navigator.geolocation) navigator.geolocation.clearWatch(watch);
    watch = null;
    lastSent = 0;
  }

  function followAvailability() {
    const form = document.getElementById("availability");
    if (!form || !app()) return;
    if (form.dataset.available === "true") {
      start();
    } else {
      stop();
      stateLine("");
    }
  }

  // --- offers: a sound, a buzz and a countdown ------------------------------------------
  const seen = new Set();
  let audio = null;

  function ring() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.25].forEach(function (at) {
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.value = 0.2;
        tone.connect(gain).connect(audio.destination);
        tone.start(audio.currentTime + at);
        tone.stop(audio.currentTime + at + 0.15);
      });
    } catch (error) { /* no sound on this device */ }
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
  }

  function countdown() {
    const section = document.getElementById("offers");
    if (!section) return;
    const template = section.dataset.left || "SECONDS";
    section.querySelectorAll("[data-offer]").forEach(function (card) {
      const left = Math.round((Date.parse(card.dataset.expires) - Date.now()) / 1000);
      const line = card.querySelector(".countdown");
      if (left > 0) {
        line.textContent = template.replace("SECONDS", String(left));
      } else {
        line.textContent = section.dataset.gone;
        card.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      }
    });
  }

  function noticeOffers(initial) {
    let fresh = false;
    document.querySelectorAll("#offers [data-offer]").forEach(function (card) {
      if (!seen.has(card.dataset.offer)) {
        seen.add(card.dataset.offer);
        fresh = true;
      }
    });
    if (fresh && !initial) ring();
    countdown();
  }

  // --- Web Push, where the co-op has keys ----------------------------------------------
  function keyBytes(base64) {
    const padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }

  function setupPush() {
    const root = app();
    const button = document.querySelector("[data-push-toggle]");
    if (!root || !button || !root.dataset.vapidKey || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(root.dataset.vapidKey),
        });
      }).then(function (subscription) {
        return fetch(root.dataset.pushUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
          body: JSON.stringify(subscription.toJSON()),
        });
      }).then(function (response) {
        button.disabled = response.ok;
      }).catch(function () { /* the page keeps polling */ });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    followAvailability();
    noticeOffers(true);
    setupPush();
    setInterval(countdown, 1000);
  });
  document.addEventListener("htmx:afterSettle", function () {
    followAvailability();
    noticeOffers(false);
  });
})();
