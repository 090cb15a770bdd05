// The Language Server Protocol's base framing over a child's stdio (Content-Length headers,
// JSON-RPC 2.0 bodies), for the scripts that drive the server without a client library:
// bench/run.mjs and scripts/code-cache.mjs.

/** Writes one message (`jsonrpc` added) to a writable stream. */
export function send(stream, msg) {
  const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
  stream.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Calls `onMessage` with each message read from a readable stream. */
export function onMessages(stream, onMessage) {
  let buf = Buffer.alloc(0);
  stream.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const sep = buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, sep).toString())[1]);
      if (buf.length < sep + 4 + len) return;
      const msg = JSON.parse(buf.subarray(sep + 4, sep + 4 + len).toString());
      buf = buf.subarray(sep + 4 + len);
      onMessage(msg);
    }
  });
}
