import { SlotMap } from './slot-map.js';

/** Deterministic pseudo-random numbers (a fixed seed: a failure replays). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const name = (key: unknown) => `${typeof key}:${String(key)}`;
const snapshot = (map: Map<unknown, unknown>) => ({
  size: map.size,
  entries: [...map.entries()].sort((a, b) => name(a[0]).localeCompare(name(b[0]))),
  keys: [...map.keys()].map(name).sort(),
  values: [...map.values()].map(String).sort(),
  spread: [...map].length,
  each: (() => {
    const seen: string[] = [];
    map.forEach((value, key, self) => {
      expect(self).toBe(map);
      seen.push(`${name(key)}=${String(value)}`);
    });
    return seen.sort();
  })(),
});

describe('SlotMap', () => {
  it('is a Map to the code that uses one', () => {
    const map = new SlotMap<string, number>();
    expect(map).toBeInstanceOf(Map);
    expect(map.set('a', 1)).toBe(map);
    expect(Object.prototype.toString.call(map)).toBe('[object Map]');
  });

  it('answers every operation as a Map does, over long random sequences', () => {
    // Keys as SameValueZero sees them: numbers and strings that look alike, NaN, -0 and +0, objects.
    const object = {};
    const keys: unknown[] = [1, '1', 2, 'two', NaN, 0, -0, object, undefined, null];
    for (const seed of [1, 7, 42, 2026]) {
      const next = random(seed);
      const slot = new SlotMap<unknown, number>();
      const plain = new Map<unknown, number>();
      for (let step = 0; step < 3000; step++) {
        const key = keys[Math.floor(next() * keys.length)];
        const roll = next();
        if (roll < 0.45) {
          expect(slot.set(key, step)).toBe(slot);
          plain.set(key, step);
        } else if (roll < 0.85) {
          expect(slot.delete(key)).toBe(plain.delete(key));
        } else if (roll < 0.87) {
          slot.clear();
          plain.clear();
        }
        expect(slot.get(key)).toBe(plain.get(key));
        expect(slot.has(key)).toBe(plain.has(key));
        expect(slot.size).toBe(plain.size);
        if (step % 50 === 0) expect(snapshot(slot)).toEqual(snapshot(plain));
      }
      expect(snapshot(slot)).toEqual(snapshot(plain));
    }
  });

  it('keeps one entry per key when a key held in the table comes back while the slot is free', () => {
    const map = new SlotMap<string, number>();
    map.set('a', 1).set('b', 2);
    map.delete('a');
    map.set('b', 3);
    expect([...map]).toEqual([['b', 3]]);
    map.set('c', 4);
    expect(map.size).toBe(2);
    expect(map.get('b')).toBe(3);
    expect(map.get('c')).toBe(4);
  });

  it('holds no reference to a deleted entry', () => {
    const map = new SlotMap<string, object>();
    map.set('a', {});
    map.delete('a');
    // The fields of the free slot are cleared, so the value can be collected.
    expect(Object.values(map)).toEqual([false, undefined, undefined]);
  });
});
