/**
 * What a staff username and password must be: the server refuses anything else, and the
 * sign-in form shows the same limits before anything is sent.
 */
export const USERNAME_MAX = 64;
export const USERNAME_RULE = new RegExp(`^[\\p{L}\\p{N}._@-]{1,${USERNAME_MAX}}$`, 'u');
export const USERNAME_RULE_TEXT = `Username must be 1 to ${USERNAME_MAX} letters, digits or . _ @ -`;
export const PASSWORD_MIN = 8;
export const PASSWORD_RULE_TEXT = `Password must be at least ${PASSWORD_MIN} characters.`;
