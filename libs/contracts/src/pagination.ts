/** One page of a list. `nextCursor` is absent on the last page; pass it back as `cursor`. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
