// Progressive enhancement only: every page works without this file.
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

const csrfToken = () => document.querySelector("input[name=csrf_token]")?.value ?? "";

// Read aloud, for people who read with difficulty (not only screen-reader users). The button is
// hidden in the page and shown only where the browser can speak.
const readAloud = document.querySelector("[data-read-aloud]");
if (readAloud && "speechSynthesis" in window && "SpeechSynthesisUtterance" in window) {
  const button = readAloud.querySelector("[data-read-aloud-button]");
  const startLabel = button.textContent;
  readAloud.hidden = false;
  button.addEventListener("click", () => {
    if (window.speechSynthesis.speaking) {
      window.speechSynthesis.cancel();
      button.textContent = startLabel;
      return;
    }
    const main = document.querySelector("main");
    const text = [...main.children]
      .filter((element) => element !== readAloud)
      .map((element) => element.innerText)
      .join("\n");
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || "en";
    utterance.rate = 0.9;
    utterance.addEventListener("end", () => {
      button.textContent = startLabel;
    });
    button.textContent = button.dataset.labelStop;
    window.speechSynthesis.speak(utterance);
  });
}

// Save each answer the moment it is chosen. Unsent answers wait in memory only (no personal
// data in browser storage) and are sent when the connection comes back.
const form = document.querySelector("form[data-autosave]");
if (form) {
  const status = form.querySelector("[data-save-status]");
  let pending = null;

  const send = async ({ value, seq }) => {
    const response = await fetch(form.dataset.autosave, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({
        questionnaire: form.dataset.questionnaire,
        item: form.dataset.item,
        value,
        seq,
      }),
    });
    if (response.status === 409) return { saved: false }; // a newer answer is already saved
    if (!response.ok) throw new Error(`save failed: ${response.status}`);
    return response.json();
  };

  const flush = async () => {
    if (!pending) return true;
    const answer = pending;
    try {
      await send(answer);
    } catch {
      status.textContent = form.dataset.msgOffline;
      return false;
    }
    if (pending === answer) pending = null;
    status.textContent = form.dataset.msgSaved;
    return true;
  };

  form.addEventListener("change", (event) => {
    if (event.target.name !== "answer") return;
    pending = { value: event.target.value, seq: Date.now() };
    flush();
  });

  form.addEventListener("submit", async (event) => {
    if (!pending && navigator.onLine) return; // nothing waiting: an ordinary form post
    event.preventDefault();
    if ((await flush()) && navigator.onLine) {
      form.submit();
      return;
    }
    status.textContent = form.dataset.msgOffline;
    window.addEventListener(
      "online",
      async () => {
        if (await flush()) form.submit();
      },
      { once: true },
    );
  });

  window.addEventListener("online", flush);
}
