// Builds Lantern's stylesheet and scripts from the govuk-frontend and cytoscape npm packages (never copied by hand).
import { compile } from "sass";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, "src/lantern/web/static/build");
const govuk = join(root, "node_modules/govuk-frontend/dist/govuk");
mkdirSync(out, { recursive: true });

const css = compile(join(root, "src/lantern/web/scss/lantern.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "lantern.css"), css.css);
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
// The link chart's drawing library, as an ES module. Named .js rather than .mjs: a module script must be served
// with a JavaScript MIME type, and not every static file server knows .mjs.
const cytoscape = join(root, "node_modules/cytoscape/dist/cytoscape.esm.min.mjs");
copyFileSync(cytoscape, join(out, "cytoscape.esm.min.js"));
console.log(`built ${out}: lantern.css (${css.css.length} bytes), govuk-frontend.min.js, cytoscape.esm.min.js`);
