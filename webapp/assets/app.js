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

// Save each answer the moment it is given. Unsent answers wait in memory only (no personal
// data in browser storage) and are sent when the connection comes back. The script never traps
// a parent: a save the service refuses (a typing slip, say) shows its reason and the form then
// posts as usual, so the page answers with its own error; "offline" is said only when the
// network is really down.
const form = document.querySelector("form[data-autosave]");
if (form) {
  const status = form.querySelector("[data-save-status]");
  let pending = null;

  const say = (text, isError = false) => {
    status.textContent = text;
    status.classList.toggle("govuk-error-message", isError);
  };

  // "saved", "refused" (the service said no: the post will show why) or "offline".
  const send = async ({ value, seq }) => {
    let response;
    try {
      response = await fetch(form.dataset.autosave, {
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
    } catch {
      return { outcome: "offline" };
    }
    if (response.ok || response.status === 409) return { outcome: "saved" }; // 409: newer kept
    const body = await response.json().catch(() => ({}));
    return { outcome: "refused", message: body.error };
  };

  const flush = async () => {
    if (!pending) return "saved";
    const answer = pending;
    const { outcome, message } = await send(answer);
    if (outcome === "offline") {
      say(form.dataset.msgOffline);
      return outcome;
    }
    if (pending === answer) pending = null;
    if (outcome === "saved") say(form.dataset.msgSaved);
    else say(message || "", true);
    return outcome;
  };

  // The form's own post, keeping the button that was pressed ("I'd rather not say" has a name).
  const post = (submitter) => {
    if (submitter?.name) {
      const pressed = document.createElement("input");
      pressed.type = "hidden";
      pressed.name = submitter.name;
      pressed.value = submitter.value;
      form.append(pressed);
    }
    HTMLFormElement.prototype.submit.call(form);
  };

  form.addEventListener("change", (event) => {
    if (event.target.name !== "answer") return;
    pending = { value: event.target.value, seq: Date.now() };
    flush();
  });

  form.addEventListener("submit", async (event) => {
    if (!pending && navigator.onLine) return; // nothing waiting: an ordinary form post
    event.preventDefault();
    const submitter = event.submitter;
    if ((await flush()) !== "offline" && navigator.onLine) {
      post(submitter);
      return;
    }
    say(form.dataset.msgOffline);
    window.addEventListener(
      "online",
      async () => {
        if ((await flush()) !== "offline") post(submitter);
      },
      { once: true },
    );
  });

  window.addEventListener("online", flush);
}
