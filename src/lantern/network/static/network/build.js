// While a rebuild of the network is queued or running, ask the API for its progress every few seconds (the
// signed-in session) and say it in the page's status region; when it ends, say so and offer the new network.
// Without this script the page shows the progress as it was when it was loaded.
const SECONDS = 3;
const ACTIVE = new Set(["queued", "running"]);
const region = document.getElementById("network-build");

function paragraph(text) {
  const p = document.createElement("p");
  p.className = "govuk-body";
  p.textContent = text;
  return p;
}

function show(build) {
  const progress = document.getElementById("network-build-progress");
  if (ACTIVE.has(build.status)) {
    const bar = document.createElement("progress");
    bar.className = "lantern-progress";
    bar.max = 100;
    bar.value = build.progress;
    bar.textContent = `${build.progress}%`;
    bar.setAttribute("aria-label", "Progress of the network rebuild");
    const stage = build.stage ? ` Stage: ${build.stage}.` : "";
    progress.replaceChildren(paragraph(`Rebuild ${build.id}: ${build.status}.${stage} ${build.progress}% done.`), bar);
    return true;
  }
  if (build.status === "done") {
    const links = (build.counts.links ?? 0).toLocaleString("en-GB");
    const when = new Date(build.finished_at).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
    document.getElementById("network-built").textContent = `Network last built ${when}, ${links} links.`;
    progress.replaceChildren(paragraph(`Rebuild ${build.id} is done. Show the network again to see it.`));
  } else {
    progress.replaceChildren(paragraph(`Rebuild ${build.id} failed and changed nothing.`));
  }
  const button = region.querySelector("button[type=submit]");
  if (button) {
    button.disabled = false;
    button.removeAttribute("aria-disabled");
  }
  return false;
}

if (region && ACTIVE.has(region.dataset.status)) {
  const timer = window.setInterval(async () => {
    try {
      const response = await fetch(region.dataset.api, { credentials: "same-origin" });
      if (!response.ok) return;
      if (!show(await response.json())) window.clearInterval(timer);
    } catch {
      // A dropped connection: try again at the next tick.
    }
  }, SECONDS * 1000);
}
