/**
 * A `Map` that holds one of its entries in two fields of its own and only the others in the map's table: for the
 * long-lived maps a request passes through (a session's pending requests and their streams, the SDK's abort
 * controllers), which hold one entry most of the time and none in between.
 *
 * Why: V8 shrinks a `Map`'s table when a `delete` empties it and grows it again when it fills up with deleted
 * entries, and a map that lives in the old generation gets its new table allocated in the old generation. A
 * session's maps are old after a few seconds, so every request's `set` + `delete` left ~100 B of old-generation
 * garbage per map (measured with `bench/profile-hot/run.mjs --alloc-prof --promoted`), which filled the old
 * generation and brought mark-compact pauses into the open-loop p99. Writing two fields allocates nothing.
 *
 * To the code that uses it, it is a `Map` (the SDK's code and `instanceof Map` checks see one): get, set, has,
 * delete, size, clear, iteration and `forEach`, keys compared as a `Map` compares them (SameValueZero; -0 kept as
 * +0). Where it differs: iteration gives the slot's entry first, not in insertion order, and an iterator does not
 * see an entry that takes the slot after it started (deleting while iterating is fine: no caller here adds);
 * `util.inspect`, `structuredClone` and `Map.prototype` methods called on it directly see only the table.
 * One slot: a map that holds one long-lived entry (a session's standalone GET stream in `streams`, a long call
 * beside short ones) puts the others in the table, which then empties and refills as a plain `Map` does.
 */
export class SlotMap<K, V> extends Map<K, V> {
  private slotUsed = false;
  private slotKey: K | undefined = undefined;
  private slotValue: V | undefined = undefined;

  // No entries argument: Map's constructor would add them through `set` before the slot's fields exist.
  constructor() {
    super();
  }

  override get size(): number {
    return (this.slotUsed ? 1 : 0) + super.size;
  }

  override get(key: K): V | undefined {
    if (this.slotUsed && sameValueZero(this.slotKey, key)) return this.slotValue;
    return super.size === 0 ? undefined : super.get(key);
  }

  override has(key: K): boolean {
    if (this.slotUsed && sameValueZero(this.slotKey, key)) return true;
    return super.size !== 0 && super.has(key);
  }

  override set(key: K, value: V): this {
    if (this.slotUsed && sameValueZero(this.slotKey, key)) {
      this.slotValue = value;
    } else if (!this.slotUsed && (super.size === 0 || !super.has(key))) {
      this.slotUsed = true;
      // As a Map does, -0 is kept as +0 (iteration gives +0 back).
      this.slotKey = (Object.is(key, -0) ? 0 : key) as K;
      this.slotValue = value;
    } else {
      super.set(key, value);
    }
    return this;
  }

  override delete(key: K): boolean {
    if (this.slotUsed && sameValueZero(this.slotKey, key)) {
      this.emptySlot();
      return true;
    }
    return super.size !== 0 && super.delete(key);
  }

  override clear(): void {
    this.emptySlot();
    if (super.size !== 0) super.clear();
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  override entries(): MapIterator<[K, V]> {
    return asMapIterator(this.walk((key, value) => [key, value] as [K, V]));
  }

  override keys(): MapIterator<K> {
    return asMapIterator(this.walk((key) => key));
  }

  override values(): MapIterator<V> {
    return asMapIterator(this.walk((_, value) => value));
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  private *walk<T>(pick: (key: K, value: V) => T): Generator<T, undefined, unknown> {
    if (this.slotUsed) yield pick(this.slotKey as K, this.slotValue as V);
    for (const [key, value] of super.entries()) yield pick(key, value);
    return undefined;
  }

  private emptySlot(): void {
    this.slotUsed = false;
    this.slotKey = undefined;
    this.slotValue = undefined;
  }
}

function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

/** A generator is the iterator a `Map` method returns in all but its type's name (both are IteratorObjects). */
function asMapIterator<T>(iterator: Generator<T, undefined, unknown>): MapIterator<T> {
  return iterator as unknown as MapIterator<T>;
}
