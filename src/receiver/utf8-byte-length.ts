/**
 * The size of `text` in UTF-8, as `Buffer.byteLength` gives it, counted without Node's `Buffer` and
 * without encoding a copy, so that an oversized body costs no allocation. A lone surrogate counts
 * as the 3 bytes of U+FFFD, which is what encoders write for it.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}
