// The entry app (/nhap-lieu/, SPEC §10): headcounts and door counts typed where the session happens, kept
// in IndexedDB until they are sent, then sent to POST /api/v1/attendance and /api/v1/visits. Each entry
// has an id made here, so sending it twice never counts twice; an entry whose record changed on the
// server meanwhile (409) waits for the person to choose. Plain JavaScript, no build step.
(function () {
  "use strict";

  const body = document.body;
  const words = JSON.parse(document.getElementById("entry-app-words").textContent);
  const URLS = {
    data: body.dataset.dataUrl,
    attendance: body.dataset.attendanceUrl,
    visits: body.dataset.visitsUrl,
    worker: body.dataset.workerUrl,
  };
  const PARTS = ["children", "women", "disabled"];
  let copy = null; // the server's figures as last read (kept in IndexedDB)
  let sending = false;

  // IndexedDB: "outbox" holds the entries not yet accepted, "state" the copy and the last send.
  function openStore() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("nhap-lieu", 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("outbox", { keyPath: "id" });
        request.result.createObjectStore("state", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  const store = openStore();

  async function run(name, mode, work) {
    const db = await store;
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const result = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  }
  const outbox = () => run("outbox", "readonly", (s) => s.getAll());
  const keep = (entry) => run("outbox", "readwrite", (s) => s.put(entry));
  const drop = (id) => run("outbox", "readwrite", (s) => s.delete(id));
  const stateOf = (key) => run("state", "readonly", (s) => s.get(key));
  const setState = (key, value) => run("state", "readwrite", (s) => s.put({ key, value }));

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function csrfToken() {
    const found = document.cookie.split("; ").find((c) => /^(__Host-)?csrftoken=/.test(c));
    return found ? decodeURIComponent(found.split("=")[1]) : "";
  }

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }

  function localTime(iso) {
    const d = new Date(iso);
    const two = (n) => String(n).padStart(2, "0");
    return `${two(d.getHours())}:${two(d.getMinutes())} ${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
  }

  function numberBox(id, label, value) {
    return el(
      "p",
      {},
      el("label", { for: id, text: label }),
      el("input", { id, name: id, type: "number", min: "0", inputmode: "numeric", value: value ?? "" }),
    );
  }

  async function load() {
    try {
      const response = await fetch(URLS.data, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        copy = await response.json();
        await setState("copy", copy);
      } else if (response.status === 403) {
        document.getElementById("network").textContent = words.login;
      }
    } catch (error) {
      // offline: the kept copy below
    }
    if (!copy) copy = (await stateOf("copy"))?.value || null;
    await render();
  }

  async function render() {
    const waiting = await outbox();
    const last = (await stateOf("lastSent"))?.value;
    // From here on nothing waits, so nothing typed can slip in between reading the boxes and redrawing:
    // what is being typed survives the redraw (another form's save redraws them all).
    const typing = [...document.querySelectorAll(".entry input")].filter((input) => input.value !== input.defaultValue);
    const typed = new Map(typing.map((input) => [input.id, input.value]));
    const focused = document.activeElement && document.activeElement.id;
    draw(waiting, last);
    for (const [id, value] of typed) {
      const input = document.getElementById(id);
      if (input) input.value = value;
    }
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  function draw(waiting, last) {
    const bySession = new Map(waiting.filter((e) => e.kind === "attendance").map((e) => [e.body.session, e]));
    const byDoor = new Map(waiting.filter((e) => e.kind === "visits").map((e) => [`${e.body.institution}-${e.body.purpose}`, e]));
    document.getElementById("network").textContent = navigator.onLine ? words.online : words.offline;
    document.getElementById("waiting").textContent = waiting.length ? `${waiting.length} ${words.waiting}` : words.nothingWaiting;
    document.getElementById("waiting").dataset.count = String(waiting.length);
    document.getElementById("last-sent").textContent = last ? `${words.lastSent}: ${localTime(last)}` : "";
    document.getElementById("copy").textContent = copy ? `${words.copyFrom} ${localTime(copy.made_at)}` : words.noCopy;

    const conflicts = waiting.filter((e) => e.conflict || e.refused);
    const list = document.getElementById("conflicts");
    list.replaceChildren(...conflicts.map(conflictItem));
    document.getElementById("conflicts-section").hidden = conflicts.length === 0;

    const doors = document.getElementById("doors");
    doors.replaceChildren(...(copy?.institutions || []).map((institution) => doorForm(institution, byDoor)));
    const sessions = document.getElementById("sessions");
    const items = (copy?.sessions || []).map((session) => sessionForm(session, bySession.get(session.id)));
    sessions.replaceChildren(...(items.length ? items : [el("p", { text: copy ? words.noSessions : "" })]));
  }

  function describe(entry) {
    const b = entry.body;
    if (entry.kind === "visits") {
      const institution = copy?.institutions.find((i) => i.id === b.institution);
      return `${institution ? institution.title : b.institution} – ${b.date}`;
    }
    const session = copy?.sessions.find((s) => s.id === b.session);
    return session ? `${session.title} – ${localTime(session.start)}` : String(b.session);
  }

  function conflictItem(entry) {
    const mine = entry.kind === "visits" ? entry.body.visits : entry.body.attendees;
    const item = el("li", { "data-conflict": entry.id }, el("strong", { text: describe(entry) }));
    if (entry.refused) {
      item.append(el("p", { text: `${words.refused}: ${entry.refused}` }));
      const remove = el("button", { type: "button", text: words.remove });
      remove.addEventListener("click", async () => { await drop(entry.id); await render(); });
      item.append(remove);
      return item;
    }
    const server = entry.kind === "visits" ? entry.conflict.server?.visits : entry.conflict.server?.attendees;
    item.append(el("p", { text: `${words.conflict} ${words.waitingHere}: ${mine} · ${words.onServer}: ${server ?? "–"}` }));
    const keepMine = el("button", { type: "button", text: words.mine });
    keepMine.addEventListener("click", async () => {
      await keep({ ...entry, id: newId(), conflict: null, body: { ...entry.body, base: entry.conflict.version } });
      await drop(entry.id);
      await render();
      send();
    });
    const keepTheirs = el("button", { type: "button", text: words.theirs });
    keepTheirs.addEventListener("click", async () => { await drop(entry.id); await load(); });
    item.append(keepMine, " ", keepTheirs);
    return item;
  }

  function sessionForm(session, pending) {
    const card = el("article", { class: "entry", "data-session": String(session.id) });
    card.append(el("h3", { text: session.title }), el("p", { class: "meta", text: `${localTime(session.start)} · ${session.checked_in} ${words.checkedIn}` }));
    if (Date.parse(session.start) > Date.now()) {
      card.append(el("p", { text: words.notBegun }));
      return card;
    }
    const shown = pending ? pending.body : session.record || {};
    const form = el("form", { "data-session-form": String(session.id) });
    const prefix = `s${session.id}`;
    const figures = el("div", { class: "figures" }, numberBox(`${prefix}-attendees`, words.attendees, shown.attendees));
    for (const part of PARTS) figures.append(numberBox(`${prefix}-${part}`, words[part], shown[part]));
    form.append(figures, el("p", {}, el("label", { for: `${prefix}-note`, text: words.note }), el("input", { id: `${prefix}-note`, value: shown.note || "" })));
    if (pending) form.append(el("p", { class: "pending", text: words.waitingHere }));
    if (session.record) form.append(el("p", { class: "meta", text: `${words.onServer}: ${session.record.attendees}` }));
    form.append(el("button", { type: "submit", text: words.save }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = (name) => form.querySelector(`#${prefix}-${name}`).value.trim();
      const count = (name) => (value(name) === "" ? null : Number(value(name)));
      if (value("attendees") === "") return;
      const entryBody = { session: session.id, attendees: count("attendees"), note: value("note"), base: pending ? pending.body.base : session.version };
      for (const part of PARTS) entryBody[part] = count(part);
      await keep({ id: newId(), kind: "attendance", made: Date.now(), body: entryBody });
      if (pending) await drop(pending.id);
      await render();
      send();
    });
    card.append(form);
    return card;
  }

  function doorForm(institution, byDoor) {
    const card = el("article", { class: "entry", "data-institution": String(institution.id) });
    card.append(el("h3", { text: institution.title }));
    const form = el("form", { "data-door-form": String(institution.id) });
    const boxes = el("div", { class: "figures" });
    const kinds = [["learning", words.visits], ["other", words.otherVisits]];
    for (const [purpose, label] of kinds) {
      const pending = byDoor.get(`${institution.id}-${purpose}`);
      const serverFigure = today() === copy.today ? institution.visits[purpose] : null;
      boxes.append(numberBox(`d${institution.id}-${purpose}`, label, pending && pending.body.date === today() ? pending.body.visits : serverFigure));
    }
    form.append(boxes, el("button", { type: "submit", text: words.save }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      for (const [purpose] of kinds) {
        const typed = form.querySelector(`#d${institution.id}-${purpose}`).value.trim();
        const pending = byDoor.get(`${institution.id}-${purpose}`);
        const day = today();
        // The copy's figure is the server's only for the day the copy was made.
        const serverFigure = day === copy.today ? institution.visits[purpose] : null;
        const current = pending ? pending.body.visits : serverFigure;
        if (typed === "" || Number(typed) === current) continue;
        const base = pending && pending.body.date === day ? pending.body.base : serverFigure;
        await keep({ id: newId(), kind: "visits", made: Date.now(), body: { institution: institution.id, date: day, visits: Number(typed), purpose, channel: "onsite", base: base ?? null } });
        if (pending) await drop(pending.id);
      }
      await render();
      send();
    });
    card.append(form);
    return card;
  }

  // Send what waits, oldest first; stop at the first network failure (the rest waits for the next try).
  async function send() {
    if (sending) return;
    sending = true;
    let changed = false;
    try {
      const waiting = (await outbox()).filter((e) => !e.conflict && !e.refused).sort((a, b) => a.made - b.made);
      for (const entry of waiting) {
        let response;
        try {
          response = await fetch(entry.kind === "visits" ? URLS.visits : URLS.attendance, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify({ id: entry.id, ...entry.body }),
          });
        } catch (error) {
          break; // no network
        }
        const answer = await response.json().catch(() => ({}));
        if (response.ok) {
          await drop(entry.id);
          await setState("lastSent", new Date().toISOString());
          changed = true;
          continue;
        }
        if (response.status >= 500 || response.status === 429) break; // the server's trouble: try again later
        if (response.status === 403 && !answer.errors?.session && !answer.errors?.institution) {
          document.getElementById("network").textContent = words.login;
          break;
        }
        // Replaced while it was on its way: the newer entry goes next time, this answer is moot.
        const still = (await outbox()).some((e) => e.id === entry.id);
        if (!still) continue;
        if (response.status === 409) {
          await keep({ ...entry, conflict: answer });
        } else {
          const messages = Object.values(answer.errors || {}).flat().join(" ");
          await keep({ ...entry, refused: messages || String(response.status) });
        }
      }
    } finally {
      sending = false;
    }
    if (changed) await load();
    else await render();
  }

  document.getElementById("send-now").addEventListener("click", () => send());
  window.addEventListener("online", () => send());
  window.addEventListener("offline", () => render());
  setInterval(() => navigator.onLine && send(), 30000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(URLS.worker, { scope: "/nhap-lieu/" }).catch(() => {});
  }
  load().then(() => send());
})();
