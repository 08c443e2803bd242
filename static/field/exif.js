/* Carrying a photo's EXIF (capture time, GPS: the server's evidence) over to the smaller JPEG the
   canvas makes, which has none. The original's APP1 "Exif" segment is copied in whole, with its
   Orientation set to 1: the canvas drew the picture upright already. */
(function (root) {
  "use strict";
  var SOI = 0xd8, SOS = 0xda, APP0 = 0xe0, APP1 = 0xe1, ORIENTATION = 0x0112;

  function isExif(bytes, at) {  // "Exif\0\0" after the marker and the length
    return bytes[at + 4] === 0x45 && bytes[at + 5] === 0x78 && bytes[at + 6] === 0x69 &&
      bytes[at + 7] === 0x66 && bytes[at + 8] === 0 && bytes[at + 9] === 0;
  }

  // the segments before the image data: [{marker, start, end}], or null when it is no JPEG
  function segments(bytes) {
    if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return null;
    var list = [], at = 2;
    while (at + 4 <= bytes.length && bytes[at] === 0xff) {
      var marker = bytes[at + 1];
      if (marker === SOS) break;
      var end = at + 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
      if (end > bytes.length) return null;
      list.push({marker: marker, start: at, end: end});
      at = end;
    }
    return list;
  }

  // the APP1 Exif segment of a JPEG (marker and length included), or null
  function app1(buffer) {
    var bytes = new Uint8Array(buffer), list = segments(bytes) || [];
    for (var i = 0; i < list.length; i++) {
      if (list[i].marker === APP1 && isExif(bytes, list[i].start)) return bytes.slice(list[i].start, list[i].end);
    }
    return null;
  }

  // a copy of the segment whose IFD0 Orientation (if any) says 1, upright
  function upright(segment) {
    var copy = segment.slice(), tiff = 10, view = new DataView(copy.buffer);
    if (copy.length < tiff + 8) return copy;
    var little = view.getUint16(tiff) === 0x4949;
    var ifd = tiff + view.getUint32(tiff + 4, little);
    if (ifd + 2 > copy.length) return copy;
    var count = view.getUint16(ifd, little);
    for (var i = 0; i < count; i++) {
      var entry = ifd + 2 + i * 12;
      if (entry + 12 > copy.length) break;
      if (view.getUint16(entry, little) === ORIENTATION) view.setUint16(entry + 8, 1, little);
    }
    return copy;
  }

  // the JPEG with `segment` placed right after its start marker (its JFIF APP0 dropped: an Exif
  // file has none)
  function insert(buffer, segment) {
    var bytes = new Uint8Array(buffer), list = segments(bytes);
    if (!list) return bytes;
    var skip = list.length && list[0].marker === APP0 ? list[0].end : 2;
    var out = new Uint8Array(2 + segment.length + bytes.length - skip);
    out.set(bytes.subarray(0, 2), 0);
    out.set(segment, 2);
    out.set(bytes.subarray(skip), 2 + segment.length);
    return out;
  }

  root.FieldExif = {app1: app1, upright: upright, insert: insert};
})(self);
