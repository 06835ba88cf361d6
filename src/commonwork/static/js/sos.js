// The SOS button: ask the phone for its position, then send the form with it. Without a
// position (refused, no signal, ten seconds gone) the form is sent anyway: help first.
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (!form.matches("form[data-sos]") || form.dataset.located) return;
  event.preventDefault();
  const send = function () { form.dataset.located = "1"; form.submit(); };
  if (!navigator.geolocation) { send(); return; }
  navigator.geolocation.getCurrentPosition(function (where) {
    form.querySelector("[name=lat]").value = where.coords.latitude;
    form.querySelector("[name=lon]").value = where.coords.longitude;
    send();
  }, send, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
});
