// Every page: register the service worker, so the worker's page installs as an app and
// keeps working through a dropped signal (site.views.service_worker).
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* the site works without it */
    });
  });
}
