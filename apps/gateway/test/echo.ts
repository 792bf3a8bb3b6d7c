import { join } from 'node:path';
import { Proc, start } from '@behalf/testing';

/** The echo upstream (HTTP, SSE, websockets), as its own process. */
export async function startEcho(name: string): Promise<{ proc: Proc; url: string }> {
  const proc = start(process.execPath, [join(__dirname, 'fixtures/echo-app.mjs'), '0', name], {});
  const [, port] = await proc.waitFor(/echo on (\d+)/);
  return { proc, url: `http://127.0.0.1:${port}` };
}
