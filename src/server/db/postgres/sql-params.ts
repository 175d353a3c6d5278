/**
 * A statement written for better-sqlite3 (`?` in order, `@name` by name) in PostgreSQL's
 * numbered form (`$1`, `$2`…), with the order in which to pass its values. Quoted strings,
 * quoted names and comments are copied as they are; `::` (a cast) and `@@` (a text search)
 * are operators, not parameters.
 */
export interface PgStatementText {
  text: string;
  /** For each `$n`, in order: the index of a positional value, or the name of a named one. */
  order: (number | string)[];
}

export function toPgStatement(sql: string): PgStatementText {
  const order: (number | string)[] = [];
  const numbers = new Map<string, number>();
  let positional = 0;
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const char = sql[i]!;
    const next = sql[i + 1];
    if (char === "'" || char === '"') {
      const end = closingQuote(sql, i, char);
      text += sql.slice(i, end);
      i = end;
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop;
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      text += sql.slice(i, stop);
      i = stop;
    } else if (char === '?') {
      // better-sqlite3's ?NNN would read here as $n followed by digits: a wrong value, silently.
      if (next !== undefined && /[0-9]/.test(next))
        throw new SyntaxError(`numbered parameters (?${next}…) are not supported`);
      order.push(positional++);
      text += `$${order.length}`;
      i++;
    } else if (char === '@' && next !== undefined && /[A-Za-z_]/.test(next) && sql[i - 1] !== '@') {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let number = numbers.get(name);
      if (number === undefined) {
        order.push(name);
        number = order.length;
        numbers.set(name, number);
      }
      text += `$${number}`;
      i += 1 + name.length;
    } else {
      text += char;
      i++;
    }
  }
  return { text, order };
}

/** Just past the quote that closes the one at `start` (a doubled quote is one inside). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/**
 * The values for a statement from what better-sqlite3 would have been given: values in
 * order, or one object of named values (better-sqlite3 refuses a name left out, and so do we).
 */
export function pgValues(statement: PgStatementText, args: unknown[]): unknown[] {
  const named = args.find(
    (arg): arg is Record<string, unknown> =>
      typeof arg === 'object' && arg !== null && !Array.isArray(arg) && !ArrayBuffer.isView(arg),
  );
  const positional = args.filter((arg) => arg !== named).flat();
  const wanted = statement.order.filter((key) => typeof key === 'number').length;
  if (positional.length > wanted) throw new RangeError('Too many parameter values were provided');
  return statement.order.map((key) => {
    if (typeof key === 'number') {
      if (key >= positional.length) throw new RangeError('Too few parameter values were provided');
      return positional[key];
    }
    if (!named || !(key in named)) throw new RangeError(`Missing named parameter "${key}"`);
    return named[key];
  });
}
