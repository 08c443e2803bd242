/* The field app in the page: download the inspector's tasks, fill them without a network, keep
   everything in IndexedDB (store.js) and send it when the network is back (queue.js). No rule of
   scoring lives here: the server's score is shown once the answers are up. */
(function () {
  "use strict";
  var root = document.getElementById("field-app");
  if (!root || !window.indexedDB) return;
  var cfg = root.dataset, W = JSON.parse(cfg.words);
  var store = null, auth = null, delay = 0, timer = null, running = false, again = false;
  var MAX_DELAY = 60000;

  function t(key, values) {
    return W[key].replace(/\{(\w+)\}/g, function (all, name) { return values && name in values ? values[name] : all; });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function ctx() {
    return {store: store, api: cfg.api, token: auth && auth.token, locale: cfg.locale,
            onChange: function () { refresh(); }};
  }

  // ------------------------------------------------------------------ the token
  function deviceName() {
    var ua = navigator.userAgent, kind = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : "Browser";
    return (W.offline_app || "Field app") + " · " + kind + " · " + new Date().toISOString().slice(0, 10);
  }
  function askToken(csrf) {
    return fetch(cfg.tokenUrl, {method: "POST", credentials: "same-origin", headers: {
      "X-CSRFToken": csrf, "Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify({name: deviceName()})}).then(function (r) {
      if (!r.ok || r.redirected) throw new Error("no token");
      return r.json();
    });
  }
  function freshCsrf() {  // the shell may come from the cache with an old form token: ask for the page
    return fetch(cfg.scope, {credentials: "same-origin", cache: "no-store"}).then(function (r) {
      if (!r.ok || r.redirected) throw new Error("signed out");
      return r.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html").getElementById("field-app");
      if (!page) throw new Error("signed out");
      return page.dataset.csrf;
    });
  }
  var asking = null;  // one token request at a time: a double tap makes no second token
  function getToken() {
    asking = asking || askToken(cfg.csrf).catch(function () { return freshCsrf().then(askToken); }).then(function (made) {
      auth = {token: made.token, user_id: made.user_id, api: cfg.api};
      return store.setMeta("auth", auth);
    }).then(function () { notice(null); return true; });
    return asking.finally(function () { asking = null; });
  }
  function signedOut() {
    auth = null;
    return store.setMeta("auth", null).then(function () {
      var button = el("button", {type: "button", class: "primary", text: W.sign_in});
      button.addEventListener("click", function () {
        getToken().then(function () { kick(); }, function () { window.location.href = cfg.login; });
      });
      notice(W.signed_out, button);
    });
  }
  function notice(text, extra) {
    var box = document.getElementById("notice");
    box.textContent = text || "";
    if (extra) { box.appendChild(document.createTextNode(" ")); box.appendChild(extra); }
    box.hidden = !text;
  }

  // ------------------------------------------------------------------ sending, with backoff
  function kick() {
    if (running) { again = true; return; }
    if (!auth) return;
    clearTimeout(timer); timer = null;
    running = true;
    FieldQueue.run(ctx()).then(function (state) {
      running = false;
      if (state === FieldQueue.AUTH) return signedOut();
      if (state === FieldQueue.RETRY) return later();
      delay = 0;
      if (again) { again = false; kick(); }
    }, function () { running = false; later(); }).then(refresh);
  }
  function later() {
    delay = Math.min(MAX_DELAY, delay ? delay * 2 : 2000);
    timer = setTimeout(kick, delay);
    backgroundSync();
  }
  function backgroundSync() {
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) reg.sync.register("field-queue-" + cfg.user).catch(function () {});
    });
  }
  function changed() { refresh(); kick(); }  // Background Sync only once a send has failed (later)

  // ------------------------------------------------------------------ downloading the tasks
  function download() {
    if (!navigator.onLine) { notice(W.need_network); return Promise.resolve(); }
    var ready = auth ? Promise.resolve() : getToken();
    return ready.then(function () {
      return FieldQueue.call(ctx(), "GET", "/field/assignments");
    }).then(function (result) {
      if (result.status !== 200) throw new Error(String(result.status));
      return merge(result.data).then(function () {
        return store.setMeta("synced", {server_time: result.data.server_time, at: Date.now()});
      });
    }).then(function () { notice(null); kick(); }, function (error) {
      if (error instanceof FieldQueue.Failure && error.kind === FieldQueue.AUTH) return signedOut();
      if (!auth) return signedOut();
      notice(t("sync_failed", {reason: error instanceof FieldQueue.Failure ? W.offline : error.message}));
    }).then(refresh);
  }
  function merge(data) {
    var seen = {};
    var steps = data.inspections.map(function (server) {
      seen[server.id] = true;
      return store.update("inspections", server.id, function (old) {
        var local = old ? old.local : {answers: {}, dirty: {}, submit: null, blocked: null, conflicts: [],
                                       score: null, problems: null, error: null};
        if (FieldQueue.STOPPED[local.blocked]) local.blocked = null;  // listed again: open and ours
        server.answers.forEach(function (a) {
          if (!local.dirty[a.item_id]) local.answers[a.item_id] = Object.assign({}, a, {base_updated_at: a.updated_at});
        });
        return Object.assign({}, server, {local: local});
      });
    });
    return Promise.all(steps).then(function () {
      return Promise.all([store.all("inspections"), store.all("photos")]);
    }).then(function (both) {
      return Promise.all(both[0].filter(function (r) { return !seen[r.id]; }).map(function (r) {
        var photos = both[1].filter(function (p) { return p.inspection_id === r.id; });
        if (FieldQueue.waitingOf(r, photos) || FieldQueue.STOPPED[r.local.blocked]) return null;  // still to send or to be seen
        return Promise.all(photos.map(function (p) { return store.remove("photos", p.client_id); }))
          .then(function () { return store.remove("inspections", r.id); });
      }));
    });
  }

  // ------------------------------------------------------------------ drawing
  function refresh() {
    if (!store) return Promise.resolve();
    return FieldQueue.waiting(store).then(function (waiting) {
      var badge = document.getElementById("badge");
      badge.textContent = waiting.total ? t("waiting", {n: waiting.total}) : W.nothing_waiting;
      badge.dataset.count = String(waiting.total);
      badge.className = "badge" + (waiting.total ? " busy" : "");
      var net = document.getElementById("net");
      net.textContent = navigator.onLine ? W.online : W.offline;
      net.className = "net " + (navigator.onLine ? "on" : "off");
      var match = /^#i\/(\d+)$/.exec(location.hash);
      document.getElementById("list-view").hidden = !!match;
      document.getElementById("inspection-view").hidden = !match;
      return match ? FieldForm.draw(Number(match[1]), waiting) : drawList(waiting);
    });
  }
  function drawList(waiting) {
    return Promise.all([store.all("inspections"), store.meta("synced")]).then(function (both) {
      var synced = both[1];
      document.getElementById("synced").textContent = synced
        ? t("synced_at", {time: new Date(synced.at).toLocaleString(cfg.locale === "en" ? "en" : "zh-CN")}) : W.never_synced;
      var box = document.getElementById("tasks");
      box.textContent = "";
      if (!both[0].length && synced) box.appendChild(el("p", {class: "muted", text: W.no_tasks}));
      both[0].sort(function (a, b) { return a.due_date < b.due_date ? -1 : a.due_date > b.due_date ? 1 : a.id - b.id; })
        .forEach(function (r) { box.appendChild(card(r, waiting.byInspection[r.id] || 0)); });
    });
  }
  function card(r, waiting) {
    var total = FieldForm.items(r).length, answered = FieldForm.answered(r);
    var state = FieldForm.stateText(r);
    return el("a", {href: "#i/" + r.id, class: "task" + (r.local.blocked ? " blocked" : ""), "data-id": String(r.id)}, [
      el("strong", {text: r.target_label}),
      el("span", {class: "muted", text: " " + r.checklist.name}),
      el("br"),
      el("span", {class: "muted", text: t("due", {date: r.due_date}) + " · " + t("answered", {n: answered, total: total})}),
      waiting ? el("span", {class: "pill busy", text: t("waiting", {n: waiting})}) : null,
      state ? el("span", {class: "pill state", text: state}) : null,
      r.review_comment ? el("p", {class: "review", text: t("sent_back", {comment: r.review_comment})}) : null,
    ]);
  }

  window.FieldApp = {t: t, el: el, uuid: uuid, W: W, cfg: cfg, changed: changed, refresh: refresh,
                     store: function () { return store; }};

  document.getElementById("back").addEventListener("click", function (e) { e.preventDefault(); location.hash = ""; });
  document.getElementById("back").textContent = "‹ " + W.back;

  // ------------------------------------------------------------------ whose data this is
  // The data on this device belongs to the user it was downloaded by (one database per user). The
  // app opens it only for the user the server says is signed in now; offline, only while the user it
  // last confirmed has not signed out on this browser since (static/js/app.js clears the mark).
  var SIGNED_IN = "hygiene-field-user";
  function mark(user) {
    try { if (user) localStorage.setItem(SIGNED_IN, user); else localStorage.removeItem(SIGNED_IN); } catch (e) { /* private mode */ }
  }
  function marked() { try { return localStorage.getItem(SIGNED_IN); } catch (e) { return null; } }
  function whoIsSignedIn() {  // resolves to {user, confirmed}: confirmed when the server said so now
    var offline = function () { return {user: marked(), confirmed: false}; };
    if (!navigator.onLine) return Promise.resolve(offline());
    return fetch(cfg.scope + "whoami", {credentials: "same-origin", cache: "no-store",
                                        headers: {"Accept": "application/json"}}).then(function (r) {
      if (r.status === 401) return {user: null, confirmed: true};
      if (!r.ok) return offline();
      return r.json().then(function (data) { return {user: String(data.user_id), confirmed: true}; });
    }, offline);
  }
  function lock() {
    document.querySelector("#field-app main").hidden = true;
    document.querySelector("#field-app .whoami").hidden = true;
    document.getElementById("badge").hidden = true;
    var net = document.getElementById("net");
    net.textContent = navigator.onLine ? W.online : W.offline;
    net.className = "net " + (navigator.onLine ? "on" : "off");
    var link = navigator.onLine ? el("a", {href: cfg.login, class: "button primary", text: W.sign_in}) : null;
    notice(W.locked, link);
    document.getElementById("notice").classList.add("locked");
  }
  function othersWaiting(me) {  // what other users of this device still have to send: counted, never shown
    if (!indexedDB.databases) return Promise.resolve(0);
    return indexedDB.databases().then(function (all) {
      return Promise.all(all.map(function (d) { return /^hygiene-field-(\d+)$/.exec(d.name || ""); })
        .filter(function (m) { return m && m[1] !== me; }).map(function (m) {
          return FieldStore.open(m[1]).then(function (other) {
            return FieldQueue.waiting(other).then(function (w) { other.db.close(); return w.total; });
          });
        }));
    }).then(function (counts) {
      return counts.reduce(function (a, b) { return a + b; }, 0);
    }).catch(function () { return 0; });
  }
  function showOthers(n) {
    var box = document.getElementById("others");
    box.textContent = n ? t("others_waiting", {n: n}) : "";
    box.hidden = !n;
  }

  whoIsSignedIn().then(function (who) {
    if (!who.user || who.user !== cfg.user) {  // signed out, or a kept shell of someone else
      if (who.confirmed) mark(null);
      lock();
      return null;
    }
    var returning = marked() !== who.user;  // signed in again since the data was locked: a new token
    mark(who.user);
    return FieldStore.open(cfg.user).then(function (s) {
      store = s;
      return Promise.all([store.setMeta("locale", cfg.locale), returning ? store.setMeta("auth", null) : null]);
    }).then(function () { return store.meta("auth"); }).then(function (kept) {
      auth = kept;
      if (!auth && navigator.onLine) return getToken().catch(signedOut);
      return null;
    }).then(function () {
      document.querySelector("#field-app .whoami").hidden = false;
      othersWaiting(cfg.user).then(showOthers);
      document.getElementById("sync").addEventListener("click", function () { download(); });
      window.addEventListener("hashchange", refresh);
      window.addEventListener("online", function () { delay = 0; refresh(); kick(); });
      window.addEventListener("offline", refresh);
      return refresh();
    }).then(function () {
      if (navigator.serviceWorker) navigator.serviceWorker.register(cfg.sw, {scope: cfg.scope}).catch(function () {});
      kick();
    });
  });
})();
