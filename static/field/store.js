/* The field app's IndexedDB: downloaded inspections with the answers typed on this device, the
   photos waiting to go up, and the API token. Works in the page and in the service worker. */
(function (root) {
  "use strict";
  var VERSION = 1;

  function open(userId) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("hygiene-field-" + userId, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("meta", {keyPath: "key"});
        db.createObjectStore("inspections", {keyPath: "id"});
        db.createObjectStore("photos", {keyPath: "client_id"}).createIndex("inspection", "inspection_id");
      };
      request.onsuccess = function () { resolve(new Store(request.result)); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function Store(db) { this.db = db; }

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  Store.prototype.tx = function (name, mode) {
    return this.db.transaction(name, mode || "readonly").objectStore(name);
  };
  Store.prototype.get = function (name, key) { return done(this.tx(name).get(key)); };
  Store.prototype.all = function (name) { return done(this.tx(name).getAll()); };
  Store.prototype.put = function (name, value) { return done(this.tx(name, "readwrite").put(value)); };
  Store.prototype.remove = function (name, key) { return done(this.tx(name, "readwrite").delete(key)); };
  Store.prototype.photosOf = function (inspectionId) {
    return done(this.tx("photos").index("inspection").getAll(inspectionId));
  };

  // read, change and write one record in one transaction: fn(record) returns the new record
  // (or undefined to leave it), so a change made meanwhile by the other side is never lost
  Store.prototype.update = function (name, key, fn) {
    var store = this.tx(name, "readwrite");
    return new Promise(function (resolve, reject) {
      var read = store.get(key);
      read.onsuccess = function () {
        var changed = fn(read.result);
        if (changed === undefined) { resolve(read.result); return; }
        var write = store.put(changed);
        write.onsuccess = function () { resolve(changed); };
        write.onerror = function () { reject(write.error); };
      };
      read.onerror = function () { reject(read.error); };
    });
  };

  Store.prototype.meta = function (key) {
    return this.get("meta", key).then(function (row) { return row ? row.value : null; });
  };
  Store.prototype.setMeta = function (key, value) { return this.put("meta", {key: key, value: value}); };

  root.FieldStore = {open: open};
})(self);
