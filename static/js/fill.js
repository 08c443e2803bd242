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
    fieldset.querySelectorAll("input[type=number]").forEach(function (input) {
      if (state === "error") input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
    var old = fieldset.querySelector(".save-state");
    if (old) old.remove();
    if (message) {
      var p = document.createElement("p");
      p.className = "save-state " + (state === "error" ? "error" : "muted");
      p.textContent = message;
      // beside the inputs it is about, not below the photos
      fieldset.insertBefore(p, fieldset.querySelector("label.note"));
    }
  }

  // The JSON of a response, or {error: ...} when it is none (a proxy's page, a cut connection).
  function readJson(r) {
    return r.json().catch(function () { return {error: "HTTP " + r.status}; })
      .then(function (d) { return {ok: r.ok, status: r.status, data: d}; });
  }

  function save(fieldset) {
    fetch(form.dataset.autosave, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify(itemValues(fieldset))})
      .then(readJson)
      .then(function (res) {
        // a refusal carries the score of what the server still holds: show that one
        if (res.data.score !== undefined) showScore(res.data);
        if (res.ok) { setState(fieldset, "saved", ""); }
        else { setState(fieldset, "error", res.data.unsaved || res.data.error); }
      })
      .catch(function () { setState(fieldset, "error", form.dataset.msgOffline); });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.item");
    if (event.target.type === "file") { upload(event.target, fieldset); return; }
    if (!fieldset) return;
    clearTimeout(timers[fieldset.dataset.item]);
    timers[fieldset.dataset.item] = setTimeout(function () { save(fieldset); }, 300);
  });

  // A failed upload keeps the chosen photo in its input and says so beside it, with a retry.
  function uploadProblem(label, message, retry, file) {
    var box = label.parentNode;
    var old = box.querySelector(".upload-state");
    if (old) old.remove();
    if (!message) return;
    var p = document.createElement("p");
    p.className = "upload-state error";
    p.setAttribute("role", "alert");
    if (file && window.URL && URL.createObjectURL) {  // the photo waiting to be sent, seen
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file); img.alt = file.name;
      p.appendChild(img);
    }
    p.appendChild(document.createTextNode(message + " "));
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "retry";
      button.textContent = form.dataset.msgRetry;
      button.addEventListener("click", retry);
      p.appendChild(button);
    }
    label.parentNode.insertBefore(p, label.nextSibling);
  }

  function showPhoto(label, data) {
    var strip = label.parentNode.querySelector(".photos");
    if (!strip) { strip = document.createElement("div"); strip.className = "photos"; label.parentNode.insertBefore(strip, label); }
    var a = document.createElement("a");
    a.href = data.display; a.className = "thumb"; a.target = "_blank";
    var img = document.createElement("img");
    img.src = data.thumb; img.width = 96; img.height = 96; img.alt = "";
    a.appendChild(img); strip.appendChild(a);
  }

  function upload(input, fieldset) {
    if (!input.files.length) return;
    var file = input.files[0];
    var label = input.closest("label");
    var limit = Number(form.dataset.photoMaxBytes);
    if (limit && file.size > limit) {
      input.value = "";  // never sent: it would be refused, and the form post with it too
      uploadProblem(label, form.dataset.msgTooLarge.replace("{size}", (Math.ceil(file.size / 104857.6) / 10).toFixed(1)));
      return;
    }
    var data = new FormData();
    data.append("photo", file);
    if (fieldset) data.append("item_id", fieldset.dataset.item);
    var again = function () { upload(input, fieldset); };
    label.classList.add("busy");
    uploadProblem(label, "");
    fetch(form.dataset.photos, {method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": token, "Accept": "application/json"}, body: data})
      .then(readJson)
      .then(function (res) {
        label.classList.remove("busy");
        if (!res.ok) {
          // refused for what it is (not a photo, too large): sending it again would not help
          var refused = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
          if (refused) input.value = "";
          uploadProblem(label, refused ? res.data.error : form.dataset.msgUploadFailed,
                        refused ? null : again, refused ? null : file);
          return;
        }
        input.value = "";  // uploaded: the final form post must not send it again
        showPhoto(label, res.data);
      })
      .catch(function () {
        label.classList.remove("busy");
        uploadProblem(label, form.dataset.msgUploadFailed, again, file);
      });
  }

  // A link to an item (the list of what still needs attention), the browser's own validation
  // bubble and a focused field must land below the sticky score bar and above the buttons.
  function keepClearOfBars() {
    var bar = form.querySelector(".scorebar"), actions = form.querySelector(".sticky-actions");
    var root = document.documentElement.style;
    if (bar) root.scrollPaddingTop = (bar.offsetHeight + 8) + "px";
    if (actions) root.scrollPaddingBottom = (actions.offsetHeight + 8) + "px";
  }
  keepClearOfBars();
  window.addEventListener("resize", keepClearOfBars);

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
