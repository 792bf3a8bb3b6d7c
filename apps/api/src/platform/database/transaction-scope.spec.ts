import { setImmediate as tick } from 'node:timers/promises';
import { ambientTransaction, inTransactionScope, transactionScope, type Unit } from './transaction-scope';

function unitOf(owner: object, name: string): Unit {
  return { owner, tx: { name } as never, afterCommit: new Map() };
}

describe('inTransactionScope', () => {
  const owner = {};

  it('gives each concurrent unit its own transaction across awaits, and only to its own client', async () => {
    const seen: string[] = [];
    const work = (name: string) => async () => {
      await tick();
      await new Promise((r) => setTimeout(r, 5));
      seen.push(`${name}:${(ambientTransaction(owner) as unknown as { name: string }).name}`);
      expect(ambientTransaction({})).toBeUndefined();
      return name;
    };
    const results = await Promise.all([inTransactionScope(unitOf(owner, 'a'), work('a')), inTransactionScope(unitOf(owner, 'b'), work('b'))]);
    expect(results).toEqual(['a', 'b']);
    expect(seen.sort()).toEqual(['a:a', 'b:b']);
    expect(ambientTransaction(owner)).toBeUndefined();
  });

  it('switches the storage off once the last unit ends, and on again for the next one', async () => {
    let later: (() => void) | undefined;
    let storeAfterEnd: unknown = 'unread';
    await inTransactionScope(unitOf(owner, 'first'), async () => {
      // A continuation created inside the unit that runs only after it ended.
      void new Promise<void>((resolve) => (later = resolve)).then(() => (storeAfterEnd = transactionScope.getStore()));
      await tick();
    });
    const first = inTransactionScope(unitOf(owner, 'second'), async () => {
      await tick();
      return (ambientTransaction(owner) as unknown as { name: string }).name;
    });
    expect(await first).toBe('second');
    later?.();
    await tick();
    // Left on, the storage would still hand the ended unit to that continuation.
    expect(storeAfterEnd).toBeUndefined();
  });

  it('keeps the storage on while another unit is still open, and ends it even when the work throws', async () => {
    let release: () => void = () => undefined;
    const long = inTransactionScope(unitOf(owner, 'long'), async () => {
      await new Promise<void>((r) => (release = r));
      return (ambientTransaction(owner) as unknown as { name: string }).name;
    });
    await expect(
      inTransactionScope(unitOf(owner, 'failing'), async () => {
        await tick();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    release();
    expect(await long).toBe('long');
    expect(ambientTransaction(owner)).toBeUndefined();
  });
});
