// al-ner annotation UI. No dependencies, no build step.
// Task data is only ever put in the page with textContent, never as HTML.
(() => {
  "use strict";

  const KEYS = { a: "accept", x: "reject", " ": "ignore" };
  const DONE = { accept: "Accepted.", reject: "Rejected.", ignore: "Ignored." };
  const LOW_WATER = 2;  // fetch more questions when fewer than this are queued
  const POLL_MS = 5000;  // with nothing to ask, look for questions other tabs gave back

  const state = {
    session: null, manual: false, labels: [], label: null,
    queue: [], current: null, exhausted: false, filling: null, poll: null, progress: null,
    history: [],              // this tab's answered tasks, newest last (for undo)
    outbox: [], inflight: 0,  // answers not yet saved; the first `inflight` are being sent
    sending: null, busy: false,
    spans: [], tokens: [], anchor: null, hover: null,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  // ---- server -------------------------------------------------------------------------

  async function api(path, body) {
    const init = body === undefined ? { method: "GET" } : {
      method: "POST", keepalive: true,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    const res = await fetch(path, { credentials: "same-origin", cache: "no-store", ...init });
    let data = null;
    try { data = await res.json(); } catch (_) { /* not JSON: an error page */ }
    if (!res.ok) {
      const err = new Error((data && data.error) || `${res.status} ${res.statusText}`);
      err.status = res.status;
      throw err;
    }
    return data;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---- questions ----------------------------------------------------------------------

  function fill() {
    if (state.filling || state.exhausted || state.queue.length >= LOW_WATER) {
      return state.filling || Promise.resolve();
    }
    state.filling = api("/api/questions", { n: state.session.batch_size })
      .then((data) => {
        if (!data.tasks.length) state.exhausted = true;
        state.queue.push(...data.tasks);
        showProgress(data.progress);
      })
      .catch((err) => showError(`Couldn't load questions: ${err.message}`))
      .finally(() => { state.filling = null; });
    return state.filling;
  }

  async function advance() {
    clearTimeout(state.poll);
    state.current = state.queue.shift() || null;
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

  // ---- answers ------------------------------------------------------------------------

  function answer(kind) {
    const task = state.current;
    if (!task || state.busy) return;
    const given = { _task_hash: task._task_hash, answer: kind };
    if (state.manual) given.spans = state.spans.map(({ start, end, label }) => ({ start, end, label }));
    state.outbox.push(given);
    state.history.push(state.manual ? { ...task, spans: state.spans.slice() } : task);
    showMessage(DONE[kind]);
    flush();
    advance();
  }

  function flush() {
    if (!state.sending) {
      state.sending = sendAll().finally(() => { state.sending = null; });
    }
    return state.sending;
  }

  // Send the outbox in order, a batch at a time. A batch the server refuses is retried one
  // answer at a time, so one bad answer doesn't hold back the others.
  async function sendAll() {
    let single = false;
    let wait = 500;
    while (state.outbox.length) {
      const batch = single ? state.outbox.slice(0, 1) : state.outbox.slice();
      state.inflight = batch.length;
      try {
        const data = await api("/api/answers", { answers: batch });
        state.outbox.splice(0, batch.length);
        showProgress(data.progress);
        wait = 500;
      } catch (err) {
        if (!err.status) {  // the server can't be reached: keep the answers and retry
          showError(`Server unreachable, ${state.outbox.length} answer(s) not saved yet; retrying…`);
          await sleep(wait);
          wait = Math.min(wait * 2, 10000);
        } else if (err.status >= 500) {
          showError(`Couldn't save: ${err.message}`);
          return;
        } else if (batch.length > 1) {
          single = true;
        } else {
          const [bad] = state.outbox.splice(0, 1);
          state.history = state.history.filter((t) => t._task_hash !== bad._task_hash);
          showError(`Answer refused: ${err.message}`);
        }
      } finally {
        state.inflight = 0;
      }
    }
  }

  async function undo() {
    if (state.busy) return;
    const last = state.history.pop();
    if (!last) { showMessage("Nothing to undo in this tab."); return; }
    state.busy = true;
    try {
      await flush();
      const unsent = state.outbox.findIndex((a) => a._task_hash === last._task_hash);
      let task = last;
      if (unsent >= 0) {
        state.outbox.splice(unsent, 1);  // never reached the server: just ask again
      } else {
        const data = await api("/api/undo", { task_hash: last._task_hash });
        task = data.task;
        showProgress(data.progress);
      }
      if (state.current) state.queue.unshift(state.current);
      state.current = task;
      render();
      showMessage("Undone: answer this question again.");
    } catch (err) {
      showError(`Couldn't undo: ${err.message}`);
    } finally {
      state.busy = false;
    }
  }

  function release() {
    const open = state.queue.concat(state.current ? [state.current] : []);
    const unsent = state.outbox.slice(state.inflight);
    if (unsent.length) api("/api/answers", { answers: unsent }).catch(() => {});
    if (open.length) {
      api("/api/release", { task_hashes: open.map((t) => t._task_hash) }).catch(() => {});
    }
  }

  // ---- header -------------------------------------------------------------------------

  function showProgress(p) {
    if (!p) return;
    state.progress = p;
    const track = $("progress-track");
    track.hidden = !p.total;  // no bar when the source size is unknown
    if (p.total) {
      $("progress-fill").style.width = `${Math.min(100, (100 * p.answered) / p.total)}%`;
      $("progress-text").textContent = `${p.answered} / ${p.total}`;
    } else {
      $("progress-text").textContent = `${p.answered} answered`;
    }
    for (const kind of ["accept", "reject", "ignore"]) {
      $(`count-${kind}`).textContent = String((p.counts && p.counts[kind]) || 0);
    }
    showHealth(p.health);  // al-ner health check (issue 9): the one line added to showProgress
  }

  // ---- health check (issue 9; kept self-contained for the web rework) -------------------
  // progress.health comes from the recipe's --control questions (al_ner/health/monitor.py):
  // {n, f1: {value, low, high}, base_f1: {...}, diff: {...}, level, warning}. Rendered as one
  // header item, created on first use so index.html and style.css need no change.
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
    box.hidden = false;
    box.textContent = h.n
      ? `F1 ${cell(h.f1)} vs base ${cell(h.base_f1)} on ${h.n} control answers`
      : "health check: no control answers yet";
    box.title = `${Math.round(100 * h.level)} % bootstrap intervals; difference ${cell(h.diff, true)}`;
    box.style.color = h.warning ? "#b00020" : "";
    if (h.warning) box.textContent = "⚠ " + box.textContent + ": worse than the base model";
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

  // ---- rendering ----------------------------------------------------------------------

  function colorClass(label) {
    let i = state.labels.indexOf(label);
    if (i < 0) i = [...String(label)].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);
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
    text.replaceChildren();
    meta.replaceChildren();
    text.className = textClass();
    const task = state.current;
    setButtons(Boolean(task));
    if (!task) {
      renderEmpty(text);
      return;
    }
    if (state.manual) renderManual(text, task); else renderBinary(text, task);
    renderMeta(meta, task);
  }

  function renderEmpty(text) {
    text.classList.add("done");
    // Until every question is answered, another tab may still give some back: look again.
    clearTimeout(state.poll);
    if (!(state.progress && state.progress.done)) state.poll = setTimeout(() => { if (!state.current && !state.busy) advance(); }, POLL_MS);
    if (!state.exhausted) { text.textContent = "Loading…"; return; }
    text.append(el("p", "", `No more questions. Every answer is saved in dataset "${state.session.dataset}".`));
  }

  function setButtons(enabled) {
    for (const id of ["btn-accept", "btn-reject", "btn-ignore"]) $(id).disabled = !enabled;
  }

  // Binary view: the text with the proposed span(s) highlighted, by character offsets.
  function renderBinary(container, task) {
    const text = String(task.text || "");
    let at = 0;
    const spans = (task.spans || []).slice().sort((a, b) => a.start - b.start);
    for (const span of spans) {
      if (!(span.start >= at && span.end > span.start && span.end <= text.length)) continue;
      container.append(text.slice(at, span.start));
      const mark = spanMark(span.label);
      mark.append(text.slice(span.start, span.end), el("span", "tag", span.label));
      container.append(mark);
      at = span.end;
    }
    container.append(text.slice(at));
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
    return [...text.matchAll(/\S+/g)].map((m, i) => ({
      text: m[0], start: m.index, end: m.index + m[0].length, id: i,
      ws: /\s/.test(text.charAt(m.index + m[0].length)),
    }));
  }

  function manualSpans(task, tokens) {
    const byStart = new Map(tokens.map((t, i) => [t.start, i]));
    const byEnd = new Map(tokens.map((t, i) => [t.end, i]));
    const spans = [];
    for (const s of task.spans || []) {
      const ts = Number.isInteger(s.token_start) ? s.token_start : byStart.get(s.start);
      const te = Number.isInteger(s.token_end) ? s.token_end : byEnd.get(s.end);
      if (ts === undefined || te === undefined || te < ts || te >= tokens.length) continue;
      spans.push({ start: tokens[ts].start, end: tokens[te].end, token_start: ts, token_end: te, label: s.label });
    }
    return spans.sort((a, b) => a.token_start - b.token_start);
  }

  function setCurrentManual(task) {
    state.tokens = tokensOf(task);
    state.spans = manualSpans(task, state.tokens);
    state.shownManual = task;
  }

  function renderManual(container, task) {
    if (state.shownManual !== task) setCurrentManual(task);
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
  }

  function tokenNode(i) {
    const node = el("span", "tok", state.tokens[i].text);
    node.dataset.i = String(i);
    return node;
  }

  // ---- manual: mouse and labels -------------------------------------------------------

  function tokenIndex(target) {
    const tok = target instanceof Element ? target.closest(".tok") : null;
    return tok && !tok.closest("mark") ? Number(tok.dataset.i) : null;
  }

  function onMouseDown(event) {
    if (!state.manual || !state.current || event.button !== 0) return;
    const mark = event.target instanceof Element ? event.target.closest("mark[data-span]") : null;
    if (mark) {
      state.spans.splice(Number(mark.dataset.span), 1);
      render();
      return;
    }
    const i = tokenIndex(event.target);
    if (i === null) return;
    event.preventDefault();
    state.anchor = i;
    state.hover = i;
    markSelection();
  }

  function onMouseOver(event) {
    if (state.anchor === null) return;
    const i = tokenIndex(event.target);
    if (i !== null) { state.hover = i; markSelection(); }
  }

  function onMouseUp(event) {
    if (state.anchor === null) return;
    const over = tokenIndex(event.target);
    const focus = over === null ? state.hover : over;
    const [from, to] = [Math.min(state.anchor, focus), Math.max(state.anchor, focus)];
    state.anchor = state.hover = null;
    addSpan(from, to);
  }

  function markSelection() {
    const [from, to] = [Math.min(state.anchor, state.hover), Math.max(state.anchor, state.hover)];
    for (const node of $("text").querySelectorAll(".tok")) {
      const i = Number(node.dataset.i);
      node.classList.toggle("sel", i >= from && i <= to);
    }
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
    if (key in KEYS) {
      event.preventDefault();
      if (!event.repeat) answer(KEYS[key]);
    } else if (key === "Backspace") {
      event.preventDefault();
      if (!event.repeat) undo();
    } else if (state.manual && /^[1-9]$/.test(key)) {
      const label = state.labels[Number(key) - 1];
      if (label !== undefined) { event.preventDefault(); setLabel(label); }
    }
  }

  function bindButtons() {
    for (const button of document.querySelectorAll("#buttons button")) {
      button.addEventListener("mousedown", (e) => e.preventDefault());  // keep keys for the page
    }
    for (const button of document.querySelectorAll("button[data-answer]")) {
      button.addEventListener("click", () => answer(button.dataset.answer));
    }
    $("btn-undo").addEventListener("click", undo);
  }

  async function start() {
    bindButtons();
    document.addEventListener("keydown", onKeyDown);
    const text = $("text");
    text.addEventListener("mousedown", onMouseDown);
    text.addEventListener("mouseover", onMouseOver);
    document.addEventListener("mouseup", onMouseUp);
    window.addEventListener("pagehide", release);
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted || !state.session) return;  // back from the cache: questions were released
      state.queue = [];
      state.current = null;
      state.exhausted = false;
      advance();
    });
    try {
      state.session = await api("/api/session");
    } catch (err) {
      text.textContent = "";
      showError(`Couldn't start: ${err.message}`);
      return;
    }
    state.manual = state.session.view_id === "ner_manual";
    state.labels = state.session.labels || [];
    $("dataset").textContent = state.session.dataset;
    document.title = `${state.session.dataset} · al-ner`;
    document.body.dataset.view = state.session.view_id;
    $("help").textContent = state.manual
      ? "Drag over tokens to mark a span · 1–9 choose the label · click a span to remove it · a accept · x reject · space ignore · backspace undo"
      : "a accept · x reject · space ignore · backspace undo";
    if (state.manual) renderLabels();
    showProgress(state.session.progress);
    advance();
  }

  start();
})();
