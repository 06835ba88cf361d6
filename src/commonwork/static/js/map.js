// Maps with Leaflet (vendored). Two kinds, found by data-map on a container:
// - "picker": the client drops or drags the pickup and drop-off pins; the hidden
//   coordinate inputs follow the pins, the address inputs follow the pins' places.
// - "view": a task's pickup, drop-off and (for its client, while under way) the worker.
// Without a tile server (data-tiles empty) the maps draw on a plain background.
(function () {
  "use strict";

  // The pages hand their data over in data-* attributes as JSON.
  function readJSON(text) {
    try { return text ? JSON.parse(text) : null; } catch (error) { return null; }
  }

  function baseMap(element, centre) {
    const words = readJSON(element.dataset.words) || {};
    const map = L.map(element, { scrollWheelZoom: false, zoomControl: false, attributionControl: false });
    // The controls speak the page's language (Leaflet's own titles are English).
    L.control.zoom({ zoomInTitle: words.zoom_in, zoomOutTitle: words.zoom_out }).addTo(map);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com" translate="no">Leaflet</a>' }).addTo(map);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        attribution: '<span translate="no">' + (element.dataset.attribution || "") + "</span>",
      }).addTo(map);
    } else {
      element.classList.add("map-plain");
      // No tiles: the known places, faintly, so the pins have something to be near.
      // Their names are the city's, in no reader's language (translate="no").
      (readJSON(element.dataset.landmarks) || []).forEach(function (place) {
        const name = document.createElement("span");
        name.textContent = place.name;
        name.setAttribute("translate", "no");
        L.marker([place.lat, place.lon], {
          icon: L.divIcon({ className: "landmark", html: name, iconSize: null, iconAnchor: [0, 6] }),
          interactive: false,
          keyboard: false,
        }).addTo(map);
      });
    }
    map.setView(centre, 13);
    return map;
  }

  function pin(kind, text) {
    const label = document.createElement("span");
    label.textContent = text || "";
    return L.divIcon({
      className: "pin pin-" + kind,
      html: label,
      iconSize: [28, 28],
      iconAnchor: [14, 28],
    });
  }

  function serviceArea(map, element) {
    const radius = parseFloat(element.dataset.radiusKm || "0");
    if (radius > 0) {
      const centre = element.dataset.centre.split(",").map(parseFloat);
      L.circle(centre, { radius: radius * 1000, className: "service-area", interactive: false }).addTo(map);
    }
  }

  function round(value) { return Math.round(value * 1e5) / 1e5; }

  function setupPicker(element) {
    const form = element.closest("form");
    const centre = element.dataset.centre.split(",").map(parseFloat);
    const map = baseMap(element, centre);
    serviceArea(map, element);
    const labels = { pickup: element.dataset.pickupLetter, dropoff: element.dataset.dropoffLetter };
    const markers = {};
    let mode = "pickup";

    function field(end, name) { return form.querySelector("[name=" + end + "_" + name + "]"); }

    function chooseMode(end) {
      mode = end;
      form.querySelectorAll("[data-pin-mode]").forEach(function (button) {
        button.setAttribute("aria-pressed", button.dataset.pinMode === end ? "true" : "false");
      });
    }

    function lookUpPlace(end, latlng) {
      const url = element.dataset.reverseUrl + "?lat=" + latlng.lat + "&lon=" + latlng.lng;
      fetch(url, { credentials: "same-origin" }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (place) {
        field(end, "address").value = place && place.label ? place.label : "";
      }).catch(function () { /* the pin alone is enough */ });
    }

    function place(end, latlng, fromAddress) {
      field(end, "lat").value = round(latlng.lat);
      field(end, "lon").value = round(latlng.lng);
      if (!markers[end]) {
        markers[end] = L.marker(latlng, { icon: pin(end, labels[end]), draggable: true, keyboard: true })
          .addTo(map);
        markers[end].on("dragend", function () { place(end, markers[end].getLatLng(), false); });
      } else {
        markers[end].setLatLng(latlng);
      }
      element.dataset[end + "Placed"] = "true";
      if (!fromAddress) lookUpPlace(end, latlng);
    }

    map.on("click", function (event) {
      place(mode, event.latlng, false);
      if (mode === "pickup" && !markers.dropoff) chooseMode("dropoff");
    });
    form.querySelectorAll("[data-pin-mode]").forEach(function (button) {
      button.addEventListener("click", function () { chooseMode(button.dataset.pinMode); });
    });

    ["pickup", "dropoff"].forEach(function (end) {
      const input = field(end, "address");
      const list = document.getElementById(end + "-places");
      let timer = null;
      let found = [];
      input.setAttribute("list", end + "-places");
      input.setAttribute("autocomplete", "off");
      input.addEventListener("input", function () {
        // A typed address replaces the pin until a place is chosen or a pin dropped.
        field(end, "lat").value = "";
        field(end, "lon").value = "";
        const chosen = found.find(function (p) { return p.label === input.value; });
        if (chosen) { place(end, L.latLng(chosen.lat, chosen.lon), true); map.panTo([chosen.lat, chosen.lon]); return; }
        clearTimeout(timer);
        timer = setTimeout(function () {
          if (input.value.trim().length < 2) return;
          fetch(element.dataset.placesUrl + "?q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
            .then(function (response) { return response.ok ? response.json() : []; })
            .then(function (places) {
              found = places;
              list.replaceChildren.apply(list, places.map(function (p) {
                const option = document.createElement("option");
                option.value = p.label;
                return option;
              }));
            }).catch(function () { /* typing still works; the server looks it up */ });
        }, 250);
      });
      const lat = parseFloat(field(end, "lat").value);
      const lon = parseFloat(field(end, "lon").value);
      if (!isNaN(lat) && !isNaN(lon)) place(end, L.latLng(lat, lon), true);
    });

    const kind = form.querySelector("[name=kind]");
    function showForKind() {
      const located = !kind || kind.value === "located";
      form.querySelectorAll("[data-located-only]").forEach(function (node) { node.hidden = !located; });
      if (located) map.invalidateSize();
    }
    if (kind) kind.addEventListener("change", showForKind);
    showForKind();
    element.dataset.ready = "true";
  }

  // While a task is under way its page follows it: the status, and the worker's pin
  // where the bylaws let this reader see it.
  const FINISHED = ["completed", "cancelled"];
  function live(element, map) {
    const url = element.dataset.liveUrl;
    if (!url || FINISHED.includes(element.dataset.status)) return;
    let worker = null;
    const letter = element.dataset.workerLetter || "W";
    setInterval(function () {
      fetch(url, { credentials: "same-origin" }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (state) {
        if (!state) return;
        const status = document.querySelector("[data-testid=task-status]");
        if (status && status.dataset.status !== state.status) {
          status.dataset.status = state.status;
          status.textContent = state.status_label;
        }
        if (state.worker) {
          if (!worker) worker = L.marker(state.worker, { icon: pin("worker", letter), keyboard: false }).addTo(map);
          else worker.setLatLng(state.worker);
        } else if (worker) {
          map.removeLayer(worker);
          worker = null;
        }
      }).catch(function () { /* try again next time */ });
    }, 15000);
  }

  function setupView(element) {
    const points = readJSON(element.dataset.points) || [];
    if (!points.length) return;
    const map = baseMap(element, [points[0].lat, points[0].lon]);
    serviceArea(map, element);
    const bounds = [];
    points.forEach(function (p) {
      L.marker([p.lat, p.lon], { icon: pin(p.kind, p.letter), keyboard: false })
        .addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    if (points.length > 1) {
      L.polyline(bounds.slice(0, 2), { className: "route", interactive: false }).addTo(map);
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
    }
    element.dataset.ready = "true";
    live(element, map);
  }

  // The worker's areas: two taps on the map make a rectangle; each can be removed.
  function setupAreas(element) {
    const form = element.closest("form");
    const input = form.querySelector("[name=areas]");
    const list = document.getElementById(element.dataset.list);
    const centre = element.dataset.centre.split(",").map(parseFloat);
    const map = baseMap(element, centre);
    serviceArea(map, element);
    let areas = [];
    try { areas = JSON.parse(input.value || "[]") || []; } catch (error) { areas = []; }
    const layers = L.layerGroup().addTo(map);
    let corner = null;
    let cornerMark = null;

    function draw() {
      layers.clearLayers();
      list.replaceChildren();
      areas.forEach(function (area, index) {
        L.rectangle([[area[0], area[1]], [area[2], area[3]]], { className: "work-area" }).addTo(layers);
        const item = document.createElement("li");
        item.textContent = element.dataset.areaWord + " " + (index + 1) + " ";
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link";
        remove.textContent = element.dataset.removeWord;
        remove.dataset.testid = "remove-area-" + (index + 1);
        remove.addEventListener("click", function () { areas.splice(index, 1); draw(); });
        item.appendChild(remove);
        list.appendChild(item);
      });
      input.value = JSON.stringify(areas);
      element.dataset.areas = String(areas.length);
    }

    map.on("click", function (event) {
      if (corner === null) {
        corner = event.latlng;
        cornerMark = L.circleMarker(corner, { radius: 5, className: "work-area" }).addTo(map);
        return;
      }
      const a = corner, b = event.latlng;
      areas.push([
        round(Math.min(a.lat, b.lat)), round(Math.min(a.lng, b.lng)),
        round(Math.max(a.lat, b.lat)), round(Math.max(a.lng, b.lng)),
      ]);
      corner = null;
      if (cornerMark) map.removeLayer(cornerMark);
      draw();
    });
    draw();
    if (areas.length) map.fitBounds(areas.map(function (a) { return [[a[0], a[1]], [a[2], a[3]]]; }).flat(), { maxZoom: 15 });
    element.dataset.ready = "true";
  }

  function setup(root) {
    if (typeof L === "undefined") return;
    root.querySelectorAll("[data-map=picker]:not([data-ready])").forEach(setupPicker);
    root.querySelectorAll("[data-map=view]:not([data-ready])").forEach(setupView);
    root.querySelectorAll("[data-map=areas]:not([data-ready])").forEach(setupAreas);
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setup(event.target); });
})();
