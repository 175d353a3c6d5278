/**
 * A memory of at most `max` entries: storing a key makes it the newest, and past `max` the
 * oldest goes. For what a hot path keeps so as not to compute or read it again.
 */
export class BoundedMemory<K, V> {
  protected readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * A BoundedMemory of database reads, all forgotten when another process commits to the
 * database (SQLite's data_version moves, see db/connection.ts): any of them may have
 * changed. This process's own changes must `delete` or `clear` what they change.
 */
export class ReadMemory<K, V> extends BoundedMemory<K, V> {
  private asOf: number;

  constructor(
    private readonly dataVersion: () => number,
    max: number,
  ) {
    super(max);
    this.asOf = dataVersion();
  }

  override get(key: K): V | undefined {
    const version = this.dataVersion();
    if (version !== this.asOf) {
      this.entries.clear();
      this.asOf = version;
    }
    return this.entries.get(key);
  }
}
