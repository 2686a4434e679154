// The link chart: progressive enhancement of the network page's tables. The server renders the chart's data as
// JSON (json_script) and the same nodes and links as two tables, which work without this script. Here cytoscape
// draws them; a click on a node, or its "Expand" button in the table (the canvas cannot take keyboard focus),
// asks the API for the network again with that node expanded (GET /api/v1/network/ego, the signed-in session)
// and merges the answer in: nodes already drawn keep their places, new ones are laid out around the node
// expanded, and both tables are drawn again from the merged data. The kind and community filters hide and show
// nodes on the chart and rows in the tables at once; a change of dates or hops re-asks the server (the form).
// Loaded as a module, so the Content-Security-Policy needs no inline script.
import cytoscape from "../build/cytoscape.esm.min.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
// Border colours for communities; the community's number is in the table as well.
const COMMUNITY_COLOURS = ["#0b0c0c", "#912b88", "#005a30", "#b58840", "#28a197", "#d53880", "#5694ca", "#6f72af"];
const MIN_SIZE = 22;
const EXTRA_SIZE = 38;

const container = document.getElementById("network-chart");
const status = document.getElementById("network-status");
const form = document.getElementById("network-form");
const nodesTable = document.getElementById("network-nodes");
const edgesTable = document.getElementById("network-edges");
const labels = JSON.parse(document.getElementById("network-labels").textContent);
let chart = JSON.parse(document.getElementById("network-data").textContent);
const ego = container.dataset.mode === "ego";
const focus = chart.focus[0];
const expanded = new Set(ego ? chart.expand : []);
let loading = false;

function say(text) {
  if (status) status.textContent = text;
}

function day(iso) {
  const [year, month, date] = iso.split("-").map(Number);
  return `${date} ${MONTHS[month - 1]} ${year}`;
}

function edgeId(edge) {
  return [edge.source, edge.target].sort().join("|");
}

function nodeById(key) {
  return chart.nodes.find((n) => n.key === key);
}

// Size by betweenness (how many paths between others run through the node), or by links when nothing is between.
function sizes(nodes) {
  const top = Math.max(...nodes.map((n) => n.betweenness), 0);
  const most = Math.max(...nodes.map((n) => n.degree), 1);
  return new Map(
    nodes.map((n) => [n.key, MIN_SIZE + EXTRA_SIZE * Math.sqrt(top > 0 ? n.betweenness / top : n.degree / most)]),
  );
}

function nodeData(node, size) {
  const style = labels.styles[node.kind];
  return {
    id: node.key,
    label: node.label,
    kind: node.kind,
    colour: style.colour,
    shape: style.shape,
    size,
    border: COMMUNITY_COLOURS[node.community % COMMUNITY_COLOURS.length],
  };
}

function elements() {
  const size = sizes(chart.nodes);
  return [
    ...chart.nodes.map((n) => ({ group: "nodes", data: nodeData(n, size.get(n.key)), classes: classesOf(n.key) })),
    ...chart.edges.map((e) => ({
      group: "edges",
      data: { id: edgeId(e), source: e.source, target: e.target, width: 1 + Math.min(e.weight, 6) },
    })),
  ];
}

function classesOf(key) {
  if (key === focus) return ["focus"];
  return expanded.has(key) ? ["expanded"] : [];
}

const cy = cytoscape({
  container,
  elements: elements(),
  minZoom: 0.2,
  maxZoom: 3,
  style: [
    {
      selector: "node",
      style: {
        label: "data(label)",
        "background-color": "data(colour)",
        shape: "data(shape)",
        width: "data(size)",
        height: "data(size)",
        "border-width": 4,
        "border-color": "data(border)",
        "font-family": "arial, helvetica, sans-serif",
        "font-size": 12,
        color: "#0b0c0c",
        "text-valign": "bottom",
        "text-margin-y": 4,
        "text-wrap": "ellipsis",
        "text-max-width": "140px",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.8,
      },
    },
    { selector: "node.focus", style: { "font-weight": "bold", "font-size": 14 } },
    { selector: "node.expanded", style: { "border-style": "double", "border-width": 6 } },
    { selector: "node.filtered", style: { display: "none" } },
    { selector: "edge", style: { width: "data(width)", "line-color": "#6f777b", "curve-style": "bezier" } },
  ],
  layout: ego
    ? { name: "cose", animate: false, nodeDimensionsIncludeLabels: true, randomize: true }
    : { name: "breadthfirst", directed: false, roots: [focus], animate: false, spacingFactor: 1.2 },
});
container.hidden = false;
cy.resize();
cy.fit(undefined, 30);

