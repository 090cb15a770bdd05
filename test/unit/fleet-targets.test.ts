/** The fleet's target list (located problems) and its sharding (no overlap, no loss, order-independent). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inShard, parseShardSpec, parseTargetList, shardFromIndex, targetKey } from '../../server/src/core/probe/fleet';
import { resolveShard } from '../../server/src/cli/fleet';
import { prng } from '../support/random';

describe('target list', () => {
  test('host[:port] [sni], comments, blank lines, CRLF, a BOM; the line of each target kept', () => {
    const list = parseTargetList('\uFEFF# the shop\r\nshop.example.com\r\n\r\n  api.example.com:8443   api.internal  # behind the LB\r\n[2001:db8::1]:443 v6.example.com\nhttps://www.example.com/path\n10.0.0.7 names.example.com\n', 'hosts.txt');
    assert.deepEqual(list.problems, []);
    assert.deepEqual(
      list.targets.map((t) => [t.line, t.target.host, t.target.port, t.target.sni, t.input]),
      [
        [2, 'shop.example.com', 443, undefined, 'shop.example.com'],
        [4, 'api.example.com', 8443, 'api.internal', 'api.example.com:8443 api.internal'],
        [5, '2001:db8::1', 443, 'v6.example.com', '[2001:db8::1]:443 v6.example.com'],
        [6, 'www.example.com', 443, undefined, 'https://www.example.com/path'],
        [7, '10.0.0.7', 443, 'names.example.com', '10.0.0.7 names.example.com'],
      ],
    );
    assert.ok(list.targets.every((t) => t.file === 'hosts.txt'));
  });

  test('every bad line is located (line, column) and the good ones are kept; a repeated endpoint is a warning, probed once', () => {
    const list = parseTargetList(['ok.example.com', 'bad:99999', 'a.example.com b.example.com c', 'ip.example.com 10.1.2.3', 'x.example.com *.example.com', 'ok.example.com:443', 'OK.example.com', 'ok.example.com other.example.com'].join('\n'), 'l');
    assert.deepEqual(
      list.problems.map((p) => [p.line, p.column, p.severity, p.message.replace(/ \(e\.g\..*/, '')]),
      [
        [2, 1, 'error', '"bad:99999" is not host[:port]'],
        [3, 29, 'error', 'unexpected "c": a line is host[:port] [sni]'],
        [4, 16, 'error', '"10.1.2.3" is an IP address: SNI carries a host name only (RFC 6066 §3)'],
        [5, 15, 'error', '"*.example.com" is not a host name to send as SNI'],
        [6, 1, 'warning', 'ok.example.com:443 is listed on line 1 already: probed once'],
        [7, 1, 'warning', 'ok.example.com:443 is listed on line 1 already: probed once'],
      ],
    );
    assert.deepEqual(
      list.targets.map((t) => t.line),
      [1, 8],
    );
  });

  test('binary input is one located problem per line, not a crash', () => {
    const list = parseTargetList('a.example.com\n\0\x01\x02\n', 'bin');
    assert.equal(list.targets.length, 1);
    assert.deepEqual(
      list.problems.map((p) => [p.line, p.column]),
      [[2, 1]],
    );
  });
});

