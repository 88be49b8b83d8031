import fc from 'fast-check';
import { Prng } from './prng';

describe('Prng', () => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const draw = (seed: number | string) => {
      const prng = new Prng(seed);
      return Array.from({ length: 5 }, () => prng.nextUint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw('seven')).toEqual(draw('seven'));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('pins the sequence of seed 7 (a change here changes every plan)', () => {
    const prng = new Prng(7);
    expect(Array.from({ length: 3 }, () => prng.int(0, 999))).toEqual([980, 969, 609]);
  });

  it('draws integers inside their bounds and numbers in [0, 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: -50, max: 50 }),
        fc.nat(100),
        (seed, min, span) => {
          const prng = new Prng(seed);
          for (let i = 0; i < 20; i++) {
            const value = prng.int(min, min + span);
            expect(Number.isInteger(value) && value >= min && value <= min + span).toBe(true);
            const x = prng.next();
            expect(x >= 0 && x < 1).toBe(true);
          }
        },
      ),
    );
  });

  it('spreads draws evenly enough to plan with', () => {
    const prng = new Prng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[prng.int(0, 3)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('picks by weight, never an item of weight 0', () => {
    const prng = new Prng(3);
    const picks = Array.from({ length: 3000 }, () => prng.weighted(['a', 'b', 'c'], [3, 1, 0]));
    expect(picks).not.toContain('c');
    const a = picks.filter((p) => p === 'a').length;
    expect(a / picks.length).toBeGreaterThan(0.7);
    expect(a / picks.length).toBeLessThan(0.8);
  });

  it('shuffles and samples without losing or repeating items', () => {
    const prng = new Prng(5);
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect([...prng.shuffle(items)].sort((x, y) => x - y)).toEqual(items);
    const sample = prng.sample(items, 10);
    expect(new Set(sample).size).toBe(10);
    expect(prng.sample(items, 80)).toHaveLength(50);
  });

  it('forks generators that do not follow each other', () => {
    const root = new Prng(9);
    const a = root.fork('a');
    const b = root.fork('a');
    expect(a.nextUint32()).not.toBe(b.nextUint32());
    const again = new Prng(9).fork('a');
    expect(again.nextUint32()).toBe(new Prng(9).fork('a').nextUint32());
  });

  it('refuses bounds the wrong way round and empty lists', () => {
    const prng = new Prng(1);
    expect(() => prng.int(3, 2)).toThrow(/max below min/);
    expect(() => prng.pick([])).toThrow(/empty/);
    expect(() => prng.weighted(['a'], [0])).toThrow(/bad weights/);
  });
});