// -- filters -----------------------------------------------------------------------------------------------------
function filters() {
  const kinds = new Set(form ? [...form.querySelectorAll("input[name=kinds]:checked")].map((i) => i.value) : []);
  const picked = form?.querySelector("select[name=community]")?.value ?? "";
  return (node) => (kinds.size === 0 || kinds.has(node.kind)) && (picked === "" || String(node.community) === picked);
}

function applyFilters() {
  const shows = filters();
  const shown = new Set(chart.nodes.filter(shows).map((n) => n.key));
  cy.batch(() => {
    cy.nodes().forEach((el) => {
      if (shown.has(el.id())) el.removeClass("filtered");
      else el.addClass("filtered");
    });
  });
  renderTables(shown);
  return shown;
}

function communityChoices() {
  const select = form?.querySelector("select[name=community]");
  if (!select) return;
  const current = select.value;
  const numbers = [...new Set(chart.nodes.map((n) => n.community))].sort((a, b) => a - b);
  select.replaceChildren(new Option("Every community", ""));
  for (const number of numbers) select.append(new Option(`Community ${number}`, String(number)));
  select.value = numbers.map(String).includes(current) ? current : "";
}

// -- tables --------------------------------------------------------------------------------------------------------
function cell(text, { numeric = false, header = false } = {}) {
  const el = document.createElement(header ? "th" : "td");
  el.className = header ? "govuk-table__header" : `govuk-table__cell${numeric ? " govuk-table__cell--numeric" : ""}`;
  if (header) el.scope = "row";
  if (text instanceof Node) el.append(text);
  else el.textContent = text;
  return el;
}

function link(text, href) {
  const a = document.createElement("a");
  a.className = "govuk-link";
  a.href = href;
  a.textContent = text;
  return a;
}

function hidden(text) {
  const span = document.createElement("span");
  span.className = "govuk-visually-hidden";
  span.textContent = text;
  return span;
}

function expandControl(node) {
  if (node.key === focus) return "Start";
  if (expanded.has(node.key)) return "Expanded";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
  button.dataset.expand = node.key;
  button.append("Expand", hidden(` ${node.label}`));
  return button;
}

function setCount(table, count) {
  const counter = table.querySelector("[data-count]");
  if (counter) counter.textContent = String(count);
}

function renderTables(shown) {
  if (!nodesTable || !edgesTable) return;
  const nodeRows = chart.nodes
    .filter((n) => shown.has(n.key))
    .map((n) => {
      const row = document.createElement("tr");
      row.className = "govuk-table__row";
      row.dataset.key = n.key;
      row.append(
        cell(n.url ? link(n.label, n.url) : n.label, { header: true }),
        cell(labels.kinds[n.kind] ?? n.kind),
        cell(String(n.community), { numeric: true }),
        cell(String(n.degree), { numeric: true }),
        cell(n.betweenness.toFixed(3), { numeric: true }),
        cell(ego ? expandControl(n) : ""),
      );
      return row;
    });
  nodesTable.tBodies[0].replaceChildren(...nodeRows);
  setCount(nodesTable, nodeRows.length);
  const edgeRows = chart.edges
    .filter((e) => shown.has(e.source) && shown.has(e.target))
    .map((e) => {
      const row = document.createElement("tr");
      row.className = "govuk-table__row";
      const evidence = document.createElement("ul");
      evidence.className = "govuk-list govuk-body-s lantern-network-evidence";
      for (const ev of e.evidence) {
        const item = document.createElement("li");
        item.append(`${ev.agency}: `, ev.url ? link(ev.label, ev.url) : ev.label, ` (${day(ev.on)})`);
        evidence.append(item);
      }
      row.append(
        cell(nodeById(e.source).label),
        cell(nodeById(e.target).label),
        cell(e.kinds.map((k) => labels.links[k] ?? k).join("; ")),
        cell(day(e.first)),
        cell(day(e.last)),
        cell(String(e.weight), { numeric: true }),
        cell(evidence),
      );
      return row;
    });
  edgesTable.tBodies[0].replaceChildren(...edgeRows);
  setCount(edgesTable, edgeRows.length);
}

