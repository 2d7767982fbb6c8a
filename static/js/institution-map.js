/* The institution page's map (templates/pages/institution_page.html), drawn with Leaflet
   (static/vendor/leaflet/). The element comes hidden: without JavaScript, or when Leaflet did not load,
   it stays hidden and the link to the coordinates beside it is the way to the location.

   <div class="institution-map" hidden data-lat data-lon data-zoom data-tiles data-attribution
        data-label data-icon data-icon-retina data-shadow data-zoom-in data-zoom-out aria-label>

   The page scrolls over the map: no zooming with the mouse wheel, and on a phone one finger scrolls
   the page (two pan and zoom the map). The map is one stop of the Tab key (arrow keys pan it, + and -
   zoom), then its zoom buttons and the attribution's links, then the rest of the page. */
(function () {
  "use strict";
  var element = document.querySelector(".institution-map");
  if (!element || typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var data = element.dataset;
  var point = [parseFloat(data.lat), parseFloat(data.lon)];
  if (!isFinite(point[0]) || !isFinite(point[1]) || !data.tiles) {
    return;
  }
  element.hidden = false;
  var map = L.map(element, {
    center: point,
    zoom: parseInt(data.zoom, 10) || 16,
    scrollWheelZoom: false,
    dragging: !L.Browser.mobile,
    zoomControl: false,
  });
  L.control
    .zoom({ zoomInTitle: data.zoomIn || "Zoom in", zoomOutTitle: data.zoomOut || "Zoom out" })
    .addTo(map);
  L.tileLayer(data.tiles, {
    attribution: data.attribution || "",
    maxZoom: 19,
    // The page's own policy sends no Referer to other sites; tile servers (OpenStreetMap's among them)
    // ask for one, so the tiles tell them the site's origin, and only that.
    referrerPolicy: "strict-origin-when-cross-origin",
  }).addTo(map);
  // The marker's images by their addresses from {% static %}: Leaflet's own guess from leaflet.css
  // fails when the files are renamed with their hashes in production.
  var icon = L.icon({
    iconUrl: data.icon,
    iconRetinaUrl: data.iconRetina,
    shadowUrl: data.shadow,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    tooltipAnchor: [16, -28],
    shadowSize: [41, 41],
  });
  // Nothing to open on it: the marker is not a Tab stop of its own.
  L.marker(point, { icon: icon, title: data.label, alt: data.label, keyboard: false }).addTo(map);
})();
