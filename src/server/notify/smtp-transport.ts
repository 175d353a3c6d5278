/**
 * nodemailer, which mail.ts loads when the first message is sent, not at start: a desk that
 * sends no mail never holds it (1.5 MiB of heap). Loaded as a module of our own so that the
 * bundle requires nodemailer's CommonJS build, as it does every other dependency.
 */
export { createTransport } from 'nodemailer';
