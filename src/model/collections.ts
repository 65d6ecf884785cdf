/**
 * Items grouped by a key, in the order met, each group in the order of its items. A push per
 * item: spreading the group into a new array per item is quadratic in the group's size (a
 * report of 10,000 findings of one detector).
 */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
