// Loaded as a module so the strict Content-Security-Policy needs no inline script.
import { initAll } from "../build/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// A region marked data-lantern-refresh="SECONDS" is re-read from the server until the server stops marking
// it (a background run has finished). Only a changed region is replaced, so screen readers hear changes once.
const REFRESH_ATTRIBUTE = "data-lantern-refresh";

function watch(region) {
  const seconds = Number(region.getAttribute(REFRESH_ATTRIBUTE)) || 5;
  const timer = window.setInterval(async () => {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(region.id);
      if (!fresh) return;
      if (fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
      if (!fresh.hasAttribute(REFRESH_ATTRIBUTE)) {
        region.removeAttribute(REFRESH_ATTRIBUTE);
        window.clearInterval(timer);
      }
    } catch {
      // A dropped connection: try again at the next tick.
    }
  }, seconds * 1000);
}

document.querySelectorAll(`[${REFRESH_ATTRIBUTE}][id]`).forEach(watch);
