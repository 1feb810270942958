import { expect, it } from 'vitest';
import { UsageCounter, type UsageSink } from '../../src/gateway/usage.ts';

type Batch = Parameters<UsageSink['add']>[0];

function recording(): { sink: UsageSink; batches: Batch[] } {
  const batches: Batch[] = [];
  return {
    batches,
    sink: {
      add: async (batch) => {
        batches.push(batch);
      },
    },
  };
}

const counts = (batch: Batch | undefined) =>
  Object.fromEntries((batch ?? []).map((e) => [`${e.installation} ${e.scope}`, e.count]));

it('counts per installation and scope, and starts afresh after a flush', async () => {
  const usage = new UsageCounter();
  usage.record('g1', 'content:read');
  usage.record('g1', 'content:read');
  usage.record('g1', 'leads:write');
  usage.record('g2', 'content:read');
  const { sink, batches } = recording();
  await usage.flush(sink);
  expect(counts(batches[0])).toEqual({
    'g1 content:read': 2,
    'g1 leads:write': 1,
    'g2 content:read': 1,
  });
  expect(Date.parse(batches[0]?.[0]?.last ?? '')).not.toBeNaN();
  await usage.flush(sink);
  expect(batches).toHaveLength(1);
});

it('keeps the counts of a failed flush for the next one, added to newer ones', async () => {
  const usage = new UsageCounter();
  usage.record('g1', 'content:read');
  usage.record('g1', 'content:read');
  const failing: UsageSink = {
    add: async () => {
      usage.record('g1', 'content:read');
      throw new Error('store down');
    },
  };
  await expect(usage.flush(failing)).rejects.toThrow('store down');
  const { sink, batches } = recording();
  await usage.flush(sink);
  expect(counts(batches[0])).toEqual({ 'g1 content:read': 3 });
});
