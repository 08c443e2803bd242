// Progressive enhancement of the field form: every change is saved as the inspector goes,
// photos upload as soon as they are taken, and the score shown comes back from the server.
// Without this script the form still works: "Save draft" and "Submit" post everything.
(function () {
  "use strict";
  var form = document.getElementById("fill-form");
  if (!form || !window.fetch) return;
  var token = form.querySelector("input[name=csrf_token]").value;
  var timers = {};

  function itemValues(fieldset) {
    var id = fieldset.dataset.item;
    var checked = fieldset.querySelector("input[name=result_" + id + "]:checked");
    var findings = fieldset.querySelector("input[name=findings_" + id + "]");
    var grade = fieldset.querySelector("input[name=grade_" + id + "]");
    var note = fieldset.querySelector("textarea[name=note_" + id + "]");
    return {item_id: Number(id), result: checked ? checked.value : null,
            findings: findings ? findings.value : 0, grade: grade && grade.value !== "" ? grade.value : null,
            note: note ? note.value : ""};
  }

  function showScore(data) {
    document.getElementById("live-score").textContent = data.score === null ? "—" : data.score;
    document.getElementById("live-grade").textContent = data.grade || "";
    document.getElementById("live-answered").textContent = data.answered;
  }

  function setState(fieldset, state, message) {
    fieldset.dataset.state = state;
    var old = fieldset.querySelector(".save-state");
    if (old) old.remove();
    if (message) {
      var p = document.createElement("p");
      p.className = "save-state " + (state === "error" ? "error" : "muted");
      p.textContent = message;
      fieldset.appendChild(p);
    }
  }

  function save(fieldset) {
    fetch(form.dataset.autosave, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token},
      body: JSON.stringify(itemValues(fieldset))})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, data: d}; }); })
      .then(function (res) {
        if (res.ok) { showScore(res.data); setState(fieldset, "saved", ""); }
        else { setState(fieldset, "error", res.data.error); }
      })
      .catch(function () { setState(fieldset, "error", form.dataset.offline || "未保存：网络不通，稍后点“保存草稿”。"); });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.item");
    if (event.target.type === "file") { upload(event.target, fieldset); return; }
    if (!fieldset) return;
    clearTimeout(timers[fieldset.dataset.item]);
    timers[fieldset.dataset.item] = setTimeout(function () { save(fieldset); }, 300);
  });

  function upload(input, fieldset) {
    if (!input.files.length) return;
    var data = new FormData();
    data.append("photo", input.files[0]);
    if (fieldset) data.append("item_id", fieldset.dataset.item);
    var label = input.closest("label");
    label.classList.add("busy");
    fetch(form.dataset.photos, {method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": token}, body: data})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, data: d}; }); })
      .then(function (res) {
        label.classList.remove("busy");
        if (!res.ok) { alert(res.data.error); return; }
        input.value = "";  // uploaded: the final form post must not send it again
        var strip = label.parentNode.querySelector(".photos");
        if (!strip) { strip = document.createElement("div"); strip.className = "photos"; label.parentNode.insertBefore(strip, label); }
        var a = document.createElement("a");
        a.href = res.data.display; a.className = "thumb"; a.target = "_blank";
        var img = document.createElement("img");
        img.src = res.data.thumb; img.width = 96; img.height = 96; img.alt = "";
        a.appendChild(img); strip.appendChild(a);
      })
      .catch(function () { label.classList.remove("busy"); });
  }

  // A double tap must not send two submissions; the server would take only one anyway.
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    if (button && button.value === "submit") {
      form.dataset.sent = "1";
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });
})();
