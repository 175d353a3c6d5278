import readline from 'node:readline';

/**
 * Reads a password from standard input: never from the command line, where it would
 * sit in the shell history and in every `ps` listing. Piped input is read to its first
 * line; at a terminal the typed characters are not echoed.
 */
export async function readPassword(prompt = 'Password: '): Promise<string> {
  const input = process.stdin;
  if (input.isTTY) process.stderr.write(prompt);
  const rl = readline.createInterface({ input, terminal: false });
  const muted = input.isTTY;
  if (muted) process.stderr.write('\x1b[8m'); // conceal typed text
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    if (muted) process.stderr.write('\x1b[28m\n');
    rl.close();
  }
}
