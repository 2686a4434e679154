// Loaded as a module so the strict Content-Security-Policy needs no inline script.
import { initAll } from "../build/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
