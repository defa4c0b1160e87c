// al-ner annotation UI. No dependencies, no build step.
// Task data is only ever put in the page with textContent, never as HTML.
// Offsets from the server count code points (Python's str); JavaScript strings count UTF-16
// units, so text is sliced through Array.from (code points), never with String.slice.
(() => {
  "use strict";

  const KEYS = { a: "accept", x: "reject", " ": "ignore" };
  const DONE = { accept: "Accepted.", reject: "Rejected.", ignore: "Ignored." };
  const MARKS = { accept: "✓", reject: "✗", ignore: "⊘" };
  const LOW_WATER = 2;  // fetch more questions when fewer than this are queued
  const POLL_MS = 5000;  // with nothing to ask, look for questions other tabs gave back
  const RENEW_MS = 30000;  // renew the leases of the questions this tab holds
  const SEND_AT_MOST = 50;  // answers per request
  let HISTORY_SIZE = 30;  // the recipe's config history_size, when it has one
  const NATIVE_KEYS = new Set([" ", "Enter"]);  // a focused button presses itself
  const HELP = {  // by how a view is drawn
    manual: "Drag over words (or ← → and Enter) to mark a span · 1–9 choose the label · click a span to remove it · a accept · x reject · space ignore · f flag · backspace undo · ? help",
    choice: "1–9 choose an option · space ignore · f flag · backspace undo · ? help",
    binary: "a accept · x reject · space ignore · f flag · backspace undo · ? help",
  };

  const state = {
    session: null, name: null, serverId: null, view: null, manual: false, choice: false, labels: [], label: null,
    queue: [], current: null, exhausted: false, filling: null, poll: null, progress: null, fatal: null,
    history: [],              // this tab's answers, newest last: {question, spans, answer, flagged}
    outbox: [], inflight: 0,  // answers not yet saved; the first `inflight` are being sent
    sending: null, busy: false, unsavedShown: false, flagged: false,
    spans: [], tokens: [], shown: null, pendingSpans: null, drag: null, cursor: null, selFrom: null,
    config: {},               // the recipe's config settings the page reads (applyConfig)
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  // ---- text in code points -------------------------------------------------------------

  const chars = (text) => Array.from(String(text || ""));
  const cpSlice = (cps, start, end) => cps.slice(start, end).join("");

  // ---- server -------------------------------------------------------------------------

  async function api(path, body) {
    const init = body === undefined ? { method: "GET" } : {
      method: "POST", keepalive: true, headers: { "Content-Type": "application/json" },
      body: JSON.stringify(state.name ? { ...body, session: state.name } : body),
    };
    const res = await fetch(path, { credentials: "same-origin", cache: "no-store", ...init });
    let data = null;
    try { data = await res.json(); } catch (_) { /* not JSON: an error page */ }
    if (!res.ok) {
      const err = new Error((data && data.error) || `${res.status} ${res.statusText}`);
      err.status = res.status;
      err.fatal = Boolean(data && data.fatal);
      err.taskHashes = (data && data.task_hashes) || null;  // questions another session holds
      throw err;
    }
    if (data && data.server_id) noticeServer(data.server_id);
    return data;
  }

  // A new server id: the server restarted. What it handed out before is unknown to it now, so
  // drop the queue (it hands the questions out again); answers in the outbox carry their
  // question and are kept; the question on screen is kept too.
  function noticeServer(id) {
    if (state.serverId === null) { state.serverId = id; return; }
    if (id === state.serverId) return;
    state.serverId = id;
    state.progress = null;  // its counts start again
    state.queue = [];
    state.exhausted = false;
    showMessage("The server restarted: your answers are kept, carry on.");
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---- questions ----------------------------------------------------------------------

  function held(hash) {
    return (state.current && state.current._task_hash === hash)
      || state.queue.some((t) => t._task_hash === hash)
      || state.outbox.some((a) => a._task_hash === hash)
      || state.history.some((h) => h.question._task_hash === hash);
  }

  function fill() {
    if (state.filling || state.exhausted || state.fatal || state.queue.length >= LOW_WATER) {
      return state.filling || Promise.resolve();
    }
    state.filling = api("/api/questions", { n: state.session.batch_size })
      .then((data) => {
        if (!data.tasks.length) state.exhausted = true;
        const fresh = data.tasks.filter((t) => !held(t._task_hash));
        state.queue.push(...fresh);
        showProgress(data.progress);
      })
      .catch((err) => {
        if (err.fatal) fail(err.message); else showError(`Couldn't load questions: ${err.message}`);
      })
      .finally(() => { state.filling = null; });
    return state.filling;
  }

  function fail(message) {
    state.fatal = message;
    state.queue = [];
    state.current = null;
    render();
  }

  async function advance() {
    clearTimeout(state.poll);
    state.current = state.queue.shift() || null;
    state.flagged = false;
    if (!state.current) {
      const wasDone = state.exhausted;
      state.exhausted = false;  // ask again: another tab may have given questions back
      if (!wasDone) render();
      await fill();
      if (!state.current) state.current = state.queue.shift() || null;
    }
    render();
    fill();
  }

  function renew() {
    const hashes = state.queue.concat(state.current ? [state.current] : []).map((t) => t._task_hash);
    if (!hashes.length || state.fatal) return;
    api("/api/renew", { task_hashes: hashes }).catch((err) => {
      if (err.status === 422 && err.taskHashes) { dropLost(err.taskHashes); renew(); }
    });
  }

  // Questions whose lease ran out while this tab was away (asleep, offline) and that the server
  // has since handed to another session: they are that session's now, so drop them here.
  function dropLost(hashes) {
    const lost = new Set(hashes);
    state.queue = state.queue.filter((t) => !lost.has(t._task_hash));
    if (state.current && lost.has(state.current._task_hash)) {
      showMessage("The question shown went to another session while this tab was away: here is the next.");
      advance();
    }
  }

  // ---- answers ------------------------------------------------------------------------

  function answer(kind, extra) {
    const task = state.current;
    if (!task || state.busy) return;
    const given = { _task_hash: task._task_hash, answer: kind, question: task, ...extra };
    if (state.flagged) given.flagged = true;
    const entry = { question: task, answer: kind, flagged: state.flagged };
    if (state.manual) {
      given.spans = state.spans.map(({ start, end, label }) => ({ start, end, label }));
      entry.spans = state.spans.slice();
    }
    if (state.session.validates) { validateThenKeep(given, entry, kind); return; }
    keep(given, entry, kind);
  }

  // The recipe's validate_answer sees the answer before this tab moves on: a refused one stays
  // on screen with the recipe's message, to be fixed (nothing is saved).
  async function validateThenKeep(given, entry, kind) {
    state.busy = true;
    setButtons(true);
    try {
      await api("/api/validate", { answer: given });
    } catch (err) {
      if (err.status === 422 && err.taskHashes) { dropLost(err.taskHashes); return; }  // not ours now
      if (err.status === 422) { showError(err.message); return; }
      if (err.status) { showError(`Couldn't check the answer: ${err.message}`); return; }
    } finally {
      state.busy = false;
      setButtons(Boolean(state.current));
    }
    if (state.current === entry.question) keep(given, entry, kind);
  }

  function keep(given, entry, kind) {
    state.outbox.push(given);
    state.history.push(entry);
    if (state.history.length > HISTORY_SIZE) state.history.shift();
    showMessage(DONE[kind] + (state.flagged ? " (flagged)" : ""));
    flush();
    advance();
  }

  function flush() {
    if (!state.sending) {
      state.sending = sendAll().finally(() => { state.sending = null; renderHistory(); });
    }
    return state.sending;
  }

  // Send the outbox in order, a batch at a time. A batch the server refuses is retried one
  // answer at a time, so one bad answer doesn't hold back the others.
  async function sendAll() {
    let single = false;
    let wait = 500;
    while (state.outbox.length) {
      const batch = state.outbox.slice(0, single ? 1 : SEND_AT_MOST);
      state.inflight = batch.length;
      renderHistory();
      try {
        const data = await api("/api/answers", { answers: batch, dataset: state.session.dataset });
        state.outbox.splice(0, batch.length);
        showProgress(data.progress);
        if (state.unsavedShown) { state.unsavedShown = false; showMessage("Every answer is saved."); }
        wait = 500;
      } catch (err) {
        if (!err.status) {  // the server can't be reached: keep the answers and retry
          state.unsavedShown = true;
          showError(`Server unreachable, ${state.outbox.length} answer(s) not saved yet; retrying…`);
          await sleep(wait);
          wait = Math.min(wait * 2, 10000);
        } else if (err.status >= 500 || err.status === 409) {
          showError(`Couldn't save: ${err.message}`);
          return;
        } else if (batch.length > 1) {
          single = true;
        } else {
          const [bad] = state.outbox.splice(0, 1);
          state.history = state.history.filter((h) => h.question._task_hash !== bad._task_hash);
          showError(`Answer refused: ${err.message}`);
        }
      } finally {
        state.inflight = 0;
      }
    }
  }

  // Ask an answered question again (undo, or a click in the history): its next answer
  // supersedes the saved one. The server reopens only this session's answers (after a restart
  // too, from the dataset); another session's it refuses, and that is shown.
  async function revisit(entry) {
    if (state.busy || !entry) return;
    state.busy = true;
    setButtons(Boolean(state.current));
    try {
      const hash = entry.question._task_hash;
      let unsent = state.outbox.findIndex((a) => a._task_hash === hash);
      if (unsent >= 0 && unsent < state.inflight) { await flush(); unsent = -1; }
      let question = entry.question;
      if (unsent >= 0) {
        state.outbox.splice(unsent, 1);  // never reached the server: just ask again
      } else {
        question = await reopen(hash);
      }
      state.history = state.history.filter((h) => h !== entry);
      if (state.current) state.queue.unshift(state.current);
      state.current = question;
      state.shown = null;
      state.pendingSpans = entry.spans || null;
      state.flagged = Boolean(entry.flagged);
      render();
      showMessage("Answer this question again.");
    } catch (err) {
      showError(`Couldn't undo: ${err.message}`);
    } finally {
      state.busy = false;
      setButtons(Boolean(state.current));
    }
  }

  async function reopen(hash) {
    const data = await api("/api/undo", { task_hash: hash });
    showProgress(data.progress);
    return data.task;
  }

  const undo = () => {
    if (!state.history.length) { showMessage("Nothing to undo in this tab."); return; }
    revisit(state.history[state.history.length - 1]);
  };

  function release() {
    const open = state.queue.concat(state.current ? [state.current] : []);
    const unsent = state.outbox.slice(state.inflight);
    if (unsent.length) api("/api/answers", { answers: unsent, dataset: state.session.dataset }).catch(() => {});
    if (open.length) {
      api("/api/release", { task_hashes: open.map((t) => t._task_hash) }).catch(() => {});
    }
  }

  // ---- header, history, help ------------------------------------------------------------

  function showProgress(p) {
    // responses can arrive out of order: never show counts older than those shown
    if (!p || (state.progress && p.version < state.progress.version)) return;
    state.progress = p;
    const track = $("progress-track");
    const done = p.position === null || p.position === undefined ? p.answered : p.position;
    track.hidden = !p.total && typeof p.share !== "number";  // no bar when the size is unknown
    if (typeof p.share === "number") {  // the recipe's own progress function (0-1)
      const share = Math.round(100 * p.share);
      $("progress-fill").style.width = `${share}%`;
      track.setAttribute("aria-valuenow", String(share));
      $("progress-text").textContent = `${share} % · ${p.answered} answered`;
    } else if (p.total) {
      const share = Math.min(100, Math.round((100 * done) / p.total));
      $("progress-fill").style.width = `${share}%`;
      track.setAttribute("aria-valuenow", String(share));
      $("progress-text").textContent = `${done} / ${p.total}${p.unit === "texts" ? " texts" : ""}`;
    } else {
      $("progress-text").textContent = `${p.answered} answered`;
    }
    for (const kind of ["accept", "reject", "ignore"]) {
      $(`count-${kind}`).textContent = String((p.counts && p.counts[kind]) || 0);
    }
    $("dataset-total").textContent = String(p.dataset_total || 0);
    showHealth(p.health);  // al-ner health check (issue 9): the one line added to showProgress
  }

  // ---- health check (issue 9; kept self-contained for the web rework) -------------------
  // progress.health comes from the recipe's live checks (recipes/_health.py): the control
  // questions' estimate {n, f1: {value, low, high}, base_f1, diff, level, warning} when the
  // session asks them, the stopping rule {kappas, stable, control, stop, ...} and the adaptive
  // strategy's chances per arm {name: p}. Rendered as one header item, created on first use so
  // index.html and style.css need no change.
  function showHealth(h) {
    let box = document.getElementById("health");
    if (!h) { if (box) box.hidden = true; return; }
    if (!box) {
      box = document.createElement("span");
      box.id = "health";
      box.className = "health";
      document.querySelector("header.bar").appendChild(box);
    }
    const cell = (e, sign) => {
      const f = (x) => (sign && x >= 0 ? "+" : "") + x.toFixed(3);
      return e.low == null ? `${f(e.value)} (too few to tell)` : `${f(e.value)} [${f(e.low)}, ${f(e.high)}]`;
    };
    const parts = [], titles = [];
    if (h.n !== undefined) {
      let control = h.n
        ? `F1 ${cell(h.f1)} vs base ${cell(h.base_f1)} on ${h.n} control answers`
        : "health check: no control answers yet";
      if (h.warning) control = "⚠ " + control + ": worse than the base model";
      parts.push(control);
      if (h.n) titles.push(`${Math.round(100 * h.level)} % bootstrap intervals; difference ${cell(h.diff, true)}`);
    }
    const stop = h.stopping;
    if (stop) {
      const kappas = (stop.kappas || []).map((k) => k.toFixed(3)).join(", ");
      parts.push(stop.stop ? "✔ you can stop" : "stopping rule: not yet");
      titles.push(`predictions on ${stop.stop_set} stop-set sentences: κ ${kappas || "none yet"} ` +
                  `(stable: mean of the last 3 ≥ ${stop.threshold}); control answers agree: ${stop.control ? "yes" : "no"}`);
    }
    if (h.arms) {
      const arms = Object.entries(h.arms).sort((a, b) => b[1] - a[1])
        .map(([name, p]) => `${name.replace(/^al_ner\./, "").replace(/\.v1$/, "")} ${Math.round(100 * p)}%`);
      parts.push("next question: " + arms.join(", "));
      titles.push("the adaptive strategy's chances of asking the next question, per strategy");
    }
    box.hidden = parts.length === 0;
    box.textContent = parts.join(" · ");
    box.title = titles.join("\n");
    box.style.color = h.warning ? "#b00020" : "";
  }

  function showMessage(text) {
    const box = $("message");
    box.classList.remove("error");
    box.textContent = text;
  }

  function showError(text) {
    const box = $("message");
    box.classList.add("error");
    box.textContent = text;
  }

  function renderHistory() {
    const list = $("history-list");
    list.replaceChildren();
    const unsent = new Set(state.outbox.map((a) => a._task_hash));
    for (const entry of state.history.slice().reverse()) {
      const button = el("button");
      button.type = "button";
      button.append(el("span", `mark ${entry.answer}`, MARKS[entry.answer]));
      const snippet = el("span", "snippet", String(entry.question.text || ""));
      snippet.dir = "auto";
      button.append(snippet);
      if (entry.flagged) button.append(el("span", "flagged", "⚑"));
      if (unsent.has(entry.question._task_hash)) button.append(el("span", "unsaved", "…"));
      button.title = `${entry.answer}: click to answer again`;
      button.addEventListener("mousedown", (e) => e.preventDefault());
      button.addEventListener("click", () => revisit(entry));
      const item = el("li");
      item.append(button);
      list.append(item);
    }
    $("btn-undo").disabled = state.busy || !state.history.length;
  }

  function keyRows() {
    const rows = [["a", "accept"], ["x", "reject"], ["space", "ignore"], ["f", "flag this question"],
      ["backspace", "undo the last answer"], ["?", "this help"], ["esc", "close"]];
    if (state.manual) {
      rows.splice(3, 0, ["drag, or tap and drag", "mark the words as an entity of the active label"],
        ["click a span", "remove it"], ["1–9", "choose the label"],
        ["← →", "move the token cursor"], ["shift + ← →", "extend the selection"],
        ["enter", "mark the selection"], ["delete", "remove the span at the cursor"]);
    }
    if (state.choice) rows.splice(0, 3, ["1–9", "choose an option (saves it)"], ["space", "ignore"]);
    return rows;
  }

  function toggleHelp(open) {
    const overlay = $("help-overlay");
    const show = open === undefined ? overlay.hidden : open;
    if (show) {
      const table = $("keys");
      table.replaceChildren();
      for (const [key, what] of keyRows()) {
        const row = el("tr");
        row.append(el("td", "", key), el("td", "", what));
        table.append(row);
      }
      $("instructions").textContent = state.session.instructions || "";
    }
    overlay.hidden = !show;
    if (show) $("btn-help-close").focus(); else $("btn-help").blur();
  }

  function setFlag(on) {
    state.flagged = on;
    $("btn-flag").setAttribute("aria-pressed", String(on));
  }

  // ---- rendering ----------------------------------------------------------------------

  function colorClass(label) {
    let i = state.labels.indexOf(label);
    if (i < 0) i = [...String(label)].reduce((h, ch) => (h * 31 + ch.codePointAt(0)) >>> 0, 7);
    return `c${i % 10}`;
  }

  function spanMark(label) {
    const mark = el("mark", `span ${colorClass(label)}`);
    mark.dataset.label = label;
    return mark;
  }

  function render() {
    const text = $("text");
    const meta = $("meta");
    const task = state.current;
    showView(viewOf(task));
    text.replaceChildren();
    meta.replaceChildren();
    $("options").replaceChildren();
    $("options").hidden = true;
    $("versions").hidden = true;
    text.className = textClass();
    setButtons(Boolean(task));
    setFlag(state.flagged);
    renderHistory();
    if (!task) {
      renderEmpty(text);
      return;
    }
    if (state.manual) renderManual(text, task);
    else if (state.choice) renderChoice(text, task);
    else renderSpans(text, task.text, task.spans);
    if (Array.isArray(task.versions) && task.versions.length) renderVersions(task);
    if (typeof task.label === "string" && !state.manual && !state.choice) showTaskLabel(text, task.label);
    if (!state.config.hide_meta) renderMeta(meta, task);
  }

  // A classification question's label (Prodigy's "label" of a task), above its text.
  function showTaskLabel(text, label) {
    text.prepend(el("span", `task-label ${colorClass(label)}`, label), " ");
  }

  function renderEmpty(text) {
    text.classList.add("done");
    clearTimeout(state.poll);
    if (state.fatal) {
      text.classList.add("failed");
      text.textContent = `The server stopped: ${state.fatal}`;
      return;
    }
    // Until every question is answered, another tab may still give some back: look again.
    if (!(state.progress && state.progress.done)) {
      state.poll = setTimeout(() => { if (!state.current && !state.busy) advance(); }, POLL_MS);
    }
    if (!state.exhausted) { text.textContent = "Loading…"; return; }
    const waiting = state.outbox.length;
    const p = state.progress || {};
    const empty = !p.empty ? "" : p.total === 0 ? " The source is empty." : " The source gave none.";
    text.append(el("p", "", waiting
      ? `No more questions. ${waiting} answer(s) wait to be saved; keep this tab open.`
      : `No more questions.${empty} Every answer is saved in dataset "${state.session.dataset}".`));
  }

  function setButtons(enabled) {
    for (const id of ["btn-accept", "btn-reject", "btn-ignore", "btn-flag"]) {
      $(id).disabled = !enabled || state.busy;
    }
    $("btn-accept").hidden = state.choice;
    $("btn-reject").hidden = state.choice;
    $("btn-undo").disabled = state.busy || !state.history.length;
  }

  // The text with spans highlighted, by code point offsets (binary view, choice options).
  function renderSpans(container, value, spanList) {
    const cps = chars(value);
    let at = 0;
    const spans = (spanList || []).slice().sort((a, b) => a.start - b.start);
    for (const span of spans) {
      if (!(span.start >= at && span.end > span.start && span.end <= cps.length)) continue;
      container.append(cpSlice(cps, at, span.start));
      const mark = spanMark(span.label);
      mark.append(cpSlice(cps, span.start, span.end), el("span", "tag", span.label));
      container.append(mark);
      at = span.end;
    }
    container.append(cpSlice(cps, at, cps.length));
  }

  function renderChoice(container, task) {
    container.textContent = "";
    const options = $("options");
    options.hidden = false;
    (task.options || []).forEach((option, i) => {
      const button = el("button", "option");
      button.type = "button";
      button.dataset.id = String(option.id);
      const body = el("span");
      body.dir = "auto";
      renderSpans(body, option.text === undefined ? task.text : option.text, option.spans);
      if (i < 9) button.append(el("kbd", "", String(i + 1)));
      button.append(body);
      button.addEventListener("click", () => choose(option.id));
      options.append(button);
    });
  }

  function choose(id) {
    answer("accept", { accept: [id] });
  }

  function renderVersions(task) {
    const box = $("versions");
    box.hidden = false;
    box.replaceChildren(el("h3", "", "Versions: click one to start from it"));
    task.versions.forEach((version) => {
      const sessions = (version.sessions || []).join(", ");
      const spans = (version.spans || []).map((s) => `${cpSlice(chars(task.text), s.start, s.end)} (${s.label})`);
      const button = el("button", "", `${version.answer || "accept"} · ${sessions || "?"}: ${spans.join(", ") || "no spans"}`);
      button.type = "button";
      button.addEventListener("click", () => {
        state.spans = manualSpans({ spans: version.spans || [] }, state.tokens);
        render();
      });
      box.append(button);
    });
  }

  function renderMeta(meta, task) {
    const info = task.meta || {};
    if (typeof info.score === "number") meta.append(el("span", "score", `score ${formatScore(info.score)}`));
    for (const [key, value] of Object.entries(info)) {
      if (key === "score" || (typeof value === "object" && value !== null)) continue;
      meta.append(el("span", "", `${key}: ${value}`));
    }
  }

  function formatScore(score) {
    return score !== 0 && Math.abs(score) < 0.01 ? score.toExponential(1) : score.toFixed(2);
  }

  // Manual view: tokens; spans are runs of tokens in one <mark>.
  function tokensOf(task) {
    if (Array.isArray(task.tokens) && task.tokens.length) return task.tokens;
    const text = String(task.text || "");
    const tokens = [];
    for (const m of text.matchAll(/\S+/g)) {  // UTF-16 indices: count code points before
      const start = chars(text.slice(0, m.index)).length;
      const end = start + chars(m[0]).length;
      tokens.push({ text: m[0], start, end, id: tokens.length, ws: /\s/.test(text.charAt(m.index + m[0].length)) });
    }
    return tokens;
  }

  function manualSpans(task, tokens) {
    const byStart = new Map(tokens.map((t, i) => [t.start, i]));
    const byEnd = new Map(tokens.map((t, i) => [t.end, i]));
    const spans = [];
    for (const s of task.spans || []) {
      const ts = byStart.has(s.start) ? byStart.get(s.start) : s.token_start;
      const te = byEnd.has(s.end) ? byEnd.get(s.end) : s.token_end;
      if (!Number.isInteger(ts) || !Number.isInteger(te) || te < ts || te >= tokens.length) continue;
      if (spans.some((o) => o.token_start <= te && ts <= o.token_end)) continue;  // no overlaps
      spans.push({ start: tokens[ts].start, end: tokens[te].end, token_start: ts, token_end: te, label: s.label });
    }
    return spans.sort((a, b) => a.token_start - b.token_start);
  }

  function renderManual(container, task) {
    if (state.shown !== task) {
      state.tokens = tokensOf(task);
      state.spans = manualSpans(state.pendingSpans ? { spans: state.pendingSpans } : task, state.tokens);
      state.pendingSpans = null;
      state.shown = task;
      state.cursor = state.selFrom = null;
    }
    const tokens = state.tokens;
    const starting = new Map(state.spans.map((s, i) => [s.token_start, i]));
    for (let i = 0; i < tokens.length;) {
      const k = starting.get(i);
      let last = i;
      if (k === undefined) {
        container.append(tokenNode(i));
      } else {
        const span = state.spans[k];
        const mark = spanMark(span.label);
        mark.dataset.span = String(k);
        mark.title = "click to remove";
        for (let j = span.token_start; j <= span.token_end; j++) {
          mark.append(tokenNode(j));
          if (j < span.token_end && tokens[j].ws) mark.append(" ");
        }
        mark.append(el("span", "tag", span.label));
        container.append(mark);
        last = span.token_end;
      }
      if (tokens[last].ws) container.append(" ");
      i = last + 1;
    }
    markSelection();
  }

  function tokenNode(i) {
    const node = el("span", "tok", state.tokens[i].text);
    node.dataset.i = String(i);
    return node;
  }

  // ---- manual: pointer (mouse, touch, pen) and keyboard ---------------------------------

  function tokenAt(target) {
    const tok = target instanceof Element ? target.closest("#text .tok") : null;
    return tok ? Number(tok.dataset.i) : null;
  }

  const spanAt = (i) => state.spans.findIndex((s) => s.token_start <= i && i <= s.token_end);

  function onPointerDown(event) {
    if (!state.manual || !state.current || event.button !== 0) return;
    const i = tokenAt(event.target);
    if (i === null) {
      const mark = event.target instanceof Element ? event.target.closest("mark[data-span]") : null;
      if (mark) removeSpan(Number(mark.dataset.span));  // the label tag of a span
      return;
    }
    event.preventDefault();
    if (event.target.hasPointerCapture && event.target.hasPointerCapture(event.pointerId)) {
      event.target.releasePointerCapture(event.pointerId);  // touch captures: follow the finger
    }
    state.drag = { anchor: i, focus: i, moved: false };
    state.cursor = state.selFrom = null;
    markSelection();
  }

  function onPointerMove(event) {
    if (!state.drag) return;
    const i = tokenAt(document.elementFromPoint(event.clientX, event.clientY));
    if (i !== null && i !== state.drag.focus) {
      state.drag.focus = i;
      state.drag.moved = true;
      markSelection();
    }
  }

  function onPointerUp(event) {
    const drag = state.drag;
    if (!drag) return;
    state.drag = null;
    const over = tokenAt(document.elementFromPoint(event.clientX, event.clientY));
    if (over !== null && over !== drag.focus) { drag.focus = over; drag.moved = true; }
    if (!drag.moved && drag.anchor === drag.focus && spanAt(drag.anchor) >= 0) {
      removeSpan(spanAt(drag.anchor));  // a click (or tap) on a span removes it
      return;
    }
    addSpan(Math.min(drag.anchor, drag.focus), Math.max(drag.anchor, drag.focus));
  }

  function selection() {
    if (state.drag) return [Math.min(state.drag.anchor, state.drag.focus), Math.max(state.drag.anchor, state.drag.focus)];
    if (state.cursor === null) return null;
    const from = state.selFrom === null ? state.cursor : state.selFrom;
    return [Math.min(from, state.cursor), Math.max(from, state.cursor)];
  }

  function markSelection() {
    const range = selection();
    for (const node of $("text").querySelectorAll(".tok")) {
      const i = Number(node.dataset.i);
      node.classList.toggle("sel", Boolean(range) && i >= range[0] && i <= range[1]);
      node.classList.toggle("cursor", i === state.cursor);
    }
  }

  function moveCursor(step, extend) {
    const last = state.tokens.length - 1;
    if (last < 0) return;
    const from = state.cursor === null ? (step > 0 ? -1 : last + 1) : state.cursor;
    if (extend && state.selFrom === null) state.selFrom = state.cursor === null ? Math.max(0, Math.min(last, from + step)) : state.cursor;
    if (!extend) state.selFrom = null;
    state.cursor = Math.max(0, Math.min(last, from + step));
    markSelection();
  }

  function markAtCursor() {
    const range = selection();
    if (!range) { showMessage("Move to a word with ← → first (Shift to extend)."); return; }
    const cursor = state.cursor;
    addSpan(range[0], range[1]);
    state.cursor = cursor;
    state.selFrom = null;
    markSelection();
  }

  function removeSpan(k) {
    if (k < 0) return;
    state.spans.splice(k, 1);
    render();
  }

  function addSpan(from, to) {
    if (!state.label) { showError("Choose a label first (buttons or keys 1–9)."); render(); return; }
    const tokens = state.tokens;
    const span = { start: tokens[from].start, end: tokens[to].end, token_start: from, token_end: to, label: state.label };
    state.spans = state.spans.filter((s) => s.token_end < from || s.token_start > to);
    state.spans.push(span);
    state.spans.sort((a, b) => a.token_start - b.token_start);
    render();
  }

  function setLabel(label) {
    state.label = label;
    for (const button of $("labels").querySelectorAll("button")) {
      button.classList.toggle("active", button.dataset.label === label);
      button.setAttribute("aria-pressed", String(button.dataset.label === label));
    }
    $("text").className = textClass();
  }

  function textClass() {
    if (!state.manual) return "text";
    return state.label ? `text manual ${colorClass(state.label)}` : "text manual";
  }

  function renderLabels() {
    const box = $("labels");
    box.replaceChildren();
    state.labels.forEach((label, i) => {
      const button = el("button", colorClass(label), label);
      button.type = "button";
      button.dataset.label = label;
      if (i < 9) button.append(el("kbd", "", String(i + 1)));
      button.addEventListener("mousedown", (e) => e.preventDefault());
      button.addEventListener("click", () => setLabel(label));
      box.append(button);
    });
    box.hidden = false;
    if (state.labels.length) setLabel(state.labels[0]);
  }

  // ---- keys and start -----------------------------------------------------------------

  function onKeyDown(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (!$("help-overlay").hidden) {
      if (key === "Escape" || key === "?") { event.preventDefault(); toggleHelp(false); }
      return;
    }
    const target = event.target;
    if (NATIVE_KEYS.has(key) && target instanceof Element && target.closest("button, a, input, textarea, select")) {
      return;  // Space and Enter press the focused button, as everywhere else
    }
    if (event.repeat && (key in KEYS || key === "Backspace")) { event.preventDefault(); return; }
    if (handleKey(key, event.shiftKey)) event.preventDefault();
  }

  function handleKey(key, shift) {
    if (key === "?") { toggleHelp(true); return true; }
    if (state.choice && /^[1-9]$/.test(key)) {
      const option = (state.current && state.current.options || [])[Number(key) - 1];
      if (option) choose(option.id);
      return Boolean(option);
    }
    if (key in KEYS && $(`btn-${KEYS[key]}`).classList.contains("off")) return true;  // config buttons
    if (key in KEYS && !(state.choice && key !== " ")) { answer(KEYS[key]); return true; }
    if (key === "Backspace") { undo(); return true; }
    if (key === "f") {
      if (state.current && state.config.show_flag !== false) setFlag(!state.flagged);
      return true;
    }
    if (!state.manual) return false;
    if (/^[1-9]$/.test(key) && state.labels[Number(key) - 1] !== undefined) {
      setLabel(state.labels[Number(key) - 1]);
      return true;
    }
    if (key === "ArrowRight" || key === "ArrowLeft") { moveCursor(key === "ArrowRight" ? 1 : -1, shift); return true; }
    if (key === "Enter") { markAtCursor(); return true; }
    if (key === "Delete" && state.cursor !== null) { removeSpan(spanAt(state.cursor)); return true; }
    if (key === "Escape") { state.cursor = state.selFrom = null; markSelection(); return true; }
    return false;
  }

  function bindButtons() {
    for (const button of document.querySelectorAll("#buttons button")) {
      button.addEventListener("mousedown", (e) => e.preventDefault());  // keep keys for the page
    }
    for (const button of document.querySelectorAll("button[data-answer]")) {
      button.addEventListener("click", () => answer(button.dataset.answer));
    }
    $("btn-undo").addEventListener("click", undo);
    $("btn-flag").addEventListener("click", () => { if (state.current) setFlag(!state.flagged); });
    $("btn-help").addEventListener("click", () => toggleHelp(true));
    $("btn-help-close").addEventListener("click", () => toggleHelp(false));
  }

  function bindText() {
    const text = $("text");
    text.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("pointermove", onPointerMove);
    document.addEventListener("pointerup", onPointerUp);
    document.addEventListener("pointercancel", () => { state.drag = null; markSelection(); });
  }

  async function start() {
    bindButtons();
    bindText();
    document.addEventListener("keydown", onKeyDown);
    window.addEventListener("pagehide", release);
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted || !state.session) return;  // back from the cache: questions were released
      state.queue = [];
      state.current = null;
      state.exhausted = false;
      advance();
    });
    state.name = new URLSearchParams(window.location.search).get("session") || null;
    try {
      state.session = await api(`/api/session${state.name ? `?session=${encodeURIComponent(state.name)}` : ""}`);
    } catch (err) {
      $("text").textContent = "";
      showError(`Couldn't start: ${err.message}`);
      return;
    }
    setUp(state.session);
    setInterval(renew, Math.min(RENEW_MS, (state.session.lease_seconds || 120) * 1000 / 3));
    advance();
  }

  function setUp(session) {
    state.labels = session.labels || [];
    applyConfig(session.config || {});
    $("dataset").textContent = session.dataset;
    if (state.name) { $("session-name").hidden = false; $("session-name").textContent = `session ${state.name}`; }
    document.title = `${session.dataset} · al-ner`;
    showView(viewOf(null));
    showProgress(session.progress);
  }

  // Each question is drawn in its own view (its _view_id, drawn as the session's `drawn_as`
  // says: binary, manual or choice): ner.teach mixes full-span (ner_manual) questions into a
  // binary session, and those need label buttons and words to select, or "accept" would save
  // the model's guesses as a complete annotation.
  function viewOf(task) {
    const id = (task && task._view_id) || state.session.view_id;
    return { id, drawn: (state.session.drawn_as || {})[id] || state.session.view || "binary" };
  }

  function showView(view) {
    if (view.id === state.view) return;
    state.view = view.id;
    state.manual = view.drawn === "manual";
    state.choice = view.drawn === "choice";
    document.body.dataset.view = view.id;
    $("help").textContent = HELP[view.drawn] || HELP.binary;
    if (state.manual && !$("labels").childElementCount) renderLabels();
    $("labels").hidden = !state.manual;
  }

  // The recipe's config settings the page reads (Prodigy's names): label, hide_meta, show_flag,
  // history_size, buttons, lang.
  function applyConfig(config) {
    state.config = config;
    if (config.lang) document.documentElement.lang = String(config.lang);
    if (Number.isInteger(config.history_size) && config.history_size >= 0) HISTORY_SIZE = config.history_size;
    if (config.label) {
      const label = el("span", "config-label", String(config.label));
      $("dataset").parentElement.append(" ", label);
    }
    if (config.show_flag === false) $("btn-flag").hidden = true;
    if (Array.isArray(config.buttons)) {
      for (const kind of ["accept", "reject", "ignore", "undo"]) {
        if (!config.buttons.includes(kind)) $(`btn-${kind}`).classList.add("off");
      }
    }
  }

  start();
})();