describe('shards', () => {
  const randomList = (next: () => number, n: number): string[] => {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const host = `h${Math.floor(next() * 1e9).toString(36)}.example.${next() < 0.5 ? 'com' : 'org'}`;
      const port = next() < 0.7 ? '' : `:${1 + Math.floor(next() * 65535)}`;
      const sni = next() < 0.3 ? ` s${i}.example.net` : '';
      lines.push(`${host}${port}${sni}`);
    }
    return lines;
  };

  test('over 300 random lists and 1–12 shards: no overlap, no loss; the same shards in any order of the list', () => {
    const next = prng(15);
    for (let round = 0; round < 300; round++) {
      const lines = randomList(next, 1 + Math.floor(next() * 120));
      const targets = parseTargetList(lines.join('\n'), 'l').targets;
      const count = 1 + Math.floor(next() * 12);
      const owner = new Map<string, number>();
      for (let i = 0; i < count; i++) {
        for (const t of targets.filter((x) => inShard(x, { index: i, count }))) {
          const key = targetKey(t.target);
          assert.equal(owner.get(key), undefined, `${key} in shards ${owner.get(key)} and ${i} of ${count}`);
          owner.set(key, i);
        }
      }
      assert.equal(owner.size, targets.length, `round ${round}: every target in one shard`);
      // Reversed and shuffled: each target stays in its shard.
      const shuffled = [...lines].sort(() => next() - 0.5);
      for (const t of parseTargetList(shuffled.join('\n'), 'l').targets) {
        const i = owner.get(targetKey(t.target))!;
        assert.ok(inShard(t, { index: i, count }), `round ${round}: ${targetKey(t.target)} moved`);
      }
    }
  });

  test('a target stays in its shard when others are added or removed (two shards reading two versions of a list still never overlap)', () => {
    const next = prng(7);
    const lines = randomList(next, 400);
    const count = 5;
    const all = parseTargetList(lines.join('\n'), 'l').targets;
    const firstHalf = parseTargetList(lines.slice(0, 200).join('\n'), 'l').targets;
    for (const t of firstHalf) {
      const a = [0, 1, 2, 3, 4].filter((i) => inShard(t, { index: i, count }));
      const b = [0, 1, 2, 3, 4].filter((i) => inShard(all.find((x) => targetKey(x.target) === targetKey(t.target))!, { index: i, count }));
      assert.deepEqual(a, b);
      assert.equal(a.length, 1);
    }
  });

  test('shards are of similar size (hash spread) for a large list', () => {
    const targets = parseTargetList(randomList(prng(3), 10_000).join('\n'), 'l').targets;
    const sizes = [0, 1, 2, 3].map((i) => targets.filter((t) => inShard(t, { index: i, count: 4 })).length);
    assert.equal(sizes.reduce((a, b) => a + b), targets.length);
    for (const s of sizes) assert.ok(Math.abs(s - targets.length / 4) < 250, `shard sizes ${sizes.join(', ')}`);
  });

  test('--shard i/n (1-based), JOB_COMPLETION_INDEX (0-based) with --shard-count or TLS_LENS_SHARD_COUNT, and each mistake in a sentence', () => {
    assert.deepEqual(parseShardSpec('2/4'), { index: 1, count: 4 });
    assert.deepEqual(shardFromIndex('3', '4', { index: 'I', count: 'N' }), { index: 3, count: 4 });
    assert.deepEqual(resolveShard({ shard: '1/3' }, { JOB_COMPLETION_INDEX: '2', TLS_LENS_SHARD_COUNT: '9' }), { index: 0, count: 3 });
    assert.deepEqual(resolveShard({ shardCount: '4' }, { JOB_COMPLETION_INDEX: '3' }), { index: 3, count: 4 });
    assert.deepEqual(resolveShard({}, { JOB_COMPLETION_INDEX: '0', TLS_LENS_SHARD_COUNT: '2' }), { index: 0, count: 2 });
    assert.equal(resolveShard({}, {}), undefined);
    const fails: Array<[Parameters<typeof resolveShard>[0], NodeJS.ProcessEnv, RegExp]> = [
      [{ shard: '0/4' }, {}, /--shard must be i\/n with 1 ≤ i ≤ n/],
      [{ shard: '5/4' }, {}, /--shard must be i\/n/],
      [{ shard: 'two' }, {}, /--shard must be i\/n/],
      [{ shard: '1/2', shardCount: '2' }, {}, /exclude each other/],
      [{ shardCount: '3' }, {}, /--shard-count needs JOB_COMPLETION_INDEX/],
      [{}, { JOB_COMPLETION_INDEX: '1' }, /JOB_COMPLETION_INDEX=1 is set .* give --shard-count N/],
      [{ shardCount: '2' }, { JOB_COMPLETION_INDEX: '2' }, /JOB_COMPLETION_INDEX must be a whole number from 0 to 1 \(got "2"\)/],
      [{}, { JOB_COMPLETION_INDEX: '0', TLS_LENS_SHARD_COUNT: 'x' }, /TLS_LENS_SHARD_COUNT must be a whole number ≥ 1/],
    ];
    for (const [flags, env, re] of fails) assert.throws(() => resolveShard(flags, env), re, JSON.stringify([flags, env]));
  });
});
