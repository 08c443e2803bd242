/* Sending what waits on the phone, in order per inspection: its answers (one PUT), then its photos
   (one request each), then its submission. Every request is safe to repeat: answers carry the
   server time they were based on, photos the client id made when they were taken, the submission
   the key made when the inspector tapped submit. A request without an answer is simply sent again.
   Used by the page and by the service worker (Background Sync); a Web Lock keeps it one at a time. */
(function (root) {
  "use strict";
  var RETRY = "retry", AUTH = "auth";
  var STOPPED = {cancelled: 1, not_assigned: 1, not_open: 1};  // never sent; kept to be seen

  function Failure(kind) { this.kind = kind; }

  function message(data, locale) {
    var error = data && data.error;
    if (!error || !error.message) return "";
    return error.message[locale] || error.message.zh_CN || error.message.en || "";
  }

  function call(ctx, method, path, body) {
    var headers = {"Authorization": "Bearer " + ctx.token, "Accept": "application/json"};
    if (body && !(body instanceof FormData)) { headers["Content-Type"] = "application/json"; body = JSON.stringify(body); }
    return fetch(ctx.api + path, {method: method, headers: headers, body: body, credentials: "omit", cache: "no-store"})
      .then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (response.status === 401) throw new Failure(AUTH);
          if (response.status >= 500 || response.status === 429 || response.status === 408 || data === null && response.status !== 204)
            throw new Failure(RETRY);
          return {status: response.status, data: data};
        });
      }, function () { throw new Failure(RETRY); });
  }

  // a refusal's messages per item ({"31": {"zh_CN", "en"}} in error.fields), as the form shows them
  function itemProblems(data, locale) {
    var fields = (data && data.error && data.error.fields) || {};
    return Object.keys(fields).filter(function (key) { return /^\d+$/.test(key); }).map(function (key) {
      var text = fields[key];
      return {item_id: Number(key), message: typeof text === "string" ? text : text[locale] || text.zh_CN || text.en};
    });
  }

  function dirtyItems(record) { return Object.keys((record.local && record.local.dirty) || {}); }

  function isStopped(record) { return !!(record.local && STOPPED[record.local.blocked]); }

  // what still waits on this device for one inspection (nothing for one the server stopped)
  function waitingOf(record, photos) {
    if (isStopped(record)) return 0;
    var n = dirtyItems(record).length;
    photos.forEach(function (p) { if (p.state === "waiting") n += 1; });
    var submit = record.local && record.local.submit;
    return n + (submit && submit.state === "waiting" ? 1 : 0);
  }

  function waiting(store) {
    return Promise.all([store.all("inspections"), store.all("photos")]).then(function (both) {
      var total = 0, by = {};
      both[0].forEach(function (record) {
        var n = waitingOf(record, both[1].filter(function (p) { return p.inspection_id === record.id; }));
        by[record.id] = n; total += n;
      });
      return {total: total, byInspection: by};
    });
  }

  // a refusal that stops an inspection (cancelled, sent elsewhere, submitted): keep, show, send nothing
  function stopCode(result) {
    var code = result.data && result.data.error && result.data.error.code;
    if (result.status === 404) return "not_assigned";
    if (code === "cancelled" || code === "not_open" || code === "not_assigned") return code;
    if (result.status === 403) return "not_assigned";
    return null;
  }

  function block(store, id, blocked, extra) {
    return store.update("inspections", id, function (record) {
      if (!record) return undefined;
      record.local.blocked = blocked;
      Object.keys(extra || {}).forEach(function (k) { record.local[k] = extra[k]; });
      return record;
    });
  }

  // an item the server refused stays here, marked, until the inspector changes it; the rest go on
  function isRefused(record, id) {
    var refused = record.local.refused && record.local.refused[id];
    return !!refused && refused.rev === record.local.dirty[id];
  }

  function sendAnswers(ctx, record) {
    return putAnswers(ctx, record, dirtyItems(record).filter(function (id) { return !isRefused(record, id); }));
  }

  function putAnswers(ctx, record, ids) {
    var sent = {}, answers = ids.map(function (id) {
      var a = record.local.answers[id] || {};
      sent[id] = record.local.dirty[id];
      return {item_id: Number(id), result: a.result || null, findings: Number(a.findings || 0),
              grade: a.grade === "" || a.grade === undefined ? null : a.grade, note: a.note || "",
              base_updated_at: a.base_updated_at || null};
    });
    if (!answers.length) return Promise.resolve(true);
    return call(ctx, "PUT", "/inspections/" + record.id + "/answers", {answers: answers}).then(function (result) {
      if (result.status === 200) return answersStored(ctx.store, record.id, sent, result.data);
      var stop = stopCode(result), code = result.data && result.data.error && result.data.error.code;
      if (stop) return block(ctx.store, record.id, stop).then(function () { return false; });
      if (code === "answer_conflict")
        return block(ctx.store, record.id, "conflict", {conflicts: result.data.conflicts || []}).then(function () { return false; });
      var problems = itemProblems(result.data, ctx.locale).filter(function (p) { return String(p.item_id) in sent; });
      if (!problems.length && ids.length === 1)
        problems = [{item_id: Number(ids[0]), message: message(result.data, ctx.locale)}];
      if (!problems.length) {  // refused without saying which item (a NUL: 400): one item at a time finds it
        return ids.reduce(function (chain, id) {
          return chain.then(function (going) { return going && putAnswers(ctx, record, [id]); });
        }, Promise.resolve(true));
      }
      return refuse(ctx.store, record.id, sent, problems).then(function () {
        var rest = ids.filter(function (id) { return !problems.some(function (p) { return String(p.item_id) === id; }); });
        return putAnswers(ctx, record, rest);
      });
    });
  }

  function refuse(store, id, sent, problems) {
    return store.update("inspections", id, function (record) {
      if (!record) return undefined;
      record.local.refused = record.local.refused || {};
      problems.forEach(function (p) {
        record.local.refused[p.item_id] = {rev: sent[p.item_id], message: p.message};
      });
      return record;
    });
  }

  function answersStored(store, id, sent, data) {
    return store.update("inspections", id, function (record) {
      (data.answers || []).forEach(function (stored) {
        var key = String(stored.item_id), mine = record.local.answers[key] || {};
        if (record.local.dirty[key] === sent[key]) {  // unchanged since it was sent: the server's is ours
          delete record.local.dirty[key];
          record.local.answers[key] = Object.assign({}, stored, {base_updated_at: stored.updated_at});
        } else {  // typed again meanwhile: still to send, now based on what we just stored
          mine.base_updated_at = stored.updated_at;
        }
        var i = record.answers.findIndex(function (a) { return a.item_id === stored.item_id; });
        if (i >= 0) record.answers[i] = stored; else record.answers.push(stored);
      });
      record.local.score = data.score || null;
      record.local.error = null;
      return record;
    }).then(function () { return true; });
  }

  function sendPhotos(ctx, record) {
    return ctx.store.photosOf(record.id).then(function (photos) {
      var chain = Promise.resolve(true);
      photos.filter(function (p) { return p.state === "waiting"; }).forEach(function (photo) {
        chain = chain.then(function (going) { return going ? sendPhoto(ctx, record, photo) : false; });
      });
      return chain;
    });
  }

  function sendPhoto(ctx, record, photo) {
    var form = new FormData();
    form.append("photo", photo.blob, photo.client_id + (photo.blob.type === "image/jpeg" ? ".jpg" : ""));
    form.append("client_id", photo.client_id);
    if (photo.item_id) form.append("item_id", String(photo.item_id));
    return call(ctx, "POST", "/inspections/" + record.id + "/photos", form).then(function (result) {
      if (result.status === 200 || result.status === 201) {
        return ctx.store.update("photos", photo.client_id, function (p) {
          if (!p) return undefined;
          p.state = "sent"; p.server_id = result.data.id; p.flags = result.data.flags || [];
          return p;
        }).then(function () { return true; });
      }
      var stop = stopCode(result);
      if (stop) return block(ctx.store, record.id, stop).then(function () { return false; });
      return ctx.store.update("photos", photo.client_id, function (p) {  // no image, taken id: this one only
        if (!p) return undefined;
        p.state = "refused"; p.error = message(result.data, ctx.locale);
        return p;
      }).then(function () { return true; });
    });
  }

  function sendSubmit(ctx, record) {
    var submit = record.local.submit;
    if (!submit || submit.state !== "waiting") return Promise.resolve(true);
    return call(ctx, "POST", "/inspections/" + record.id + "/submit", {submission_key: submit.key}).then(function (result) {
      if (result.status === 200) {
        return ctx.store.update("inspections", record.id, function (r) {
          r.status = result.data.status || "submitted";
          r.local.submit = {key: submit.key, state: "done"};
          r.local.score = {score: result.data.score, grade: result.data.grade, passed: result.data.passed};
          r.local.problems = null;
          return r;
        }).then(function () { return true; });
      }
      var stop = stopCode(result);
      if (stop) return block(ctx.store, record.id, stop).then(function () { return false; });
      return ctx.store.update("inspections", record.id, function (r) {  // not ready: back to the inspector
        r.local.submit = null;
        r.local.problems = (result.data && result.data.problems || []).map(function (p) {
          return {item_id: p.item_id, message: p.message && (p.message[ctx.locale] || p.message.zh_CN) || ""};
        });
        r.local.error = message(result.data, ctx.locale);
        return r;
      }).then(function () { return true; });
    });
  }

  function sendInspection(ctx, id) {
    function fresh() { return ctx.store.get("inspections", id); }
    return fresh().then(function (record) {
      if (!record || record.local.blocked) return null;
      return sendAnswers(ctx, record).then(function (going) {
        if (!going) return null;
        return fresh().then(function (r) { return r.local.blocked ? false : sendPhotos(ctx, r); });
      }).then(function (going) {
        if (!going) return null;
        return Promise.all([fresh(), ctx.store.photosOf(id)]).then(function (both) {
          var r = both[0];
          var photosLeft = both[1].some(function (p) { return p.state === "waiting"; });
          if (r.local.blocked || dirtyItems(r).length || photosLeft) return null;  // typed meanwhile: next round
          return sendSubmit(ctx, r);
        });
      }).then(function () { if (ctx.onChange) ctx.onChange(id); });
    });
  }

  // send everything that waits; resolves to "done", "retry" (network or server trouble) or "auth"
  function runUnlocked(ctx) {
    return ctx.store.all("inspections").then(function (records) {
      var chain = Promise.resolve();
      records.sort(function (a, b) { return a.id - b.id; }).forEach(function (record) {
        chain = chain.then(function () { return sendInspection(ctx, record.id); });
      });
      return chain;
    }).then(function () { return "done"; }, function (error) {
      if (error instanceof Failure) return error.kind;
      throw error;
    });
  }

  function run(ctx) {
    if (!ctx.token) return Promise.resolve(AUTH);
    if (root.navigator && navigator.locks) {
      return navigator.locks.request("hygiene-field-queue", function () { return runUnlocked(ctx); });
    }
    return runUnlocked(ctx);
  }

  root.FieldQueue = {run: run, waiting: waiting, waitingOf: waitingOf, isRefused: isRefused, call: call, Failure: Failure,
                     RETRY: RETRY, AUTH: AUTH, STOPPED: STOPPED};
})(self);
