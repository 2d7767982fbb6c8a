/* "Gần tôi" (issue 27): order the list by distance from where the resident is.
 *
 * The position stays in the browser: the script picks the area whose centre (the option's data-lat and
 * data-lon) is nearest and submits the form with that area's code, as choosing it by hand would. Without
 * JavaScript, or when the resident says no, the area is chosen from the list.
 */
(function () {
  "use strict";
  var select = document.querySelector("select[name=near]");
  if (!select || !navigator.geolocation) return;
  var form = select.form;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "near-me";
  button.textContent = select.dataset.nearMeLabel;
  var status = document.createElement("span");
  status.className = "near-me-status";
  status.setAttribute("role", "status");
  select.parentNode.appendChild(button);
  select.parentNode.appendChild(status);

  function nearest(latitude, longitude) {
    var best = null;
    var bestDistance = Infinity;
    var scale = Math.cos((latitude * Math.PI) / 180);
    Array.prototype.forEach.call(select.querySelectorAll("option[data-lat]"), function (option) {
      var north = parseFloat(option.dataset.lat) - latitude;
      var east = (parseFloat(option.dataset.lon) - longitude) * scale;
      var distance = north * north + east * east;
      if (distance < bestDistance) {
        best = option;
        bestDistance = distance;
      }
    });
    return best;
  }

  button.addEventListener("click", function () {
    status.textContent = select.dataset.nearMeWaiting;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var option = nearest(position.coords.latitude, position.coords.longitude);
        if (!option) {
          status.textContent = select.dataset.nearMeFailed;
          return;
        }
        select.value = option.value;
        form.submit();
      },
      function () {
        status.textContent = select.dataset.nearMeFailed;
      },
      { maximumAge: 600000, timeout: 15000 }
    );
  });
})();
