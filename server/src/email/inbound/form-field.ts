/**
 * One field of a multipart/form-data body, as bytes (inbound-parse relays post the raw
 * message in a field named `email`). Null when the body has no such field. Linear in the
 * body; the body is already size-limited by the guard.
 */
export function formField(body: Buffer, contentType: string, name: string): Buffer | null {
  const boundary = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') return null; // the closing delimiter
    const next = body.indexOf(delimiter, start);
    if (next === -1) return null;
    const part = body.subarray(start, next);
    const headEnd = part.indexOf('\r\n\r\n');
    const sep = headEnd !== -1 ? 4 : 2;
    const split = headEnd !== -1 ? headEnd : part.indexOf('\n\n');
    if (split !== -1) {
      const head = part.subarray(0, split).toString('latin1');
      const field = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/i.exec(head)?.[1];
      if (field === name) {
        let content = part.subarray(split + sep);
        // The line break before the next delimiter belongs to the delimiter.
        if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
        else if (content.subarray(-1).toString() === '\n') content = content.subarray(0, -1);
        return content;
      }
    }
    at = next;
  }
  return null;
}
