// Tells the server the reader's time zone, so that pages show times where the reader is
// (config/timezones.py reads the cookie). Nothing is reloaded: the next page uses it.
(function () {
  "use strict";
  const COOKIE = "tz";
  const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;
  // IANA names: letters, digits, "/", "_", "+", "-" — all safe in a cookie as they are.
  const ZONE_NAME = /^[A-Za-z0-9_+\-\/]{1,64}$/;

  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;  // an old browser: the site's zone it is
  }
  if (!zone || !ZONE_NAME.test(zone)) return;

  const saved = document.cookie.split("; ")
    .find(function (pair) { return pair.startsWith(COOKIE + "="); });
  if (saved && saved.slice(COOKIE.length + 1) === zone) return;

  document.cookie = COOKIE + "=" + zone + "; path=/; max-age=" + ONE_YEAR_SECONDS
    + "; SameSite=Lax" + (window.location.protocol === "https:" ? "; Secure" : "");
})();