// -- expanding ------------------------------------------------------------------------------------------------------
function query(extra = {}) {
  const params = new URLSearchParams({ node: focus, hops: String(chart.hops) });
  for (const key of expanded) params.append("expand", key);
  if (chart.window.start) params.set("start", chart.window.start);
  if (chart.window.end) params.set("end", chart.window.end);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params;
}

// Keep what the page shows in its address and download links, so a reload or an export is the same network.
function remember() {
  const params = query();
  window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
  document.querySelectorAll("#network-exports a[data-export]").forEach((a) => {
    const url = new URL(a.href);
    const format = url.searchParams.get("format");
    a.href = `${url.pathname}?${query({ format })}`;
  });
  form?.querySelectorAll("input[type=hidden][name=expand]").forEach((input) => input.remove());
  for (const key of expanded) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "expand";
    input.value = key;
    form?.append(input);
  }
}

function merge(fresh, around) {
  const known = new Set(chart.nodes.map((n) => n.key));
  const added = fresh.nodes.filter((n) => !known.has(n.key));
  const centre = cy.getElementById(around).position();
  const size = sizes(fresh.nodes);
  cy.batch(() => {
    const keep = new Set(fresh.nodes.map((n) => n.key));
    cy.nodes().forEach((el) => {
      if (!keep.has(el.id())) el.remove();
    });
    for (const node of fresh.nodes) {
      const el = cy.getElementById(node.key);
      if (el.nonempty()) {
        el.data(nodeData(node, size.get(node.key)));
        el.classes(classesOf(node.key));
      }
    }
    const radius = 90 + 8 * added.length;
    added.forEach((node, i) => {
      const angle = (2 * Math.PI * i) / Math.max(added.length, 1);
      cy.add({
        group: "nodes",
        data: nodeData(node, size.get(node.key)),
        classes: classesOf(node.key),
        position: { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) },
      });
    });
    const edges = new Set(cy.edges().map((el) => el.id()));
    for (const edge of fresh.edges) {
      if (!edges.has(edgeId(edge))) {
        cy.add({
          group: "edges",
          data: { id: edgeId(edge), source: edge.source, target: edge.target, width: 1 + Math.min(edge.weight, 6) },
        });
      }
    }
  });
  chart = { ...fresh, hops: chart.hops, expand: [...expanded] };
  return added;
}

function addedText(added, label) {
  if (added.length === 0) return `Nothing more you can see is linked to ${label}.`;
  const people = added.filter((n) => n.kind === "child" || n.kind === "adult").length;
  const things = added.length - people;
  const parts = [];
  if (people) parts.push(`${people} ${people === 1 ? "person" : "people"}`);
  if (things) parts.push(`${things} ${things === 1 ? "thing" : "things"}`);
  return `Added ${parts.join(" and ")} linked to ${label}.`;
}

async function expand(key) {
  if (!ego || loading || key === focus || expanded.has(key)) return;
  const node = nodeById(key);
  if (!node) return;
  loading = true;
  say("Loading the network…");
  try {
    expanded.add(key);
    const response = await fetch(`${container.dataset.api}?${query()}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      expanded.delete(key);
      const problem = await response.json().catch(() => ({}));
      say(`Could not expand ${node.label}: ${problem.detail ?? `the server answered ${response.status}`}.`);
      return;
    }
    const added = merge(await response.json(), key);
    communityChoices();
    const shown = applyFilters();
    remember();
    const visible = added.filter((n) => shown.has(n.key));
    cy.animate({ fit: { eles: cy.nodes(":visible"), padding: 30 }, duration: 300 });
    const hiddenNote = visible.length < added.length ? ` The filters hide ${added.length - visible.length}.` : "";
    say(addedText(added, node.label) + hiddenNote);
  } catch {
    expanded.delete(key);
    say(`Could not expand ${node.label}: the connection failed. Try again.`);
  } finally {
    loading = false;
  }
}

cy.on("tap", "node", (event) => expand(event.target.id()));
nodesTable?.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-expand]");
  if (button) expand(button.dataset.expand);
});
form?.addEventListener("change", (event) => {
  if (event.target.name === "kinds" || event.target.name === "community") {
    const shown = applyFilters();
    const total = chart.nodes.length;
    say(shown.size === total ? `Showing all ${total} people and things.` : `Showing ${shown.size} of ${total} people and things.`);
  }
});

applyFilters();
