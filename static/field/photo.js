/* A photo made ready on the phone: downscaled to the display size the server keeps (1600 px on
   the long side, JPEG ~0.8) with the original's EXIF carried over (exif.js), or the original as
   taken when this browser cannot decode it (HEIC on Chrome for Android: the server converts it). */
(function (root) {
  "use strict";
  var LONG_SIDE = 1600, QUALITY = 0.8;

  function decode(file) {
    return createImageBitmap(file, {imageOrientation: "from-image"});
  }

  function encode(bitmap, width, height) {
    if (root.OffscreenCanvas) {
      var canvas = new OffscreenCanvas(width, height);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
      return canvas.convertToBlob({type: "image/jpeg", quality: QUALITY});
    }
    var element = document.createElement("canvas");
    element.width = width; element.height = height;
    element.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    return new Promise(function (resolve) { element.toBlob(resolve, "image/jpeg", QUALITY); });
  }

  // {blob, width, height, shrunk}: shrunk false means the original is kept as taken
  function prepare(file) {
    var original = {blob: file, width: null, height: null, shrunk: false};
    return file.arrayBuffer().then(function (buffer) {
      return decode(file).then(function (bitmap) {
        var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
        var exif = FieldExif.app1(buffer);
        if (scale === 1 && /jpe?g/i.test(file.type || "")) {  // small already: nothing to gain
          bitmap.close();
          return {blob: file, width: bitmap.width, height: bitmap.height, shrunk: false};
        }
        var width = Math.round(bitmap.width * scale), height = Math.round(bitmap.height * scale);
        return encode(bitmap, width, height).then(function (small) {
          bitmap.close();
          if (!exif) return {blob: small, width: width, height: height, shrunk: true};
          return small.arrayBuffer().then(function (bytes) {
            var jpeg = FieldExif.insert(bytes, FieldExif.upright(exif));
            return {blob: new Blob([jpeg], {type: "image/jpeg"}), width: width, height: height, shrunk: true};
          });
        });
      }, function () { return original; });
    });
  }

  root.FieldPhoto = {prepare: prepare, LONG_SIDE: LONG_SIDE};
})(self);
