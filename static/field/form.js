/* One inspection filled on the phone: items with pass / fail / not applicable, findings, grade,
   note and photos; conflicts with the server to settle; the submission. Each change is kept in
   IndexedDB at once and goes up when it can (app.js, queue.js). */
(function () {
  "use strict";
  var A = function () { return window.FieldApp; };
  var RESULTS = ["pass", "fail", "na"];

  function items(r) {
    var list = [];
    r.checklist.sections.forEach(function (s) { s.items.forEach(function (i) { list.push(i); }); });
    return list;
  }
  function answered(r) {
    return items(r).filter(function (i) { var a = r.local.answers[i.id]; return a && a.result; }).length;
  }
  function locked(r) { return !!(r.local.blocked && r.local.blocked !== "invalid" && r.local.blocked !== "conflict") || !!r.local.submit; }
  function stateText(r) {
    var W = A().W, b = r.local.blocked;
    if (b === "cancelled") return W.cancelled;
    if (b === "not_assigned" || b === "not_open") return W[b];
    if (r.local.submit) return r.local.submit.state === "done" ? W.submitted : W.submitted_waiting;
    return "";
  }
  function describe(a) {
    var W = A().W;
    if (!a || !a.result) return W.not_answered;
    var text = W[a.result] || a.result;
    if (a.result === "fail" && Number(a.findings) > 1) text += " ×" + a.findings;
    if (a.grade !== null && a.grade !== undefined && a.grade !== "") text += " · " + W.grade + " " + a.grade;
    if (a.note) text += " · " + a.note;
    return text;
  }

  var drawn = null;
  function signature(r, photos) {
    return JSON.stringify([r.id, r.etag, r.status, r.local.blocked, r.local.submit, r.local.conflicts, r.local.problems,
      r.local.error, r.local.refused, photos.map(function (p) { return p.client_id + p.state; })]);
  }

  function draw(id, waiting) {
    var store = A().store();
    return Promise.all([store.get("inspections", id), store.photosOf(id)]).then(function (both) {
      var r = both[0], box = document.getElementById("inspection");
      if (!r) { location.hash = ""; return; }
      var sig = signature(r, both[1]);
      if (sig === drawn && box.firstChild) {  // only the counts moved: leave what is being typed alone
        box.replaceChild(foot(r, waiting.byInspection[id] || 0), box.lastChild);
        return;
      }
      drawn = sig;
      var active = document.activeElement, focus = active && box.contains(active) && active.name, at = window.scrollY;
      var typing = typedNow(box, active), caret = caretOf(active);
      box.textContent = "";
      box.appendChild(head(r));
      var problems = {};
      (r.local.problems || []).forEach(function (p) { problems[p.item_id] = p.message; });
      Object.keys(r.local.refused || {}).forEach(function (itemId) {
        if (FieldQueue.isRefused(r, itemId)) problems[itemId] = A().t("not_saved", {reason: r.local.refused[itemId].message});
      });
      var conflicts = {};
      (r.local.blocked === "conflict" ? r.local.conflicts : []).forEach(function (c) { conflicts[c.item_id] = c.server; });
      r.checklist.sections.forEach(function (section) {
        box.appendChild(A().el("h2", {text: section.title}));
        section.items.forEach(function (item) {
          box.appendChild(itemBox(r, item, both[1], problems[item.id], conflicts[item.id]));
        });
      });
      box.appendChild(foot(r, waiting.byInspection[id] || 0));
      Object.keys(typing).forEach(function (name) {
        var field = box.querySelector("[name='" + name + "']");
        if (field && !field.disabled) field.value = typing[name];
      });
      if (focus) {
        var again = box.querySelector("[name='" + focus + "']");
        if (again && again.type !== "radio") { again.focus(); caretTo(again, caret); }
      }
      window.scrollTo(0, at);
    });
  }

  function head(r) {
    var el = A().el, t = A().t, W = A().W, state = stateText(r);
    return el("div", {class: "head"}, [
      el("h1", {text: r.target_label}),
      el("p", {class: "muted", text: r.checklist.name + " · " + t("due", {date: r.due_date})}),
      r.review_comment ? el("p", {class: "review", text: t("sent_back", {comment: r.review_comment})}) : null,
      state ? el("p", {class: "alert " + (r.local.blocked ? "stop" : "ok"), id: "state",
                       text: r.local.blocked === "cancelled" ? W.cancelled_detail : state}) : null,
      r.local.blocked === "conflict" ? el("p", {class: "alert warn", id: "conflict", text: W.conflict}) : null,
      r.local.error ? el("p", {class: "alert stop", text: t("refused", {reason: r.local.error})}) : null,
    ]);
  }

  function itemBox(r, item, photos, problem, conflict) {
    var el = A().el, t = A().t, W = A().W, a = r.local.answers[item.id] || {}, off = locked(r) || !!conflict;
    var box = el("fieldset", {class: "item" + (problem ? " problem" : "") + (conflict ? " conflict" : ""), "data-item": String(item.id)}, [
      el("legend", {text: item.text}),
      el("p", {class: "muted", text: t("points", {points: item.points}) + (item.veto ? " · " + W.veto : "") +
        (item.photo_on_fail ? " · " + W.photo_on_fail : "")}),
      item.guidance ? el("p", {class: "guidance", text: item.guidance}) : null,
    ]);
    var choices = el("div", {class: "choices"});
    RESULTS.forEach(function (value) {
      if (value === "na" && item.veto) return;
      var input = el("input", {type: "radio", name: "result_" + item.id, value: value});
      input.checked = a.result === value; input.disabled = off;
      choices.appendChild(el("label", {class: "choice choice-" + value}, [input, document.createTextNode(" " + W[value])]));
    });
    box.appendChild(choices);
    if (item.scoring === "deduction") box.appendChild(number(item, "findings", a.findings || 0, {min: "0", max: "999", step: "1"}, off));
    if (item.scoring === "grade") box.appendChild(number(item, "grade", a.grade === null || a.grade === undefined ? "" : a.grade,
      {min: "0", max: String(item.points), step: "any"}, off));
    var note = el("textarea", {name: "note_" + item.id, rows: "2", maxlength: "2000"});
    note.value = a.note || ""; note.disabled = off;
    box.appendChild(el("label", {class: "note"}, [document.createTextNode(W.note), note]));
    box.appendChild(photoRow(r, item, photos, off));
    if (problem) box.appendChild(el("p", {class: "alert stop item-problem", text: problem}));
    box.appendChild(el("p", {class: "alert stop input-problem", hidden: ""}));
    box.appendChild(el("p", {class: "alert stop check-problem", hidden: ""}));
    if (conflict) box.appendChild(conflictBox(r, item, a, conflict));
    box.addEventListener("change", function (e) { if (e.target.type !== "file") save(r.id, item.id, box); });
    box.addEventListener("input", function (e) { if (e.target.tagName === "TEXTAREA") typed(r.id, item.id, box); });
    return box;
  }

  function number(item, name, value, limits, off) {
    var el = A().el, input = el("input", Object.assign({type: "number", name: name + "_" + item.id,
      inputmode: name === "grade" ? "decimal" : "numeric"}, limits));
    input.value = value; input.disabled = off;
    return el("label", {class: "inline-field"}, [document.createTextNode(A().W[name] + " "), input]);
  }

  function photoRow(r, item, photos, off) {
    var el = A().el, W = A().W, row = el("div", {class: "photos"});
    photos.filter(function (p) { return p.item_id === item.id; }).forEach(function (p) {
      row.appendChild(p.width === null ? tile(p) : thumb(p));
      if (p.state === "refused") row.appendChild(el("p", {class: "alert stop", text: A().t("photo_refused", {reason: p.error || ""})}));
    });
    var done = (r.photos || []).filter(function (p) {
      return p.item_id === item.id && !photos.some(function (mine) { return mine.client_id === p.client_id; });
    }).length;
    if (done) row.appendChild(el("span", {class: "muted", text: "📷 ×" + done}));
    if (!off) {
      var input = el("input", {type: "file", accept: "image/*", capture: "environment", name: "photo_" + item.id, multiple: ""});
      input.addEventListener("change", function () { addPhotos(r.id, item.id, input.files); });
      row.appendChild(el("label", {class: "photo-input"}, [document.createTextNode(W.add_photo), input]));
    }
    return row;
  }

  function thumb(p) {  // a picture this browser decoded; a tile should it fail to show after all
    var img = A().el("img", {alt: A().W.photo_kept, width: "72", height: "72", class: "thumb " + p.state});
    img.src = URL.createObjectURL(p.blob);
    img.addEventListener("load", function () { URL.revokeObjectURL(img.src); });
    img.addEventListener("error", function () { URL.revokeObjectURL(img.src); img.replaceWith(tile(p)); });
    return img;
  }

  function tile(p) {  // HEIC and the like: kept as taken, shown by name, converted by the server
    var el = A().el, name = p.name || A().W.photo_kept;
    return el("div", {class: "thumb tile " + p.state, title: name, role: "img", "aria-label": name}, [
      el("span", {class: "tile-name", text: name}), el("span", {class: "tile-note", text: A().W.photo_later})]);
  }

  function conflictBox(r, item, mine, server) {
    var el = A().el, W = A().W;
    var keep = el("button", {type: "button", class: "keep-mine", text: W.keep_mine});
    var take = el("button", {type: "button", class: "take-server", text: W.take_server});
    keep.addEventListener("click", function () { settle(r.id, item.id, false); });
    take.addEventListener("click", function () { settle(r.id, item.id, true); });
    return el("div", {class: "conflict-choice"}, [
      el("p", {text: A().t("mine", {answer: describe(mine)})}), el("p", {text: A().t("server", {answer: describe(server)})}),
      keep, take]);
  }

  function values(box, itemId) {
    var pick = box.querySelector("input[name=result_" + itemId + "]:checked");
    var findings = box.querySelector("input[name=findings_" + itemId + "]");
    var grade = box.querySelector("input[name=grade_" + itemId + "]");
    return {result: pick ? pick.value : null, findings: findings ? Number(findings.value || 0) : 0,
            grade: grade && grade.value !== "" ? grade.value : null,
            note: box.querySelector("textarea[name=note_" + itemId + "]").value};
  }

  // the grade box's own bounds (0..points), checked before anything is kept; the server checks the rest
  function badGrade(box, itemId) {
    var grade = box.querySelector("input[name=grade_" + itemId + "]"), shown = box.querySelector(".input-problem");
    var bad = !!grade && grade.value === "" && grade.validity.badInput ||
      !!grade && grade.value !== "" && (!isFinite(Number(grade.value)) || Number(grade.value) < 0 ||
                                        Number(grade.value) > Number(grade.max));
    shown.textContent = bad ? A().t("grade_bounds", {points: grade.max}) : "";
    shown.hidden = !bad;
    box.classList.toggle("problem", bad);
    return bad;
  }

  function save(id, itemId, box) {
    box.querySelector(".check-problem").hidden = true;
    if (badGrade(box, itemId)) return Promise.resolve();
    var fresh = values(box, itemId);
    return A().store().update("inspections", id, function (r) {
      if (!r || locked(r)) return undefined;
      var old = r.local.answers[itemId] || {};
      r.local.answers[itemId] = Object.assign({}, old, fresh, {item_id: itemId, base_updated_at: old.base_updated_at || null});
      r.local.dirty[itemId] = (r.local.dirty[itemId] || 0) + 1;
      if (r.local.blocked === "invalid") { r.local.blocked = null; r.local.error = null; }
      if (r.local.problems) r.local.problems = r.local.problems.filter(function (p) { return p.item_id !== itemId; });
      if (r.local.refused) delete r.local.refused[itemId];
      return r;
    }).then(function () { A().changed(); });
  }

  // A redraw (a send came back, a refusal, a conflict) builds the form again from what is kept;
  // what is being typed is not kept yet (a note waits TYPING_MS, a grade its change): the field in
  // use and every note whose save still waits keep what was typed, the caret where it was.
  function typedNow(box, active) {
    var typing = {};
    Array.prototype.forEach.call(box.querySelectorAll("textarea[name], input[name]"), function (field) {
      if (field.type === "radio" || field.type === "checkbox" || field.type === "file") return;
      var itemId = field.name.split("_").pop();
      if (field === active || field.tagName === "TEXTAREA" && timers[itemId]) typing[field.name] = field.value;
    });
    return typing;
  }
  function caretOf(field) {
    try { return field && field.selectionStart !== null ? [field.selectionStart, field.selectionEnd] : null; }
    catch (e) { return null; }  // number inputs have no caret to ask for
  }
  function caretTo(field, caret) {
    if (!caret) return;
    try { field.setSelectionRange(caret[0], caret[1]); } catch (e) { /* a number input: none */ }
  }

  var TYPING_MS = 700, timers = {};
  function typed(id, itemId, box) {
    clearTimeout(timers[itemId]);
    timers[itemId] = setTimeout(function () { delete timers[itemId]; save(id, itemId, box); }, TYPING_MS);
  }

  function settle(id, itemId, takeServer) {
    return A().store().update("inspections", id, function (r) {
      var conflict = r.local.conflicts.filter(function (c) { return c.item_id === itemId; })[0];
      if (!conflict) return undefined;
      if (takeServer) {
        r.local.answers[itemId] = Object.assign({}, conflict.server, {base_updated_at: conflict.server.updated_at});
        delete r.local.dirty[itemId];
      } else {
        r.local.answers[itemId].base_updated_at = conflict.server.updated_at;  // mine, knowing theirs
      }
      r.local.conflicts = r.local.conflicts.filter(function (c) { return c.item_id !== itemId; });
      if (!r.local.conflicts.length) r.local.blocked = null;
      return r;
    }).then(function () { A().changed(); });
  }

  function addPhotos(id, itemId, files) {
    var store = A().store(), list = Array.prototype.slice.call(files || []);
    return list.reduce(function (chain, file) {
      return chain.then(function () { return FieldPhoto.prepare(file); }).then(function (ready) {
        return store.put("photos", {client_id: A().uuid(), inspection_id: id, item_id: itemId, blob: ready.blob, name: file.name,
                                    width: ready.width, height: ready.height, shrunk: ready.shrunk,
                                    size: ready.blob.size, original_size: file.size, state: "waiting", taken: Date.now()});
      });
    }, Promise.resolve()).then(function () { A().changed(); });
  }

  // what the server would refuse at submission (fieldwork.inspection_problems), as far as the phone
  // knows: unchecked items, a veto item not applicable, a failed item that needs a photo and has none
  function notReady(r, photos) {
    var W = A().W;
    return items(r).map(function (item) {
      var a = r.local.answers[item.id], result = a && a.result;
      if (!result) return {item_id: item.id, message: W.not_checked};
      if (item.veto && result === "na") return {item_id: item.id, message: W.veto_unchecked};
      if (item.photo_on_fail && result === "fail" && !hasPhoto(r, item.id, photos))
        return {item_id: item.id, message: W.fail_photo};
      return null;
    }).filter(Boolean);
  }
  function hasPhoto(r, itemId, photos) {
    return photos.some(function (p) { return p.item_id === itemId && p.state !== "refused"; }) ||
      (r.photos || []).some(function (p) { return p.item_id === itemId; });
  }
  function showProblems(found) {
    var by = {};
    found.forEach(function (p) { by[p.item_id] = p.message; });
    document.querySelectorAll("#inspection fieldset.item").forEach(function (box) {
      var shown = box.querySelector(".check-problem"), text = by[box.dataset.item] || "";
      shown.textContent = text; shown.hidden = !text;
    });
  }

  function foot(r, waiting) {
    var el = A().el, t = A().t, W = A().W, total = items(r).length, n = answered(r), score = r.local.score;
    var box = el("div", {class: "foot"}, [
      el("p", {id: "answered", text: t("answered", {n: n, total: total})}),
      el("p", {id: "score", class: "muted", text: score && score.score !== null && score.score !== undefined
        ? t("server_score", {score: score.score, grade: score.grade || ""}) : W.score_later}),
      waiting ? el("p", {class: "pill busy", text: t("waiting", {n: waiting})}) : null,
    ]);
    if (locked(r) || r.local.blocked) return box;
    var message = el("p", {class: "alert stop", id: "submit-message", hidden: ""});
    var submit = el("button", {type: "button", class: "primary", id: "submit", text: W.submit});
    var sure = el("button", {type: "button", class: "danger", id: "submit-confirm", text: W.submit, hidden: ""});
    var question = el("p", {id: "submit-question", text: W.submit_confirm, hidden: ""});
    submit.addEventListener("click", function () {
      var store = A().store();  // read again: what was typed a moment ago may be newer than this drawing
      Promise.all([store.get("inspections", r.id), store.photosOf(r.id)]).then(function (both) {
        var found = notReady(both[0], both[1]), unchecked = total - answered(both[0]);
        showProblems(found);
        if (found.length) {
          message.textContent = unchecked === found.length ? t("unanswered", {n: unchecked}) : t("fix_first", {n: found.length});
          message.hidden = false;
          var first = document.querySelector("#inspection fieldset.item[data-item='" + found[0].item_id + "']");
          if (first) first.scrollIntoView({block: "center"});
          return;
        }
        message.hidden = true; submit.hidden = true; question.hidden = false; sure.hidden = false;
      });
    });
    sure.addEventListener("click", function () {
      A().store().update("inspections", r.id, function (rec) {
        if (rec.local.submit) return undefined;
        rec.local.submit = {key: A().uuid(), state: "waiting"};  // made once, at the tap: a resend repeats it
        rec.local.problems = null; rec.local.error = null;
        return rec;
      }).then(function () { A().changed(); });
    });
    [message, submit, question, sure].forEach(function (node) { box.appendChild(node); });
    return box;
  }

  window.FieldForm = {draw: draw, items: items, answered: answered, stateText: stateText};
})();
