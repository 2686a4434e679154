// Better words as the writer types (rule LANG-VICTIM-BLAMING): progressive enhancement of every text area that
// web/_field.html marks. A short pause after typing sends the text to the language check (same origin, the
// signed-in session, Django's CSRF token) and shows what it offers under the box, in a polite live region.
// It never blocks saving, and without this script the page that follows a save lists the same suggestions.
// Loaded as a module (once, however many boxes a page has), so the Content-Security-Policy needs no inline script.

const PAUSE_MS = 700;
const MARK = "data-lantern-language";

function csrfToken(textarea) {
  const field =
    textarea.form?.querySelector("input[name=csrfmiddlewaretoken]") ??
    document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function quoted(words) {
  return words.map((w) => `“${w}”`).join(", ");
}

// One line per entry of the guide, with every different way the text used its words (as the saved banner does).
function grouped(items) {
  const byPhrase = new Map();
  for (const item of items) {
    const entry = byPhrase.get(item.phrase_id) ?? { item, words: [] };
    if (!entry.words.some((w) => w.toLowerCase() === item.found.toLowerCase())) entry.words.push(item.found);
    byPhrase.set(item.phrase_id, entry);
  }
  return [...byPhrase.values()];
}

// Built with textContent only: nothing from the server or the text is ever parsed as markup.
function render(region, entries, guideUrl) {
  const inset = document.createElement("div");
  inset.className = "govuk-inset-text govuk-!-margin-top-2";
  const intro = document.createElement("p");
  intro.className = "govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-2";
  intro.textContent = "Better words you could use (you can still save as it is):";
  const list = document.createElement("ul");
  list.className = "govuk-list govuk-list--spaced govuk-!-margin-bottom-2";
  for (const { item, words } of entries) {
    const line = document.createElement("li");
    line.textContent = `${quoted(words)}: ${item.advice} `;
    const why = document.createElement("span");
    why.className = "govuk-hint govuk-!-display-block govuk-!-margin-bottom-0";
    why.textContent = item.explanation;
    line.append(why);
    list.append(line);
  }
  inset.append(intro, list);
  if (guideUrl) {
    const more = document.createElement("p");
    more.className = "govuk-body-s govuk-!-margin-bottom-0";
    const link = document.createElement("a");
    link.className = "govuk-link";
    link.href = guideUrl;
    link.textContent = "The language guide";
    more.append(link, ` (rule ${entries[0].item.rule})`);
    inset.append(more);
  }
  region.replaceChildren(inset);
}

function describe(textarea, regionId, on) {
  const ids = (textarea.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && id !== regionId);
  if (on) ids.push(regionId);
  if (ids.length) textarea.setAttribute("aria-describedby", ids.join(" "));
  else textarea.removeAttribute("aria-describedby");
}

function enhance(region) {
  const textarea = document.getElementById(region.getAttribute(MARK));
  const url = region.dataset.checkUrl;
  if (!textarea || !url) return;
  let timer = 0;
  let inFlight = null;
  let shown = "";

  async function check() {
    const text = textarea.value;
    inFlight?.abort();
    if (!text.trim()) {
      update([]);
      return;
    }
    inFlight = new AbortController();
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(textarea) },
        body: JSON.stringify({ text }),
        signal: inFlight.signal,
      });
      if (!response.ok) return; // signed out, or the text is too long to check: say nothing
      update((await response.json()).items);
    } catch {
      // Aborted by newer typing, or the connection dropped: the next pause checks again.
    }
  }

  // Only a change of what is offered touches the live region, so a screen reader hears each change once.
  function update(items) {
    const entries = grouped(items);
    const key = JSON.stringify(entries.map(({ item, words }) => [item.phrase_id, words]));
    if (key === shown) return;
    shown = key;
    if (entries.length) render(region, entries, region.dataset.guideUrl);
    else region.replaceChildren();
    describe(textarea, region.id, entries.length > 0);
  }

  textarea.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, PAUSE_MS);
  });
}

document.querySelectorAll(`[${MARK}]`).forEach(enhance);
